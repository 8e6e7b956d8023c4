"""A backup put back: the data and the uploads are the backup's again, on SQLite and PostgreSQL.

Proves: ``backup`` writes one archive holding the database and every upload with a manifest
(format, time, backend, schema revision, each file's size and SHA-256, counts); after the
region moved on, another region joined and an upload was deleted, ``restore`` (then the
migrations, as the command runs them) gives back exactly the backed-up rows (row counts of
every table, the region's history entry by entry, its submissions) and the upload bytes, asks
before replacing a database holding data, and the programme goes on from the restored state.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

import migrations
from engine import Records
from interfaces.bootstrap import initialise
from workflows.operations import restore as restoring
from workflows.operations.archive import Manifest
from workflows.operations.backup import backup, table_counts

JAYAPURA = "91.71"


def uploads_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rows_of(prog: Any, code: str) -> dict[str, Any]:
    """What a restore must give back: every table's rows, the region's history and
    submissions as records."""
    with prog.db.engine.connect() as conn:
        tables = table_counts(conn)
    with prog.db.read() as session:
        records = Records(session)
        history = records.history(code)
        submissions = [s for i in {h.instance_id for h in history}
                       for s in records.submissions(i)]
    return {"tables": tables, "history": history, "submissions": submissions}


def test_backup_then_restore_gives_back_the_data_and_the_uploads(world: Any,
                                                                 tmp_path: Path) -> None:
    prog = world.prog
    r = world.region()
    world.drive(r, "bimtek_2")
    world.dead_letter()
    uploads = prog.settings.upload_dir
    saved_files = uploads_of(uploads)
    saved = rows_of(prog, r.code)
    footprint = world.footprint(r.code)
    assert len(saved_files) >= 5 and footprint["submissions"] >= 5

    report = backup(prog, tmp_path / "out" / "b.tar.gz", app_version="9.9")

    assert report.path == tmp_path / "out" / "b.tar.gz"
    assert report.path.stat().st_mode & 0o077 == 0  # its owner's only
    m = report.manifest
    assert m.database_backend == ("sqlite" if prog.db.is_sqlite else "postgresql")
    assert m.alembic_revision == migrations.current(prog.db.engine)
    assert m.app_version == "9.9" and m.created_at == "2026-01-05T02:00:00Z"
    assert m.counts == {"regions": 514, "history_entries": footprint["history"],
                        "submissions": footprint["submissions"], "outbox": 1}
    assert m.tables == saved["tables"]
    with tarfile.open(report.path) as tar:
        names = tar.getnames()
        written = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        for entry in written["files"]:
            body = tar.extractfile(entry["path"]).read()  # type: ignore[union-attr]
            assert (len(body), hashlib.sha256(body).hexdigest()) == (entry["size"],
                                                                     entry["sha256"])
    assert names[-1] == "manifest.json" and names[0] == m.database_member
    assert sorted(n for n in names if n.startswith("uploads/")) == sorted(
        f"uploads/{p}" for p in saved_files)
    assert written["format"] == "smartcity-backup" and written["format_version"] == 1

    # The world moves on: more rows, another region, an upload lost.
    world.leave(r, "bimtek_2")
    world.region(JAYAPURA)
    lost = sorted(uploads.rglob("*"))[-1]
    assert lost.is_file()
    lost.unlink()
    assert rows_of(prog, r.code) != saved

    asked: list[Manifest] = []
    restored = restoring.restore(prog, report.path, known_revisions={m.alembic_revision},
                                 confirm=lambda found: asked.append(found) or True)
    initialise(prog)

    assert [a.created_at for a in asked] == [m.created_at]  # it held data: asked once
    assert restored.tables == saved["tables"] and restored.uploads == len(saved_files)
    assert rows_of(prog, r.code) == saved
    assert world.footprint(r.code) == footprint
    assert world.state(r.code) == "bimtek_2"
    with prog.db.read() as session:
        assert Records(session).history(JAYAPURA) == []
    assert uploads_of(uploads) == saved_files
    assert not list(uploads.parent.glob(".*"))  # no scratch folder or old uploads left
    # The programme goes on from the restored state.
    world.leave(r, "bimtek_2")
    assert world.state(r.code) == "bimtek_3"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_new_machine_with_no_database_yet_is_restored_without_a_question(
        world: Any, make_prog: Any, tmp_path: Path) -> None:
    r = world.region()
    world.drive(r, "mou")
    report = backup(world.prog, tmp_path / "b.tar.gz", app_version="1")
    fresh = tmp_path / "new-machine"
    other = make_prog(data_dir=fresh, database_url=f"sqlite:///{fresh / 'smartcity.db'}")

    def never(_: Manifest) -> bool:
        raise AssertionError("asked about a target that holds nothing")

    restoring.restore(other, report.path, known_revisions={report.manifest.alembic_revision},
                      confirm=never)
    initialise(other)
    assert rows_of(other, r.code) == rows_of(world.prog, r.code)
    assert uploads_of(other.settings.upload_dir) == uploads_of(world.prog.settings.upload_dir)
