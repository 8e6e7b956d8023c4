"""What runs in the background of ``smartcity worker`` and ``smartcity serve``: the clock's jobs
(in whichever process leads) and email delivery (in every process).

APScheduler's persistent job store records a job as a textual reference, so the jobs are
module-level functions that find the process's programme through :func:`bind` (the services
bind it as they start). Each job is an idempotent sweep: running it late, or twice, queues each
email once, and a run after downtime catches up everything that fell due meanwhile.
:func:`services` is the one assembly of scheduler, sender and dispatcher both commands use.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass

from engine import ClockJob, Scheduler
from notifications.dispatcher import Dispatcher, DispatchReport
from notifications.smtp import SmtpSender
from workflows import monitoring
from workflows.deadlines import sweep
from workflows.evaluation import notices, windows
from workflows.programme import Programme

log = logging.getLogger(__name__)

JOBS = [
    ClockJob("sweep-reminders", "workflows.background:sweep_reminders", seconds=60),
    ClockJob("evaluation-windows", "workflows.background:evaluation_windows", seconds=300),
]
#: Every process of the programme competes for the clock under this advisory lock key: the
#: bytes of "smartcit", the key every release has used, so processes of an older release and
#: of this one never both run the clock during an upgrade.
LOCK_KEY = 0x736D617274636974

_bound: list[Programme] = []


def bind(prog: Programme) -> None:
    """Make ``prog`` the programme the jobs of this process act on."""
    _bound[:] = [prog]


def _programme() -> Programme:
    if not _bound:
        raise RuntimeError("workflows.background runs only in a process that called bind()")
    return _bound[0]


@dataclass(frozen=True)
class TickReport:
    reminders: sweep.SweepReport
    windows_opened: int
    windows_closed: int
    window_emails: int

    @property
    def reminders_queued(self) -> int:
        return self.reminders.queued


def sweep_reminders() -> sweep.SweepReport:
    """Due reminders into digest and escalation emails (one per recipient per day)."""
    prog = _programme()
    with monitoring.SWEEP_SECONDS.time():
        return sweep.sweep(prog, prog.engine.clock())


def evaluation_windows() -> tuple[int, int, int]:
    """Open and close the windows that are due; opening notices and closing reminders."""
    prog = _programme()
    now = prog.engine.clock()
    opened, closed = windows.run_due(prog, now)
    emails = notices.announce_opened(prog, opened, now)
    emails += notices.remind_closing(prog, now)
    return len(opened), len(closed), emails


def tick(prog: Programme) -> TickReport:
    """Every job once, now (``smartcity worker --once``, the demo, tests)."""
    bind(prog)
    reminders = sweep_reminders()
    opened, closed, emails = evaluation_windows()
    return TickReport(reminders, opened, closed, emails)


def scheduler(prog: Programme, poll: float = 1.0) -> Scheduler:
    """The clock of ``prog``: its jobs, run while this process holds the leadership."""
    bind(prog)
    return Scheduler(prog.db, JOBS, poll=poll, lock_key=LOCK_KEY)


def dispatcher(prog: Programme, sender: SmtpSender, worker_id: str,
               batch: int = 200) -> Dispatcher:
    return Dispatcher(prog.db, sender, worker_id, prog.engine.clock, batch=batch,
                      max_attempts=prog.settings.send_max_attempts,
                      observe=monitoring.count_deliveries)


async def deliver_due(prog: Programme, worker_id: str, batch: int = 200) -> DispatchReport:
    """Deliver until nothing due is left (messages waiting for a retry stay queued)."""
    sender = SmtpSender.from_settings(prog.settings)
    try:
        return await dispatcher(prog, sender, worker_id, batch).run(until_idle=True)
    finally:
        await sender.close()


@contextlib.asynccontextmanager
async def services(prog: Programme, worker_id: str, batch: int = 200,
                   stop: asyncio.Event | None = None
                   ) -> AsyncIterator[asyncio.Task[DispatchReport]]:
    """The clock (leader only) in a thread and the dispatcher as a task, while inside.

    Yields the dispatcher's task (it ends when ``stop`` is set); leaving stops both, waiting
    up to 30 s each for the batch in hand.
    """
    stop_clock = threading.Event()
    clock = scheduler(prog)
    monitoring.watch_clock(clock.leading)
    thread = threading.Thread(target=clock.run, args=(stop_clock,), name="clock", daemon=True)
    thread.start()
    sender = SmtpSender.from_settings(prog.settings)
    stopping = stop or asyncio.Event()
    task = asyncio.create_task(dispatcher(prog, sender, worker_id, batch).run(stopping))
    try:
        yield task
    finally:
        stopping.set()
        stop_clock.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
        await sender.close()
        await asyncio.to_thread(thread.join, 30)
        monitoring.unwatch_clock(clock.leading)
