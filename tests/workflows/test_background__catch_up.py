"""Reminders that fell due while no scheduler ran are caught up in one digest when it starts.

A region enters the MoU stage with a deadline whose reminders fall 7, 3 and 1 days before it
at 08:00 in the region's zone; its head of region owes the signed MoU. The clock is stopped
across all three reminder mornings; when a worker starts, the real APScheduler clock (holding
leadership) sweeps at once, and the dispatcher delivers to a real SMTP server on 127.0.0.1:
the head gets one digest (one per recipient per day, however many mornings were missed), it
arrives exactly once, and a second restart sends nothing more.
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
from workflows.deadlines import preview
from workflows.directory import cohorts, registration
from workflows.master_plan import actions
from workflows.programme import Programme

ASSESSOR = "penilai@komdigi.go.id"
OPD = "diskominfo@mimikakab.go.id"
HEAD = "bupati@mimikakab.go.id"


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
        registration.add_person(prog, HEAD, "Bupati Mimika", "head_of_region", "94.04")
        document = tmp_path / "hasil.pdf"
        document.write_bytes(b"%PDF-1.4 assessment")
        actions.submit(prog, "94.04", "assessment_result", document, ASSESSOR)
        actions.advance(prog, "94.04", "assess", ASSESSOR)  # MoU: a deadline 120 days on

        with prog.db.read() as session:
            planned = preview.preview(prog, session, clock.now, clock.now + timedelta(days=200))
        mornings = [m.at for m in planned if m.email == HEAD]
        assert len(mornings) == 4  # 7, 3 and 1 days before, and the overdue notice
        clock.now = mornings[2] + timedelta(hours=2)  # the three before-mornings passed unswept
        assert _count(prog, OutboxMessage) == 0

        _restart(prog)
        assert _count(prog, OutboxMessage, recipient=HEAD) == 1  # one digest for the day
        assert _count(prog, OutboxMessage, recipient=OPD) == 0  # it owes nothing in MoU
        assert _deliver(prog, smtp_server.port) == 1
        assert smtp_server.wait_for(1)
        assert smtp_server.duplicates() == 0
        subject = smtp_server.messages[0]["Subject"]
        assert "Kabupaten Mimika" in subject

        _restart(prog)  # a second restart finds nothing new to send
        assert _count(prog, OutboxMessage, recipient=HEAD) == 1
        assert _deliver(prog, smtp_server.port) == 0
        assert len(smtp_server.message_ids) == 1
    finally:
        prog.close()
