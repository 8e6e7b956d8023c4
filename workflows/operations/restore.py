"""``smartcity restore``: an archive checked whole first, then the database and the uploads.

Nothing is touched until the archive has passed every check: it unpacks cleanly, its manifest
names exactly its files and every size and SHA-256 agrees (:func:`archive.unpack`), it was
made from the same kind of database as the target (a SQLite copy cannot become a PostgreSQL
database, nor the reverse), its schema revision is one this program knows (an archive from a
newer version would be missing what it added), a SQLite copy passes ``PRAGMA
integrity_check`` and a PostgreSQL dump is read whole by ``pg_restore`` (its table of contents
with ``--list``, then every block into the null device), so ``restore --check`` finds a dump
that only a real restore would otherwise stumble on. A target that holds data is only
replaced after the caller confirmed.

SQLite is restored through the backup API into the target file (pages written through
SQLite, so its write-ahead log and other connections stay coherent, never a file copied over
a live database); PostgreSQL with ``pg_restore --clean --if-exists --single-transaction``, all
or nothing. The uploads folder is replaced by the archive's (the old one renamed aside, then
removed). The caller then migrates the schema to head, as ``smartcity init`` does: the program
may be newer than the archive.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, create_engine, func, select
from sqlalchemy import text as sql

from config.messages import Message, text
from engine import DatabaseUnavailable, InvalidInputError, Records
from notifications.models import OutboxMessage
from workflows.access.models import Account
from workflows.directory.models import Cohort, Person
from workflows.operations import postgres
from workflows.operations.archive import UPLOADS, Manifest, Progress, quiet, unpack
from workflows.operations.backup import copy_sqlite, sqlite_file, table_counts
from workflows.programme import Programme


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    tables: dict[str, int]
    uploads: int


def holds_data(prog: Programme) -> bool:
    """Whether restoring over the target would lose something: uploaded files, or any
    person, cohort, account, workflow instance or email (what ``smartcity init`` loads, the
    regions and definitions, does not count)."""
    folder = prog.settings.upload_dir
    if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
        return True
    try:
        with prog.db.read() as session:
            if any(Records(session).totals().values()):
                return True
            return any(session.execute(select(func.count()).select_from(m)).scalar_one()
                       for m in (Person, Cohort, Account, OutboxMessage))
    except DatabaseUnavailable:  # no schema yet: nothing to lose
        return False


def restore(prog: Programme, archive: Path, *, known_revisions: Collection[str],
            confirm: Callable[[Manifest], bool], progress: Progress = quiet) -> RestoreReport:
    """Check ``archive`` whole, ask ``confirm`` when the target holds data, then restore."""
    data_dir = prog.settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as folder:
        scratch = Path(folder)
        manifest = unpack(archive, scratch, progress)
        _check(prog, manifest, scratch, known_revisions)
        if holds_data(prog) and not confirm(manifest):
            raise InvalidInputError("backup.restore_cancelled")
        source = scratch / manifest.database_member
        prog.db.dispose()  # our own pooled connections hold nothing while the file changes
        with progress(text("backup.progress.restore_database")):
            if prog.db.is_sqlite:
                target = sqlite_file(prog.db.url)
                target.parent.mkdir(parents=True, exist_ok=True)
                copy_sqlite(source, target, quiet, "", self_contained=False)
            else:
                _pg_restore(prog, manifest, source)
        with prog.db.errors_mapped(), prog.db.engine.connect() as conn:
            tables = table_counts(conn)
        prog.db.dispose()
        differ = sorted(n for n in set(tables) | set(manifest.tables)
                        if tables.get(n) != manifest.tables.get(n))
        if differ:  # the archive was checked: this is the restore going wrong, say so
            raise DatabaseUnavailable(Message(
                "backup.restore_differs", table=differ[0],
                expected=manifest.tables.get(differ[0], 0), found=tables.get(differ[0], 0)))
        with progress(text("backup.progress.restore_uploads")):
            uploads = _replace_uploads(scratch / UPLOADS, prog.settings.upload_dir)
    return RestoreReport(manifest, tables, uploads)


def _check(prog: Programme, manifest: Manifest, scratch: Path,
           known_revisions: Collection[str]) -> None:
    """The refusals that need the target or the program: backend, revision, integrity."""
    backend = "sqlite" if prog.db.is_sqlite else "postgresql"
    if manifest.database_backend != backend:
        raise InvalidInputError("backup.backend_mismatch", archive=manifest.database_backend,
                                target=backend)
    if not manifest.alembic_revision or manifest.alembic_revision not in known_revisions:
        raise InvalidInputError("backup.revision_unknown",
                                revision=str(manifest.alembic_revision),
                                version=manifest.app_version)
    if backend == "sqlite":
        copy = scratch / manifest.database_member
        try:
            db = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
            try:
                verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
                revision = db.execute("SELECT version_num FROM alembic_version").fetchone()
            finally:
                db.close()
        except sqlite3.DatabaseError:
            verdict, revision = "not a database", None
        if verdict != "ok" or revision is None or revision[0] != manifest.alembic_revision:
            raise InvalidInputError("backup.database_damaged", path=manifest.database_member)
    else:
        _readable_dump(scratch / manifest.database_member, manifest)


def _readable_dump(dump: Path, manifest: Manifest) -> None:
    """``pg_restore`` reads the dump without a database: its table of contents (``--list``),
    then every block, decompressed, into the null device. Checksums prove the dump is the one
    written; this proves ``pg_restore`` can read what was written."""
    made_by = int((manifest.database_server or "0").split(".")[0] or 0)
    program = postgres.find_tool("pg_restore", made_by)
    offline = postgres.Connection("", {k: v for k, v in os.environ.items()
                                       if not k.startswith("PG")})
    for args in (["--list"], [f"--file={os.devnull}"]):
        postgres.run(program, [*args, str(dump)], offline, refusal="backup.dump_unreadable",
                     path=manifest.database_member)


def _pg_restore(prog: Programme, manifest: Manifest, dump: Path) -> None:
    """``pg_restore`` into the target, in one transaction; tables of a newer schema that the
    archive does not hold are dropped first (the migrations recreate them)."""
    with prog.db.errors_mapped(), prog.db.engine.connect() as conn:
        server = conn.dialect.server_version_info or (0,)
    program = postgres.find_tool("pg_restore", int(server[0]))
    engine = create_engine(prog.db.url)
    try:
        with prog.db.errors_mapped(), engine.begin() as conn:
            present = MetaData()
            present.reflect(conn)
            for name in sorted(set(present.tables) - set(manifest.tables)):
                conn.execute(sql(f"DROP TABLE IF EXISTS "
                                 f"{conn.dialect.identifier_preparer.quote(name)} CASCADE"))
    finally:
        engine.dispose()
    connection = postgres.libpq(prog.db.url)
    postgres.run(program, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                           "--single-transaction", f"--dbname={connection.conninfo}",
                           str(dump)], connection)


def _replace_uploads(unpacked: Path, folder: Path) -> int:
    """Put the archive's uploads in place of ``folder``; how many files they are."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    if not unpacked.is_dir():
        unpacked.mkdir()
    aside = folder.with_name(f".{folder.name}.replaced-{secrets.token_hex(4)}")
    if folder.exists():
        folder.rename(aside)
    unpacked.rename(folder)
    shutil.rmtree(aside, ignore_errors=True)
    return sum(1 for p in folder.rglob("*") if p.is_file())


def verify(prog: Programme, archive: Path, *, known_revisions: Collection[str],
           progress: Progress = quiet) -> Manifest:
    """Every check a restore makes, without restoring (``smartcity restore --check``)."""
    prog.settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=prog.settings.data_dir, prefix=".verify-") as folder:
        manifest = unpack(archive, Path(folder), progress)
        _check(prog, manifest, Path(folder), known_revisions)
    return manifest

