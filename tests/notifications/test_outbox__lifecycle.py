"""The outbox table: idempotent enqueue, claims under a lease, acknowledgements, dead letters."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import pytest
from smtpkit import T0  # type: ignore[import-not-found]
from sqlalchemy import select

from engine import Database
from notifications import outbox
from notifications.models import OutboxMessage

Planner = Callable[..., list[str]]


def test_enqueue_is_idempotent_on_key(db: Database, planner: Planner) -> None:
    planner(db, 1)
    with db.transaction() as session:
        again = outbox.enqueue(
            session, key="test:0", kind="reminder", recipient="other@x.go.id", subject="s",
            text_body="t", html_body="h", message_id="<other@x>", raw=b"x",
            due_at=T0, now=T0)
        fresh = outbox.enqueue(
            session, key="test:new", kind="reminder", recipient="other@x.go.id", subject="s",
            text_body="t", html_body="h", message_id="<new@x>", raw=b"x",
            due_at=T0, now=T0)
    assert again is None and isinstance(fresh, int)
    with db.read() as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    assert [(r.key, r.recipient) for r in rows] == [
        ("test:0", "opd0@kota.example.go.id"), ("test:new", "other@x.go.id")]


def test_enqueue_rolls_back_with_the_callers_action(db: Database, planner: Planner) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        outbox.enqueue(session, key="k", kind="reminder", recipient="a@x.go.id", subject="s",
                       text_body="t", html_body="h", message_id="<k@x>", raw=b"x",
                       due_at=T0, now=T0)
        raise RuntimeError("the action failed")
    assert outbox.counts(db)["pending"] == 0


def test_claim_takes_due_rows_oldest_first_under_a_lease(db: Database,
                                                         planner: Planner) -> None:
    planner(db, 3, due_at=T0 + timedelta(minutes=5))
    planner(db, 2, start=10, due_at=T0)
    planner(db, 1, start=20, due_at=T0 + timedelta(hours=1))  # not due yet
    now = T0 + timedelta(minutes=10)
    first = outbox.claim(db, "w1", 4, 60, now)
    assert [r.key for r in first] == ["test:10", "test:11", "test:0", "test:1"]
    assert {r.attempts for r in first} == {1}
    assert {r.lease_until for r in first} == {now + timedelta(seconds=60)}
    rest = outbox.claim(db, "w2", 10, 60, now)
    assert [r.key for r in rest] == ["test:2"]
    assert outbox.claim(db, "w3", 10, 60, now) == []
    assert outbox.counts(db) == {"pending": 1, "sending": 5, "sent": 0, "dead": 0}


def test_expired_lease_makes_a_stuck_row_claimable_again(db: Database,
                                                         planner: Planner) -> None:
    planner(db, 1)
    (row,) = outbox.claim(db, "crashed", 10, 30, T0)
    # The worker died; until the lease runs out nobody else may take the row.
    assert outbox.claim(db, "other", 10, 30, T0 + timedelta(seconds=29)) == []
    (again,) = outbox.claim(db, "other", 10, 30, T0 + timedelta(seconds=31))
    assert (again.id, again.attempts) == (row.id, 2)
    # The dead worker's late acknowledgement no longer counts; the new owner's does.
    assert outbox.mark_sent(db, [row.id], "crashed", T0 + timedelta(seconds=32)) == 0
    assert outbox.mark_sent(db, [row.id], "other", T0 + timedelta(seconds=32)) == 1
    assert outbox.counts(db)["sent"] == 1


def test_retry_dead_and_listing(db: Database, planner: Planner) -> None:
    planner(db, 3)
    a, b, c = outbox.claim(db, "w", 10, 30, T0)
    assert outbox.mark_retry(db, a.id, "w", "451 4.3.0 busy", T0 + timedelta(seconds=30))
    assert outbox.mark_dead(db, b.id, "w", "550 5.1.1 User unknown")
    assert outbox.mark_sent(db, [c.id], "w", T0) == 1
    assert outbox.counts(db) == {"pending": 1, "sending": 0, "sent": 1, "dead": 1}
    (dead,) = outbox.listing(db, "dead", 10)
    assert (dead.id, dead.last_error, dead.attempts) == (b.id, "550 5.1.1 User unknown", 1)
    assert [r.id for r in outbox.listing(db, None, 10)] == [c.id, b.id, a.id]
    # The retried row is not due before its backoff.
    assert outbox.claim(db, "w", 10, 30, T0 + timedelta(seconds=29)) == []
    requeued = outbox.retry_dead(db, None, T0 + timedelta(minutes=1))
    assert [(r.id, r.last_error) for r in requeued] == [(b.id, "550 5.1.1 User unknown")]
    assert outbox.retry_dead(db, [a.id, c.id], T0) == []  # not dead: untouched
    claimed = outbox.claim(db, "w", 10, 30, T0 + timedelta(minutes=1))
    assert sorted((r.id, r.attempts) for r in claimed) == [(a.id, 2), (b.id, 1)]
    with pytest.raises(ValueError, match="unknown outbox status"):
        outbox.listing(db, "bogus", 1)


def test_release_gives_rows_back_untried(db: Database, planner: Planner) -> None:
    planner(db, 2)
    rows = outbox.claim(db, "w", 10, 30, T0)
    assert outbox.release(db, [r.id for r in rows], "w") == 2
    again = outbox.claim(db, "w", 10, 30, T0)
    assert {r.attempts for r in again} == {1}


def test_backoff_grows_exponentially_with_jitter_up_to_an_hour() -> None:
    rng = random.Random(7)
    waits = [outbox.backoff(n, rng).total_seconds() for n in range(1, 12)]
    for n, wait in enumerate(waits[:6], start=1):
        base = 30 * 2 ** (n - 1)
        assert base <= wait <= base * 1.25
    assert waits[-1] == 3600
    assert max(waits) <= 3600


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_connections_claim_disjoint_rows_on_postgresql(db: Database,
                                                           planner: Planner) -> None:
    planner(db, 30)
    # Hold the first claim's transaction open while the second claims: SKIP LOCKED, no wait.
    other = Database(db.url)
    try:
        with db.transaction() as held:
            first = held.execute(
                select(OutboxMessage.id).where(OutboxMessage.status == "pending")
                .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(10)
                .with_for_update(skip_locked=True)).scalars().all()
            second = outbox.claim(other, "w2", 10, 30, T0)
            assert len(first) == len(second) == 10
            assert not set(first) & {r.id for r in second}
        a = outbox.claim(db, "w1", 15, 30, T0)
        b = outbox.claim(other, "w2", 15, 30, T0)
        ids = [r.id for r in [*a, *b, *second]]
        assert len(ids) == len(set(ids)) == 30
    finally:
        other.dispose()
