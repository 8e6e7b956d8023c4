"""A transactional outbox: messages written with the action that caused them, delivered later.

Life of a row::

    pending --claim--> sending --mark_sent--> sent
       ^                  |  \\--mark_dead--> dead --retry_dead--> pending
       |                  |
       +---mark_retry-----+   (temporary failure: a later due_at, exponential backoff)
       +---lease expired--+   (the worker died: the row is claimable again)

* :func:`enqueue` (one message) and :func:`enqueue_many` (a sweep's digests, in one statement)
  run inside the caller's transaction and are idempotent on ``key``: planning the same message
  twice leaves one row.
* :func:`claim` takes due rows in its own short transaction under a lease. On PostgreSQL the
  rows are selected ``FOR UPDATE SKIP LOCKED``, so concurrent workers in several processes
  get disjoint batches without waiting on each other; on SQLite (one process) the clause is
  not available and not needed, ``BEGIN IMMEDIATE`` serialises the claim.
* Delivery is at-least-once: a row becomes ``sent`` only after the side effect succeeded, and
  a worker that dies between the two leaves its claimed rows to be taken again when their
  lease expires. Acknowledgements only touch rows still locked by the acknowledging worker.

Nothing here knows what the messages are; all times are aware UTC datetimes given by the
caller (so a simulated clock drives it in tests).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from engine import Database
from notifications.models import OutboxMessage

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
STATUSES = (PENDING, SENDING, SENT, DEAD)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)

outbox: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
c = outbox.c


@dataclass(frozen=True)
class Claimed:
    """A row taken for delivery by one worker, until ``lease_until``."""

    id: int
    key: str
    kind: str
    recipient: str
    subject: str
    text_body: str
    html_body: str
    message_id: str
    raw: bytes
    due_at: datetime
    attempts: int
    lease_until: datetime


@dataclass(frozen=True)
class Retry:
    id: int
    error: str
    due_at: datetime


@dataclass(frozen=True)
class Dead:
    id: int
    error: str


@dataclass(frozen=True)
class Requeued:
    id: int
    recipient: str
    kind: str
    subject: str
    last_error: str | None


def _insert_ignoring_duplicates(session: Session) -> Any:
    """``INSERT ... ON CONFLICT (key) DO NOTHING`` in the session's dialect (the dialects'
    modules load with the first message planned)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(outbox).on_conflict_do_nothing(index_elements=[c.key])
    if dialect == "sqlite":
        return sqlite.insert(outbox).on_conflict_do_nothing(index_elements=[c.key])
    raise NotImplementedError(f"outbox enqueue on {dialect}")  # pragma: no cover


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str,
    message_id: str,
    raw: bytes,
    due_at: datetime,
    now: datetime,
) -> int | None:
    """Plan a message in the caller's transaction: its id, or None (nothing written) if one
    with ``key`` already exists.

    ``raw`` is the complete message as it will be sent; the other fields describe it for
    listings and for people reading the outbox.
    """
    values = {
        "key": key, "kind": kind, "recipient": recipient, "subject": subject,
        "text_body": text_body, "html_body": html_body, "message_id": message_id,
        "raw": raw, "status": PENDING, "due_at": due_at, "attempts": 0, "created_at": now,
    }
    # rowcount is -1 on psycopg for this statement; RETURNING says it on both backends.
    found = session.execute(_insert_ignoring_duplicates(session).values(values)
                            .returning(c.id)).scalar_one_or_none()
    return int(found) if found is not None else None


