"""An archive that is not exactly what ``backup`` wrote is refused before anything is touched.

Proves, on SQLite and PostgreSQL: a byte changed in a member (an upload, the database), a
checksum altered in the manifest, a member removed or added, a member climbing out of the
archive (``../``), a file named like another member's folder (``uploads/a`` and
``uploads/a/b``, in either order) or a name the disk cannot hold, a corrupted or cut-short
file, an archive without a manifest, one from a newer schema or of the other database backend
are each refused with one clear :class:`InvalidInputError`, without asking, and the database
rows, the region and the uploads are as they were (nothing written beside the data folder
either). On PostgreSQL a dump that agrees with its manifest but that ``pg_restore`` cannot read
(not a dump, cut short) is refused by ``restore --check`` already, not only by a real restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from config.settings import Settings
from engine import InvalidInputError
from interfaces.bootstrap import initialise
from workflows.operations import restore as restoring
from workflows.operations.backup import backup, table_counts
from workflows.programme import Programme

Change = Callable[[str, bytes], bytes | None]


def rewrite(source: Path, target: Path, change: Change, extra: dict[str, bytes] | None = None
            ) -> Path:
    """``source`` with each member's bytes passed through ``change`` (None drops it)."""
    with tarfile.open(source) as tin, tarfile.open(target, "w:gz") as tout:
        for member in tin:
            body = change(member.name, tin.extractfile(member).read())  # type: ignore[union-attr]
            if body is None:
                continue
            member.size = len(body)
            tout.addfile(member, io.BytesIO(body))
        for name, body in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tout.addfile(info, io.BytesIO(body))
    return target


def flip(body: bytes, at: int | None = None) -> bytes:
    at = len(body) // 2 if at is None else at
    return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1:]


def manifest_edit(edit: Callable[[dict[str, Any]], None]) -> Change:
    def change(name: str, body: bytes) -> bytes:
        if name != "manifest.json":
            return body
        manifest = json.loads(body)
        edit(manifest)
        return json.dumps(manifest).encode()
    return change


def _alter_checksum(m: dict[str, Any]) -> None:
    entry = m["files"][-1]
    entry["sha256"] = ("0" if entry["sha256"][0] != "0" else "1") + entry["sha256"][1:]


def _newer_schema(m: dict[str, Any]) -> None:
    m["alembic_revision"] = "9999_from_the_future"


@pytest.fixture
def archived(world: Any, tmp_path: Path) -> tuple[Any, Any, Path]:
    r = world.region()
    world.drive(r, "institutions")
    report = backup(world.prog, tmp_path / "b.tar.gz", app_version="1")
    world.leave(r, "institutions")  # the target now differs from the archive
    return world, r, report.path


