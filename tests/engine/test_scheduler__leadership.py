"""The clock runs in exactly one process: leadership is exclusive and passes on when lost.

On PostgreSQL leadership is a session advisory lock, on SQLite a file lock; both are freed by
the operating system or the server when the holder dies (checked with SIGKILL). A clock that
does not lead never starts APScheduler; the job store keeps one row per stable job id.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import clockjobs
import pytest
from sqlalchemy import text

from engine.database import Database
from engine.scheduler import ClockJob, Leadership, Scheduler

HOLDER = """
import sys, time
from engine.database import Database
from engine.scheduler import Leadership
lead = Leadership(Database(sys.argv[1]))
assert lead.try_acquire()
print("held", flush=True)
time.sleep(60)
"""


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def _wait(predicate, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_only_one_holder_at_a_time(db: Database) -> None:
    first, second = Leadership(db), Leadership(Database(db.url))
    assert first.try_acquire() is True
    assert second.try_acquire() is False
    assert first.still_held() is True
    first.release()
    assert second.try_acquire() is True
    assert first.try_acquire() is False
    second.release()


def test_a_killed_holder_hands_leadership_over(db: Database) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db.url],
                              stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        mine = Leadership(db)
        assert mine.try_acquire() is False
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        assert _wait(mine.try_acquire), "leadership was not freed by the holder's death"
        mine.release()
    finally:
        if holder.poll() is None:
            holder.kill()


def test_only_the_leading_clock_runs_jobs_and_the_other_takes_over(db: Database) -> None:
    jobs = [ClockJob("test-tick", "clockjobs:tick", seconds=1)]
    a, b = Scheduler(db, jobs, poll=0.1), Scheduler(Database(db.url), jobs, poll=0.1)
    stop_a, stop_b = threading.Event(), threading.Event()
    thread_a = threading.Thread(target=a.run, args=(stop_a,), daemon=True)
    thread_a.start()
    assert a.leading.wait(10)
    thread_b = threading.Thread(target=b.run, args=(stop_b,), daemon=True)
    thread_b.start()
    before = clockjobs.ticks
    assert _wait(lambda: clockjobs.ticks > before), "the leader's job never ran"
    time.sleep(0.5)
    assert not b.leading.is_set()

    stop_a.set()
    thread_a.join(10)
    assert b.leading.wait(10), "the second clock did not take over"
    after_handover = clockjobs.ticks
    assert _wait(lambda: clockjobs.ticks > after_handover)
    stop_b.set()
    thread_b.join(10)
    with db.engine.connect() as conn:
        ids = conn.execute(text("select id from apscheduler_jobs")).scalars().all()
    assert ids == ["test-tick"]  # a restart replaces the job; it never duplicates it
