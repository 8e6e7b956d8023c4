"""Reminders that fell due while no scheduler ran are each sent once when it starts again.

A region enters a stage with a deadline, which plans reminders 7, 3 and 1 days before it at
08:00 in the region's zone. The clock is stopped across all three reminder times; when a
worker starts, the real APScheduler clock (holding leadership) sweeps at once, and the
dispatcher delivers to a real SMTP server on 127.0.0.1. Every reminder is queued exactly
once, every email arrives exactly once, and a second restart sends nothing more.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from smtpkit import SmtpServer  # type: ignore[import-not-found]
from sqlalchemy import select

from config.settings import Settings
from engine import Scheduler
from notifications.dispatcher import Dispatcher
from notifications.models import OutboxMessage
from notifications.smtp import SmtpSender
from workflows import background
from workflows.deadlines.models import Reminder
from workflows.directory import cohorts, registration
from workflows.master_plan import actions
from workflows.programme import Programme

ASSESSOR = "penilai@komdigi.go.id"
OPD = "diskominfo@mimikakab.go.id"


def _restart(prog: Programme) -> None:
    """A worker start: the clock takes leadership, runs its jobs at once, then stops."""
    background.bind(prog)
    stop = threading.Event()
    clock = Scheduler(prog.db, background.JOBS, poll=0.1)
    thread = threading.Thread(target=clock.run, args=(stop,), daemon=True)
    thread.start()
    assert clock.leading.wait(10)
    time.sleep(1.5)  # the jobs run on start (next_run_time = now)
    stop.set()
    thread.join(15)


def _deliver(prog: Programme, port: int) -> int:
    async def go() -> int:
        sender = SmtpSender.from_settings(prog.settings, port=port)
        dispatcher = Dispatcher(prog.db, sender, "test-worker", prog.engine.clock)
        try:
            return (await dispatcher.run_once()).sent
        finally:
            await sender.close()
    return asyncio.run(go())


def _count(prog: Programme, model: Any, **where: Any) -> int:
    with prog.db.read() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return len(session.execute(query).scalars().all())


def test_three_missed_reminder_times_are_each_sent_once(
    settings: Settings, clock: Any, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    prog = Programme(settings.model_copy(update={"smtp_port": smtp_server.port}), clock=clock)
    try:
        cohorts.create_cohort(prog, "Smart City 2026", 2026)
        cohorts.add_members(prog, "Smart City 2026", ["94.04"])  # Kabupaten Mimika, WIT
        registration.add_person(prog, ASSESSOR, "Penilai", "assessor", None)
        registration.add_opd(prog, "94.04", "DISKOMINFO", "Dinas Kominfo Mimika", OPD)
        document = tmp_path / "hasil.pdf"
        document.write_bytes(b"%PDF-1.4 assessment")
        actions.submit(prog, "94.04", "assessment_result", document, ASSESSOR)
        actions.advance(prog, "94.04", "assess", ASSESSOR)  # MoU: a deadline 120 days on

        with prog.db.read() as session:
            planned = session.execute(select(Reminder).where(
                Reminder.recipient == OPD, Reminder.kind == "before")).scalars().all()
        assert sorted(r.offset_days for r in planned) == [1, 3, 7]
        clock.now = max(r.due_at for r in planned) + timedelta(hours=2)
        assert all(r.due_at < clock.now for r in planned)  # all three times passed unswept
        assert _count(prog, OutboxMessage) == 0

        _restart(prog)
        with prog.db.read() as session:
            rows = session.execute(select(Reminder).where(
                Reminder.recipient == OPD, Reminder.kind == "before")).scalars().all()
        assert {r.status for r in rows} == {"queued"}
        assert all(r.outbox_id is not None for r in rows)
        emails = _count(prog, OutboxMessage, recipient=OPD)
        assert emails >= 1
        assert _deliver(prog, smtp_server.port) == emails
        assert smtp_server.wait_for(emails)
        assert smtp_server.duplicates() == 0
        subject = smtp_server.messages[0]["Subject"]
        assert "Kabupaten Mimika" in subject

        _restart(prog)  # a second restart finds nothing new to send
        assert _count(prog, OutboxMessage, recipient=OPD) == emails
        assert _deliver(prog, smtp_server.port) == 0
        assert len(smtp_server.message_ids) == emails
    finally:
        prog.close()
