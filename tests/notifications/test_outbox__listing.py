"""The outbox listing a page at a time by key: newest first below ``before_id`` (sent, dead,
all), by due time past ``after`` (pending, sending); every row exactly once, in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from smtpkit import T0  # type: ignore[import-not-found]

from engine import Database
from notifications import outbox

Planner = Callable[..., list[str]]


def walk_newest_first(db: Database, status: str | None, size: int) -> list[list[int]]:
    pages, before = [], None
    while True:
        rows = outbox.listing(db, status, size, before_id=before)
        if not rows:
            return pages
        pages.append([r.id for r in rows])
        before = rows[-1].id


def test_sent_mail_is_walked_newest_first_below_the_last_id(db: Database,
                                                            planner: Planner) -> None:
    planner(db, 23)
    claimed = outbox.claim(db, "w", 100, 60, T0)
    assert outbox.mark_sent(db, [c.id for c in claimed], "w", T0) == 23
    pages = walk_newest_first(db, outbox.SENT, 10)
    assert [len(p) for p in pages] == [10, 10, 3]
    ids = [i for p in pages for i in p]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 23
    assert ids == [r.id for r in outbox.listing(db, outbox.SENT, 100)]
    assert outbox.listing(db, outbox.SENT, 10, before_id=min(ids)) == []
    assert not outbox.by_due_time(outbox.SENT) and not outbox.by_due_time(None)


def test_pending_mail_is_walked_by_due_time_past_the_last_row(db: Database,
                                                              planner: Planner) -> None:
    # Three due times, several rows sharing each: the id breaks the tie.
    for n, minutes in enumerate((30, 0, 15)):
        planner(db, 5, start=n * 10, due_at=T0 + timedelta(minutes=minutes))
    assert outbox.by_due_time(outbox.PENDING) and outbox.by_due_time(outbox.SENDING)
    seen, after = [], None
    while True:
        rows = outbox.listing(db, outbox.PENDING, 4, after=after)
        if not rows:
            break
        seen.extend(rows)
        after = (rows[-1].due_at, rows[-1].id or 0)
    assert len(seen) == 15 and len({r.id for r in seen}) == 15
    keys = [(r.due_at, r.id) for r in seen]
    assert keys == sorted(keys)
    assert [r.id for r in seen] == [r.id for r in outbox.listing(db, outbox.PENDING, 100)]


def test_every_status_at_once_is_newest_first(db: Database, planner: Planner) -> None:
    planner(db, 7)
    claimed = outbox.claim(db, "w", 3, 60, T0)
    outbox.mark_dead(db, claimed[0].id, "w", "550 no such user")
    pages = walk_newest_first(db, None, 3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == sorted((i for p in pages for i in p), reverse=True)


def test_an_unknown_status_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="unknown outbox status"):
        outbox.listing(db, "lost", 10)
