"""The clock's jobs: what the scheduler runs, as importable functions with stable ids.

APScheduler's persistent job store records a job as a textual reference, so the jobs are
module-level functions that find the process's programme through :func:`bind` (the worker
binds it at start). Each job is an idempotent sweep: running it late, or twice, queues each
email once, and a run after downtime catches up everything that fell due meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.scheduler import ClockJob
from workflows import evaluation, reminders, window_notices
from workflows.programme import Programme

JOBS = [
    ClockJob("sweep-reminders", "workflows.jobs:sweep_reminders", seconds=60),
    ClockJob("evaluation-windows", "workflows.jobs:evaluation_windows", seconds=300),
]

_bound: list[Programme] = []


def bind(prog: Programme) -> None:
    """Make ``prog`` the programme the jobs of this process act on."""
    _bound[:] = [prog]


def _programme() -> Programme:
    if not _bound:
        raise RuntimeError("workflows.jobs runs only in a worker that called bind()")
    return _bound[0]


@dataclass(frozen=True)
class TickReport:
    reminders_queued: int
    windows_opened: int
    windows_closed: int
    window_emails: int


def sweep_reminders() -> int:
    """Due reminders into digest and escalation emails (one per recipient per day)."""
    prog = _programme()
    return reminders.sweep(prog, prog.engine.clock()).queued


def evaluation_windows() -> tuple[int, int, int]:
    """Open and close the windows that are due; opening notices and closing reminders."""
    prog = _programme()
    now = prog.engine.clock()
    opened, closed = evaluation.run_due(prog, now)
    emails = window_notices.announce_opened(prog, opened, now)
    emails += window_notices.remind_closing(prog, now)
    return len(opened), len(closed), emails


def tick(prog: Programme) -> TickReport:
    """Every job once, now (``smartcity worker --once``, the demo, tests)."""
    bind(prog)
    queued = sweep_reminders()
    opened, closed, emails = evaluation_windows()
    return TickReport(queued, opened, closed, emails)
