"""Upgrading forgets the clock's jobs an earlier release stored, so none fails to restore.

Proves on both databases: a database at revision 0003 whose APScheduler job store holds the
two jobs of an earlier release (references to ``workflows.jobs``, which no longer exists)
loses exactly those rows at the upgrade to 0004, keeping any other job; the scheduler adds
the programme's jobs again when a process starts leading.
"""

from __future__ import annotations

from sqlalchemy import text

import migrations
from engine import Database

STALE = ("sweep-reminders", "evaluation-windows")


def test_the_stored_jobs_of_an_earlier_release_are_forgotten(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        migrations.upgrade(db.engine, "0003")
        with db.transaction() as session:
            for job in (*STALE, "someone-elses-job"):
                session.execute(text("INSERT INTO apscheduler_jobs (id, next_run_time, "
                                     "job_state) VALUES (:id, 0, :state)"),
                                {"id": job, "state": b"workflows.jobs:" + job.encode()})
        migrations.upgrade(db.engine, "0004")
        with db.read() as session:
            left = session.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all()
        assert left == ["someone-elses-job"]
        assert migrations.current(db.engine) == "0004"
    finally:
        db.dispose()