def enqueue_many(session: Session, rows: Sequence[dict[str, Any]], now: datetime) -> set[str]:
    """Plan many messages in one statement (each row: the keyword arguments of
    :func:`enqueue` but ``now``); the keys actually planned (a key planned before is
    skipped, as by :func:`enqueue`)."""
    if not rows:
        return set()
    values = [{**row, "status": PENDING, "attempts": 0, "created_at": now} for row in rows]
    statement = _insert_ignoring_duplicates(session).returning(c.key)
    return set(session.execute(statement, values).scalars())


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` are planned already (in chunks the databases accept)."""
    wanted, found = list(dict.fromkeys(keys)), set[str]()
    for start in range(0, len(wanted), 1000):
        found.update(session.execute(select(c.key).where(
            c.key.in_(wanted[start:start + 1000]))).scalars())
    return found


def claim(db: Database, worker: str, batch: int, lease_seconds: float,
          now: datetime, exclude: Sequence[int] = ()) -> list[Claimed]:
    """Take up to ``batch`` due rows (and rows whose lease expired), oldest due first.

    ``exclude`` are rows the caller is still sending: a worker that claims its next batch
    while sending the current one must not take back its own rows whose lease ran out
    mid-send (that would send them twice).
    """
    lease_until = now + timedelta(seconds=lease_seconds)
    takeable = or_(
        and_(c.status == PENDING, c.due_at <= now),
        and_(c.status == SENDING, c.lease_until < now),
    )
    if exclude:
        takeable = and_(takeable, c.id.notin_(list(exclude)))
    due = (
        select(c.id)
        .where(takeable)
        .order_by(c.due_at, c.id)
        .limit(batch)
    )
    if not db.is_sqlite:
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(outbox)
        .where(c.id.in_(due.scalar_subquery()))
        .values(status=SENDING, attempts=c.attempts + 1, locked_by=worker,
                lease_until=lease_until)
        .returning(c.id, c.key, c.kind, c.recipient, c.subject, c.text_body, c.html_body,
                   c.message_id, c.raw, c.due_at, c.attempts, c.lease_until)
    )
    with db.transaction() as session:
        rows = session.execute(stmt).all()
    claimed = [Claimed(*row) for row in rows]
    claimed.sort(key=lambda r: (r.due_at, r.id))
    return claimed


def _mine(ids: Iterable[int] | int, worker: str) -> ColumnElement[bool]:
    match = c.id.in_(list(ids)) if not isinstance(ids, int) else c.id == ids
    return and_(match, c.status == SENDING, c.locked_by == worker)


def ack(db: Database, worker: str, now: datetime, *, sent: Sequence[int] = (),
        retry: Sequence[Retry] = (), dead: Sequence[Dead] = ()) -> int:
    """Record several outcomes in one transaction; returns how many rows were still ours.

    A row whose lease another worker took over (it was re-claimed) is left alone: that
    worker now owns it.
    """
    if not (sent or retry or dead):
        return 0
    changed = 0
    with db.transaction() as session:
        if sent:
            result = session.execute(
                update(outbox).where(_mine(sent, worker))
                .values(status=SENT, sent_at=now, lease_until=None))
            changed += result.rowcount  # type: ignore[attr-defined]
        for r in retry:
            result = session.execute(
                update(outbox).where(_mine(r.id, worker))
                .values(status=PENDING, due_at=r.due_at, last_error=r.error, lease_until=None))
            changed += result.rowcount  # type: ignore[attr-defined]
        for d in dead:
            result = session.execute(
                update(outbox).where(_mine(d.id, worker))
                .values(status=DEAD, last_error=d.error, lease_until=None))
            changed += result.rowcount  # type: ignore[attr-defined]
    return changed


def mark_sent(db: Database, ids: Sequence[int], worker: str, now: datetime) -> int:
    """The server accepted these; only rows still locked by ``worker`` change."""
    return ack(db, worker, now, sent=ids)


def mark_retry(db: Database, id: int, worker: str, error: str, due_at: datetime) -> bool:
    """A temporary failure: back to pending, due again at ``due_at``."""
    return ack(db, worker, due_at, retry=[Retry(id, error, due_at)]) == 1


def mark_dead(db: Database, id: int, worker: str, error: str) -> bool:
    """A permanent failure (or too many temporary ones): kept with the server's answer."""
    with db.transaction() as session:
        result = session.execute(
            update(outbox).where(_mine(id, worker))
            .values(status=DEAD, last_error=error, lease_until=None))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(db: Database, ids: Sequence[int], worker: str) -> int:
    """Give claimed rows back untried (shutting down, or the lease is nearly over)."""
    if not ids:
        return 0
    with db.transaction() as session:
        result = session.execute(
            update(outbox).where(_mine(ids, worker))
            .values(status=PENDING, attempts=func.max(c.attempts - 1, 0)
                    if db.is_sqlite else func.greatest(c.attempts - 1, 0),
                    lease_until=None))
    return int(result.rowcount)  # type: ignore[attr-defined]


def retry_dead(db: Database, ids: Sequence[int] | None, now: datetime) -> list[Requeued]:
    """Put dead rows back to pending, due now, attempts reset; ``None`` means every dead row."""
    where = c.status == DEAD
    if ids is not None:
        if not ids:
            return []
        where = and_(where, c.id.in_(list(ids)))
    stmt = (
        update(outbox).where(where)
        .values(status=PENDING, attempts=0, due_at=now, lease_until=None)
        .returning(c.id, c.recipient, c.kind, c.subject, c.last_error)
    )
    with db.transaction() as session:
        rows = session.execute(stmt).all()
    return sorted((Requeued(*row) for row in rows), key=lambda r: r.id)


def counts(db: Database) -> dict[str, int]:
    """Rows per status (every status present, zero when none)."""
    with db.read() as session:
        rows = session.execute(select(c.status, func.count()).group_by(c.status)).all()
    found = {status: 0 for status in STATUSES}
    found.update({status: int(n) for status, n in rows})
    return found


def listing(db: Database, status: str | None = None, limit: int = 50,
            before_id: int | None = None, *,
            after: tuple[datetime, int] | None = None) -> list[OutboxMessage]:
    """Rows of one status (or all): pending and sending by due time, the others newest first.

    A keyset page, never an OFFSET (sent mail grows without bound): newest-first listings
    continue below ``before_id``, due-time ones past ``after`` = (due_at, id) of the last row
    shown. :func:`by_due_time` says which a status uses.
    """
    query = select(OutboxMessage)
    if status is not None:
        if status not in STATUSES:
            raise ValueError(f"unknown outbox status {status!r}; one of {', '.join(STATUSES)}")
        query = query.where(c.status == status)
    if by_due_time(status):
        if after is not None:
            due, last = after
            query = query.where(or_(c.due_at > due, and_(c.due_at == due, c.id > last)))
        query = query.order_by(c.due_at, c.id)
    else:
        if before_id is not None:
            query = query.where(c.id < before_id)
        query = query.order_by(c.id.desc())
    with db.read() as session:
        return list(session.execute(query.limit(limit)).scalars().all())


def by_due_time(status: str | None) -> bool:
    """Whether :func:`listing` orders ``status`` by due time (what waits to go) rather than
    newest first (what went, or failed)."""
    return status in (PENDING, SENDING)


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait before the next try after ``attempts`` failed ones: 30 s, 60, 120 ... 1 h.

    Up to a quarter more at random, so rows that failed together do not retry together.
    """
    exponent = min(max(attempts, 1) - 1, 20)
    delay = BACKOFF_BASE.total_seconds() * (2 ** exponent)
    jitter = 1 + 0.25 * (rng or random).random()
    return timedelta(seconds=min(delay * jitter, BACKOFF_CAP.total_seconds()))


def sent_by_kind(db: Database) -> dict[str, int]:
    """How many messages of each kind were delivered, by kind name."""
    with db.read() as session:
        return {kind: int(n) for kind, n in session.execute(
            select(c.kind, func.count()).where(c.status == SENT)
            .group_by(c.kind).order_by(c.kind)).all()}


def first_sent(db: Database, *, recipients: Sequence[str] | None = None,
               kind: str | None = None, due_after: datetime | None = None,
               subject_contains: str | None = None) -> OutboxMessage | None:
    """The earliest delivered message matching every criterion given, or None."""
    query = select(OutboxMessage).where(c.status == SENT)
    if recipients is not None:
        query = query.where(c.recipient.in_(list(recipients)))
    if kind is not None:
        query = query.where(c.kind == kind)
    if due_after is not None:
        query = query.where(c.due_at > due_after)
    if subject_contains is not None:
        query = query.where(c.subject.contains(subject_contains))
    with db.read() as session:
        return session.execute(query.order_by(c.id).limit(1)).scalars().first()


def delivered(db: Database, limit: int) -> list[OutboxMessage]:
    """The newest ``limit`` delivered messages, oldest first (a mail sink shows them again
    when it starts: what this database already sent stays readable)."""
    with db.read() as session:
        newest = session.execute(select(OutboxMessage).where(c.status == SENT)
                                 .order_by(c.sent_at.desc(), c.id.desc())
                                 .limit(limit)).scalars().all()
    return list(reversed(newest))


def status_of(db: Database, message_id: int) -> str | None:
    """The status of one message, or None when there is no such message."""
    with db.read() as session:
        found = session.execute(select(c.status).where(c.id == message_id)).scalar_one_or_none()
    return str(found) if found is not None else None
