"""``smartcity backup``: the database and the uploads in one archive, while the service runs.

The database is never copied as a file: a SQLite file being written (and its write-ahead log)
copied byte by byte can be torn, and a PostgreSQL data folder is not portable. SQLite's online
backup API copies the pages inside one read transaction, so the copy is the database at one
instant while the service goes on writing (WAL readers do not block writers); PostgreSQL's
``pg_dump`` reads the snapshot this module exports from a REPEATABLE READ transaction, and the
manifest's counts are read in that same snapshot, so they describe exactly what was dumped.

The uploads are archived after the database snapshot: a file is written before the submission
that names it commits, so every file the snapshot names is already there (later files may be
archived too, harmlessly). The archive is written under a temporary name and renamed when
complete, readable by its owner only: it holds every person's data.
"""

from __future__ import annotations

import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, select, table
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlmodel import Session

from config.messages import text
from engine import InvalidInputError, Records
from notifications.models import OutboxMessage
from workflows.directory.models import Region
from workflows.operations import postgres
from workflows.operations.archive import (
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    UPLOADS,
    Manifest,
    Progress,
    Writer,
    quiet,
)
from workflows.programme import Programme

#: Pages SQLite copies per step (about 4 MiB): the progress bar moves, the snapshot holds.
PAGES_PER_STEP = 1024
#: How long a restore waits for the service's writers to let go of the target file.
BUSY_SECONDS = 30


@dataclass(frozen=True)
class BackupReport:
    path: Path
    manifest: Manifest


def default_path(data_dir: Path, now: datetime) -> Path:
    """``DATA_DIR/backups/smartcity-20260305T021500Z.tar.gz``."""
    return data_dir / "backups" / f"smartcity-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def sqlite_file(url: str) -> Path:
    """The file of a ``sqlite:///`` URL (an in-memory database has none to back up)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InvalidInputError("backup.memory_database")
    return Path(database)


def backup(prog: Programme, output: Path | None, *, app_version: str,
           progress: Progress = quiet) -> BackupReport:
    """Write the archive to ``output`` (default: :func:`default_path`); what it holds."""
    now = prog.engine.clock()
    target = output or default_path(prog.settings.data_dir, now)
    if target.exists():
        raise InvalidInputError("backup.output_exists", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    manifest = Manifest(created_at=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        app_version=app_version,
                        database_backend="sqlite" if prog.db.is_sqlite else "postgresql",
                        alembic_revision=None)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as scratch:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz",
                                                          compresslevel=6) as tar:
                writer = Writer(tar)
                if prog.db.is_sqlite:
                    _sqlite(prog, Path(scratch), manifest, writer, progress)
                else:
                    _postgres(prog, Path(scratch), manifest, writer, progress)
                _uploads(prog.settings.upload_dir, writer, progress)
                writer.close(manifest)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, manifest)


def _sqlite(prog: Programme, scratch: Path, manifest: Manifest, writer: Writer,
            progress: Progress) -> None:
    copy = scratch / "smartcity.db"
    copy_sqlite(sqlite_file(prog.db.url), copy, progress,
                text("backup.progress.database"))
    engine = create_engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as conn:
            _describe(conn, manifest)
    finally:
        engine.dispose()
    with progress(text("backup.progress.archive"), copy.stat().st_size) as advance:
        writer.add(copy, SQLITE_MEMBER, advance)


def copy_sqlite(source: Path, target: Path, progress: Progress, label: str, *,
                self_contained: bool = True) -> None:
    """Copy ``source`` into ``target`` through SQLite's backup API, in steps, inside one read
    transaction of ``source`` (one instant, however long it takes). A backup's copy is made
    ``self_contained`` (rollback journal: one file, no write-ahead log beside it); a restored
    database keeps the mode the service uses."""
    if not source.is_file():
        raise InvalidInputError("backup.no_database", path=str(source))
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True,
                          isolation_level=None)
    dst = sqlite3.connect(target, isolation_level=None, timeout=BUSY_SECONDS)
    try:
        src.execute("BEGIN")
        pages = int(src.execute("PRAGMA page_count").fetchone()[0])
        with progress(label, pages) as advance:
            done = [0]

            def moved(_status: int, remaining: int, total: int) -> None:
                advance(max(0, total - remaining - done[0]))
                done[0] = total - remaining

            src.backup(dst, pages=PAGES_PER_STEP, progress=moved)
        if self_contained:
            dst.execute("PRAGMA journal_mode=DELETE")
        src.execute("COMMIT")
    finally:
        dst.close()
        src.close()


def _postgres(prog: Programme, scratch: Path, manifest: Manifest, writer: Writer,
              progress: Progress) -> None:
    dump = scratch / "smartcity.dump"
    with prog.db.errors_mapped(), _exported_snapshot(prog) as (conn, snapshot):
        server = conn.dialect.server_version_info or (0,)
        manifest.database_server = ".".join(str(n) for n in server)
        program = postgres.find_tool("pg_dump", int(server[0]))
        _describe(conn, manifest)
        connection = postgres.libpq(prog.db.url)
        with progress(text("backup.progress.database")):
            postgres.run(program, ["--format=custom", f"--snapshot={snapshot}",
                                   f"--file={dump}", f"--dbname={connection.conninfo}"],
                         connection)
    with progress(text("backup.progress.archive"), dump.stat().st_size) as advance:
        writer.add(dump, POSTGRES_MEMBER, advance)


@contextmanager
def _exported_snapshot(prog: Programme) -> Iterator[tuple[Connection, str]]:
    """A REPEATABLE READ transaction and the id of its exported snapshot, held open while
    ``pg_dump --snapshot`` reads the same instant."""
    with prog.db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = str(conn.execute(sql("SELECT pg_export_snapshot()")).scalar_one())
            yield conn, snapshot


def _describe(conn: Connection, manifest: Manifest) -> None:
    """The schema revision, the counts and each table's rows, as the snapshot has them."""
    names = sorted(inspect(conn).get_table_names())
    if "alembic_version" not in names:
        raise InvalidInputError("backup.not_initialised")
    manifest.alembic_revision = conn.execute(
        sql("SELECT version_num FROM alembic_version")).scalar()
    manifest.tables = table_counts(conn)
    session = Session(bind=conn)
    totals = Records(session).totals()
    manifest.counts = {
        "regions": int(session.execute(select(func.count()).select_from(Region)).scalar_one()),
        "history_entries": totals["history"],
        "submissions": totals["submissions"],
        "outbox": int(session.execute(
            select(func.count()).select_from(OutboxMessage)).scalar_one()),
    }


def _uploads(folder: Path, writer: Writer, progress: Progress) -> None:
    """Every stored upload (not the temporary files of writes in progress)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                   and not p.name.startswith(".")) if folder.is_dir() else []
    sizes = {p: p.stat().st_size for p in files}
    with progress(text("backup.progress.uploads"), sum(sizes.values())) as advance:
        for path in files:
            writer.add(path, f"{UPLOADS}/{path.relative_to(folder).as_posix()}", advance)


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows of every table of the database ``conn`` reaches (a restore's check)."""
    return {name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
            for name in sorted(inspect(conn).get_table_names())}
