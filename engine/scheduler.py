"""The clock: a few fixed APScheduler jobs, run by exactly one process at a time.

APScheduler 3 has no coordination between processes (its FAQ: sharing a job store "can't" be
done), so every process competes for :class:`Leadership` and only the holder runs the
scheduler; the others keep trying and take over within a poll interval when the holder dies.
On PostgreSQL leadership is a session-level advisory lock on a dedicated connection, released
by the server when the process dies, under a key every process of one programme shares; on
SQLite (one machine) it is an exclusive file lock next to the database
file.

The jobs are small idempotent sweeps (due reminders into the outbox, evaluation windows open
and close): per-item timers live in our own indexed tables, not in APScheduler. A sweep
catches up everything that fell due while no process ran, so after downtime each reminder is
sent once on start. Jobs use ``coalesce`` and an unlimited misfire grace: APScheduler's default
grace of one second silently drops runs that were due during a restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from engine.database import Database

log = logging.getLogger(__name__)



def lock_key(name: str) -> int:
    """An advisory lock key made from ``name``: a stable signed 64-bit number (a PostgreSQL
    bigint), for a programme that has no key of its own yet."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big",
                          signed=True)


#: The key processes compete under unless told otherwise; every process of one programme
#: passes the same key, so they compete for the same lock.
DEFAULT_LOCK_KEY = lock_key("workflow-clock")


@dataclass(frozen=True)
class ClockJob:
    """A fixed job: a stable id, a textual reference to a function, an interval."""

    id: str
    func: str  # "package.module:function", so the persistent job store can find it again
    seconds: int


class Leadership:
    """Whether this process may run the clock; at most one holder at a time (per name)."""

    def __init__(self, db: Database, key: int = DEFAULT_LOCK_KEY) -> None:
        self._db = db
        self._key = key
        self._conn: Connection | None = None
        self._file: IO[Any] | None = None

    def try_acquire(self) -> bool:
        if self._db.is_sqlite:
            return self._try_file_lock()
        try:
            if self._conn is None:
                engine = create_engine(self._db.url, poolclass=NullPool)
                self._conn = engine.connect()
            held = self._conn.execute(
                text("select pg_try_advisory_lock(:key)"), {"key": self._key}
            ).scalar()
            self._conn.commit()  # a session-level lock outlives the transaction
            return bool(held)
        except DBAPIError as exc:
            log.warning("cannot try for scheduler leadership: %s", exc.orig or exc)
            self._drop_connection()
            return False

    def still_held(self) -> bool:
        """True while the lock's session is alive (PostgreSQL) or the file is locked."""
        if self._db.is_sqlite:
            return self._file is not None
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("select 1"))
            self._conn.commit()
            return True
        except DBAPIError:
            self._drop_connection()
            return False

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self._drop_connection()

    def _try_file_lock(self) -> bool:
        if self._file is not None:
            return True
        database = make_url(self._db.url).database or "memory"
        handle = Path(f"{database}.scheduler.lock").open("a+")  # noqa: SIM115 - held open
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):  # already broken: nothing to close
                self._conn.close()
            self._conn = None


class Scheduler:
    """Runs the jobs while this process leads; call :meth:`run` in a thread."""

    def __init__(self, db: Database, jobs: list[ClockJob], *, poll: float = 1.0,
                 lock_key: int = DEFAULT_LOCK_KEY) -> None:
        self._db = db
        self._jobs = jobs
        self._poll = poll
        self.leadership = Leadership(db, lock_key)
        self._scheduler: BackgroundScheduler | None = None
        self.leading = threading.Event()

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                if self._scheduler is None:
                    if self.leadership.try_acquire():
                        self._start()
                elif not self.leadership.still_held():
                    log.warning("lost scheduler leadership; stopping the clock")
                    self._stop()
                stop.wait(self._poll)
        finally:
            self._stop()
            self.leadership.release()

    def _start(self) -> None:
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self._db.engine)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone="UTC",
        )
        scheduler.start()
        for job in self._jobs:
            # Stable ids with replace_existing: a restart updates the job, never duplicates it.
            scheduler.add_job(job.func, "interval", seconds=job.seconds, id=job.id,
                              replace_existing=True, next_run_time=datetime.now(UTC))
        self._scheduler = scheduler
        self.leading.set()
        log.info("leading: clock started with %d job(s)", len(self._jobs))

    def _stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
        self.leading.clear()
