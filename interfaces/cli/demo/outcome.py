"""What the demo's year leaves: its simulated clock, its report, and the check that every
reminder digest went to someone who owed something when it was sent.

:class:`DemoReport` is what :mod:`interfaces.cli.demo.command` prints; :func:`check_digests`
runs after each simulated day's sweep, so the demo's last line ("digests to someone who owed
nothing: 0") is measured on the spot, not assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from workflows.evaluation.scores import RankRow
from workflows.obligations import Obligations, of_party
from workflows.programme import Programme


@dataclass
class SimulatedClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 12, 2, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: str, minutes: int = 0) -> None:
        # 02:00 UTC is 09:00 WIB, 10:00 WITA, 11:00 WIT: office hours everywhere.
        self.now = datetime.fromisoformat(f"{day}T02:00:00+00:00") + timedelta(minutes=minutes)


@dataclass
class DemoReport:
    cohort: str
    transitions: int = 0
    submissions: int = 0
    refusals: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    days: int = 0  # simulated days the scheduler's jobs ran
    reminders_queued: int = 0
    #: Who the reminder digests went to, by role (each recipient once), and how many went to
    #: someone who owed nothing when it was sent (checked as each one is queued).
    digest_recipients: dict[str, set[str]] = field(default_factory=dict)
    owed_nothing: int = 0
    window_emails: int = 0
    delivered: int = 0  # emails the deliver callback reported as sent
    rankings: dict[str, list[RankRow]] = field(default_factory=dict)


def check_digests(prog: Programme, report: DemoReport, keys: Sequence[str],
                  regions: Sequence[str]) -> None:
    """Each digest just queued (outbox key ``digest:{email}:{day}``) went to someone who owes
    something on an open deadline now: counted by role, or as owing nothing."""
    if not keys:
        return
    with prog.db.read() as session:
        owed = Obligations(prog, session).in_regions(regions)
    for key in keys:
        recipient = key.split(":")[1]
        mine = of_party(owed, recipient)
        if not mine:
            report.owed_nothing += 1
            continue
        report.digest_recipients.setdefault(mine[0].role, set()).add(recipient)
