"""What the outbox holds, for monitoring: messages per status and the oldest one waiting.

A monitor scrapes this every few seconds, from every process, so it costs two statements
whatever the outbox's size, both answered from the ``(status, due_at)`` index: a count per
status (sent mail grows without bound; the index is far smaller than the rows, which carry
whole messages) and the earliest due time among pending messages already due. A message
planned for later (a reminder due at 08:00 tomorrow, a retry after its backoff) is not
waiting yet, so it does not age the backlog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notifications.outbox import DEAD, PENDING, STATUSES, c


@dataclass(frozen=True)
class Backlog:
    """Messages per status (every status present) and the earliest due pending message."""

    by_status: dict[str, int]
    oldest_due: datetime | None

    @property
    def dead(self) -> int:
        return self.by_status[DEAD]

    def waited(self, now: datetime) -> float:
        """Seconds the oldest due pending message has waited at ``now`` (0 when none)."""
        if self.oldest_due is None:
            return 0.0
        due = self.oldest_due if self.oldest_due.tzinfo else self.oldest_due.replace(tzinfo=UTC)
        return max(0.0, (now - due).total_seconds())


def backlog(session: Session, now: datetime) -> Backlog:
    """The outbox at ``now`` (an aware time), read in ``session``."""
    found = {status: 0 for status in STATUSES}
    found.update({str(status): int(n) for status, n in session.execute(
        select(c.status, func.count()).group_by(c.status)).all()})
    oldest = session.execute(
        select(func.min(c.due_at)).where(c.status == PENDING, c.due_at <= now)).scalar()
    return Backlog(found, oldest)