def snapshot(world: Any, code: str) -> dict[str, Any]:
    prog = world.prog
    with prog.db.engine.connect() as conn:
        tables = table_counts(conn)
    folder = prog.settings.upload_dir
    files = {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return {"tables": tables, "region": world.footprint(code), "files": files,
            "beside": sorted(p.name for p in prog.settings.data_dir.iterdir())}


def refused(world: Any, archive: Path) -> str:
    def never(_: Any) -> bool:
        raise AssertionError("asked before the archive was checked")

    with pytest.raises(InvalidInputError) as caught:
        restoring.restore(world.prog, archive, known_revisions=_known(), confirm=never)
    return str(caught.value)


def _known() -> set[str]:
    from interfaces.cli.backup import known_revisions

    return set(known_revisions())


CASES: dict[str, tuple[Change | None, dict[str, bytes] | None, str]] = {
    "a byte of an upload": (lambda n, b: flip(b) if n.startswith("uploads/") else b, None,
                            "does not match the manifest"),
    "a byte of the database": (lambda n, b: flip(b) if n.startswith("database/") else b, None,
                               "does not match the manifest"),
    "a checksum in the manifest": (manifest_edit(_alter_checksum), None,
                                   "does not match the manifest"),
    "an upload removed": (lambda n, b: None if n.startswith("uploads/") else b, None,
                          "missing from the archive"),
    "a file added": (lambda n, b: b, {"uploads/zz/extra": b"x"}, "not listed in the manifest"),
    "a member climbing out": (lambda n, b: b, {"uploads/../../escaped": b"x"},
                              "not a plain file under database/ or uploads/"),
    "a file that is also a folder": (lambda n, b: b, {"uploads/zz/a": b"x",
                                                      "uploads/zz/a/b": b"y"},
                                     "holds uploads/zz/a/b, which is not a plain file"),
    "a folder that is also a file": (lambda n, b: b, {"uploads/zz/a/b": b"y",
                                                      "uploads/zz/a": b"x"},
                                     "holds uploads/zz/a, which is not a plain file"),
    "a name too long for the disk": (lambda n, b: b, {"uploads/" + "n" * 300: b"x"},
                                     "which is not a plain file"),
    "no manifest": (lambda n, b: None if n == "manifest.json" else b, None,
                    "no manifest.json found"),
    "a newer schema": (manifest_edit(_newer_schema), None, "upgrade smartcity first"),
    "a manifest that is not one": (lambda n, b: b"{" if n == "manifest.json" else b, None,
                                   "manifest.json is damaged"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_altered_archive_is_refused_and_nothing_changes(
        archived: tuple[Any, Any, Path], tmp_path: Path, case: str) -> None:
    world, r, archive = archived
    change, extra, says = CASES[case]
    assert change is not None
    altered = rewrite(archive, tmp_path / "altered.tar.gz", change, extra)
    before = snapshot(world, r.code)
    assert says in refused(world, altered)
    assert snapshot(world, r.code) == before
    assert not (tmp_path.parent / "escaped").exists()


@pytest.mark.parametrize("cut", ["corrupted", "cut short", "not an archive", "missing"])
def test_a_damaged_file_is_refused_and_nothing_changes(
        archived: tuple[Any, Any, Path], tmp_path: Path, cut: str) -> None:
    world, r, archive = archived
    body = archive.read_bytes()
    target = tmp_path / "damaged.tar.gz"
    if cut == "corrupted":
        target.write_bytes(flip(body, len(body) // 3))
    elif cut == "cut short":
        target.write_bytes(body[: len(body) // 2])
    elif cut == "not an archive":
        target.write_bytes(b"%PDF-1.4 hello")
    before = snapshot(world, r.code)
    message = refused(world, target)
    assert ("there is no archive" if cut == "missing" else
            "not a sound backup archive" if cut != "corrupted" else "archive") in message
    assert snapshot(world, r.code) == before


@pytest.fixture
def other_backend_archive(database_url: str, tmp_path: Path, root_conftest: Any,
                          request: pytest.FixtureRequest) -> Iterator[Path]:
    """An archive made from a database of the other backend than ``database_url``'s."""
    folder = tmp_path / "elsewhere"
    if not database_url.startswith("sqlite"):
        template = request.getfixturevalue("sqlite_template")
        url = f"sqlite:///{folder / 'smartcity.db'}"
        folder.mkdir()
        (folder / "smartcity.db").write_bytes(Path(template).read_bytes())
        prog = Programme(Settings(data_dir=folder, database_url=url))
        yield backup(prog, tmp_path / "sqlite.tar.gz", app_version="1").path
        prog.close()
        return
    admin = root_conftest._pg_admin()
    name = f"sc_other_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    prog = Programme(Settings(data_dir=folder, database_url=root_conftest._pg_url(name)))
    try:
        initialise(prog)
        yield backup(prog, tmp_path / "pg.tar.gz", app_version="1").path
    finally:
        prog.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_an_archive_of_the_other_backend_is_refused(
        archived: tuple[Any, Any, Path], other_backend_archive: Path) -> None:
    world, r, _ = archived
    before = snapshot(world, r.code)
    message = refused(world, other_backend_archive)
    ours = "sqlite" if world.prog.db.is_sqlite else "postgresql"
    theirs = "postgresql" if ours == "sqlite" else "sqlite"
    assert message == (f"this archive holds a {theirs} database and the target is {ours}; "
                       f"restore it into a {theirs} database (see --database-url); "
                       "nothing was changed")
    assert snapshot(world, r.code) == before


def test_check_only_reads(archived: tuple[Any, Any, Path]) -> None:
    world, r, archive = archived
    before = snapshot(world, r.code)
    manifest = restoring.verify(world.prog, archive, known_revisions=_known())
    assert manifest.counts["submissions"] > 0
    assert snapshot(world, r.code) == before


def _dump_replaced(archive: Path, target: Path, dump: Callable[[bytes], bytes]) -> Path:
    """``archive`` with its PostgreSQL dump rewritten and the manifest agreeing (size and
    SHA-256): only ``pg_restore`` itself can tell the dump is not a sound one."""
    new: dict[str, bytes] = {}

    def change(name: str, body: bytes) -> bytes:
        if name == "database/smartcity.dump":
            new["body"] = dump(body)
            return new["body"]
        if name == "manifest.json":
            manifest = json.loads(body)
            for entry in manifest["files"]:
                if entry["path"] == "database/smartcity.dump":
                    entry["size"] = len(new["body"])
                    entry["sha256"] = hashlib.sha256(new["body"]).hexdigest()
            return json.dumps(manifest).encode()
        return body

    return rewrite(archive, target, change)


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
@pytest.mark.parametrize("damage", [
    lambda body: b"PGDMP" + bytes(range(256)) * 8,  # a header pg_restore does not know
    lambda body: body[: len(body) * 2 // 3],  # cut short: its blocks end early
], ids=["not a dump", "cut short"])
def test_a_dump_pg_restore_cannot_read_is_refused_by_the_check(
        archived: tuple[Any, Any, Path], tmp_path: Path,
        damage: Callable[[bytes], bytes]) -> None:
    world, r, archive = archived
    unreadable = _dump_replaced(archive, tmp_path / "unreadable.tar.gz", damage)
    before = snapshot(world, r.code)
    with pytest.raises(InvalidInputError) as caught:
        restoring.verify(world.prog, unreadable, known_revisions=_known())
    message = str(caught.value)
    assert message.startswith("the archive's database database/smartcity.dump cannot be read "
                              "by pg_restore (pg_restore: ") and "\n" not in message, message
    assert message.endswith("); the archive is refused, nothing was changed")
    assert refused(world, unreadable) == message  # a restore refuses it before any change
    assert snapshot(world, r.code) == before
    restoring.verify(world.prog, archive, known_revisions=_known())  # the sound one passes
