"""A backup taken while the service writes is the database at one instant.

Proves, on SQLite and PostgreSQL: while another thread keeps committing (a region joining the
cohort, with its master plan's start in the history, and an OPD registered, each round one
transaction), and with rounds committed after the backup's snapshot was taken (SQLite: between
the backup API's steps; PostgreSQL: after the snapshot was exported, before ``pg_dump`` reads
it), the archive's manifest (its counts and every table's rows) equals what a restore of that
archive holds, while the live database has moved past it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from config.messages import text
from engine import Records
from interfaces.bootstrap import initialise
from notifications.models import OutboxMessage
from workflows.directory import cohorts, registration
from workflows.directory.models import Region
from workflows.operations import backup as backing
from workflows.operations import restore as restoring
from workflows.operations.backup import table_counts

#: Rounds the writer must commit at each point the backup waits at.
ROUNDS = 2


class Writer(threading.Thread):
    """Commits round after round until stopped; others wait for it to get further."""

    def __init__(self, prog: Any, codes: list[str], cohort: str) -> None:
        super().__init__(daemon=True)
        self.prog, self.codes, self.cohort = prog, codes, cohort
        self.rounds = 0
        self.failed: BaseException | None = None
        self.stop = threading.Event()
        self.moved = threading.Condition()

    def run(self) -> None:
        try:
            for i, code in enumerate(self.codes):
                if self.stop.is_set():
                    return
                cohorts.add_members(self.prog, self.cohort, [code])
                registration.add_opd(self.prog, code, "DISKOMINFO", f"Dinas Kominfo {code}",
                                     f"kominfo{i}@pemda.go.id", "governance")
                with self.moved:
                    self.rounds += 1
                    self.moved.notify_all()
            raise AssertionError("the writer ran out of regions before the backup ended")
        except BaseException as exc:  # noqa: BLE001 - reported by the test's thread
            self.failed = exc
            with self.moved:
                self.moved.notify_all()

    def further(self, rounds: int) -> None:
        """Wait until ``rounds`` more rounds are committed."""
        with self.moved:
            target = self.rounds + rounds
            assert self.moved.wait_for(lambda: self.rounds >= target or self.failed,
                                       timeout=120), "the writer stalled"
        assert self.failed is None, self.failed


def counts(prog: Any) -> dict[str, int]:
    """What the manifest's ``counts`` say, read from ``prog``'s database as it is now."""
    with prog.db.read() as session:
        return {
            "regions": int(session.execute(
                select(func.count()).select_from(Region)).scalar_one()),
            "history_entries": Records(session).totals()["history"],
            "submissions": Records(session).totals()["submissions"],
            "outbox": int(session.execute(
                select(func.count()).select_from(OutboxMessage)).scalar_one()),
        }


def tables(prog: Any) -> dict[str, int]:
    with prog.db.engine.connect() as conn:
        return table_counts(conn)


def test_a_backup_while_another_thread_writes_is_one_instant(
        world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prog = world.prog
    r = world.region()
    world.drive(r, "institutions")
    with prog.db.read() as session:
        code = col(Region.code)
        codes = [c for (c,) in session.execute(
            select(code).where(code != r.code).order_by(code).limit(200))]
    monkeypatch.setattr(backing, "PAGES_PER_STEP", 8)  # SQLite copies in many steps
    writer = Writer(prog, codes, "Smart City 2026")
    waits: list[str] = []

    @contextmanager
    def progress(label: str, total: int | None = None) -> Iterator[Callable[..., None]]:
        if label == text("backup.progress.database"):  # the snapshot is taken: write more
            writer.further(ROUNDS)
            waits.append("snapshot")

        def advance(steps: int = 1) -> None:
            if label == text("backup.progress.database") and len(waits) < 4:
                writer.further(ROUNDS)  # between SQLite's backup steps
                waits.append("step")

        yield advance

    writer.start()
    try:
        writer.further(ROUNDS)  # writing before the backup starts, too
        report = backing.backup(prog, tmp_path / "b.tar.gz", app_version="1",
                                progress=progress)
        writer.further(ROUNDS)
    finally:
        writer.stop.set()
        writer.join(timeout=120)
    assert writer.failed is None, writer.failed
    assert waits[0] == "snapshot" and (prog.db.is_sqlite) == ("step" in waits), waits
    manifest = report.manifest
    assert manifest.alembic_revision is not None
    live = counts(prog)
    # The live database moved on past the snapshot: rounds were committed while it was read.
    assert live["history_entries"] > manifest.counts["history_entries"]
    assert tables(prog)["opd"] > manifest.tables["opd"]

    restoring.restore(prog, report.path, known_revisions={manifest.alembic_revision},
                      confirm=lambda m: True)
    initialise(prog)
    assert counts(prog) == manifest.counts
    assert tables(prog) == manifest.tables
