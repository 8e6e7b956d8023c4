"""Fault tests: dispatcher processes killed with SIGKILL, and two of them racing on PostgreSQL.

The SMTP server runs in this process (a thread) and records every Message-ID it accepts; the
dispatchers are separate processes (``fault_worker.py``), as in a deployment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from smtpkit import SmtpServer  # type: ignore[import-not-found]
from sqlalchemy import func, select

from engine import Database
from notifications import outbox
from notifications.models import OutboxMessage

Planner = Callable[..., list[str]]
WORKER = Path(__file__).with_name("fault_worker.py")
BATCH = 200


def start(db: Database, server: SmtpServer, worker: str, lease: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), db.url, str(server.port), worker, str(BATCH), str(lease)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
    return proc


def stop(proc: subprocess.Popen[str]) -> dict[str, object]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return dict(json.loads(out.strip().splitlines()[-1]))


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)
def test_sigkill_mid_batch_then_restart_loses_nothing(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    ids = planner(db, 1000, due_at=now() - timedelta(minutes=1))
    first = start(db, smtp_server, "first", lease=2)
    wait_until(lambda: len(smtp_server.message_ids) >= 300, 30)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    accepted_before = len(smtp_server.message_ids)
    assert accepted_before < 1000, "the first dispatcher finished before it was killed"
    with db.read() as session:
        stuck = session.execute(select(func.count()).where(
            OutboxMessage.status == "sending")).scalar_one()
    # The batch being sent when it died, and perhaps the next one, claimed while sending.
    assert 0 < stuck <= 2 * BATCH

    second = start(db, smtp_server, "second", lease=2)
    wait_until(lambda: outbox.counts(db)["sent"] == 1000, 30)
    stop(second)

    delivered = smtp_server.message_ids
    duplicates = smtp_server.duplicates()
    print(f"killed after {accepted_before} accepted; {stuck} in flight; "
          f"{len(delivered)} deliveries, {duplicates} duplicates")
    assert set(delivered) == set(ids)  # none lost
    assert duplicates <= BATCH  # at most the batch that was in flight
    assert outbox.counts(db) == {"pending": 0, "sending": 0, "sent": 1000, "dead": 0}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_processes_on_postgresql_send_each_message_once(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    workers = [start(db, smtp_server, name, lease=60) for name in ("alpha", "beta")]
    ids = planner(db, 2000, due_at=now() - timedelta(minutes=1))
    try:
        wait_until(lambda: outbox.counts(db)["sent"] == 2000, 35)
    finally:
        reports = [stop(w) for w in workers]
    counted = Counter(smtp_server.message_ids)
    assert set(counted) == set(ids)
    assert [m for m, n in counted.items() if n > 1] == []  # 0 duplicates
    assert sum(int(str(r["sent"])) for r in reports) == 2000
    with db.read() as session:
        by_worker = dict(session.execute(
            select(OutboxMessage.locked_by, func.count()).group_by(OutboxMessage.locked_by)
        ).all())
    print(f"per worker: {by_worker}; reports: {reports}")
    assert set(by_worker) == {"alpha", "beta"}  # both took part
    assert all(n > 0 for n in by_worker.values())
