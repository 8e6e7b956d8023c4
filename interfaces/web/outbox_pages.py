"""One keyset page of the outbox, for the coordinators' outbox page and the API alike.

Sent mail grows without bound, so the outbox is read a page at a time by key, never by
offset: mail waiting to go (pending, sending) by due time, the rest newest first
(:func:`notifications.outbox.by_due_time`). The position of the last row shown travels as the
opaque cursor of :mod:`interfaces.web.cursors`; a cursor that is not ours is a 422.
"""

from __future__ import annotations

from engine import Database
from interfaces.web import cursors
from notifications import outbox
from notifications.models import OutboxMessage


def outbox_page(db: Database, status: str | None, limit: int, token: str | None
                ) -> tuple[list[OutboxMessage], str | None]:
    """Up to ``limit`` messages of ``status`` (all, when None) after the cursor ``token``,
    and the cursor of the next page (None on the last)."""
    due_order = outbox.by_due_time(status)
    position = cursors.optional(token, 2 if due_order else 1)
    if position is None:
        found = outbox.listing(db, status, limit + 1)
    elif due_order:
        found = outbox.listing(db, status, limit + 1,
                               after=(cursors.moment(position[0]), position[1]))
    else:
        found = outbox.listing(db, status, limit + 1, before_id=position[0])
    rows = found[:limit]
    if len(found) <= limit:
        return rows, None
    end = rows[-1]
    return rows, (cursors.encode(end.due_at, end.id or 0) if due_order
                  else cursors.encode(end.id or 0))
