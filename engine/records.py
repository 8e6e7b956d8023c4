"""The engine's read API: instances, submissions, reviews, history and deadlines as records.

A programme's guards, reports and pages read the engine's data through :class:`Records` (one
per session, cheap to make), which answers with the frozen records of
:mod:`engine.contracts`. The engine's tables stay the engine's: their columns can change
without a programme noticing, and nothing outside the engine writes SQL against them. The
queries that take sets (``current_instances``, ``open_deadlines``, ``review_rounds``) cost one
statement whatever the number of subjects, so a page for hundreds of subjects stays cheap.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, func, null, select
from sqlalchemy.orm import Session

from engine.contracts import (
    DeadlineRecord,
    HistoryRecord,
    InstanceSnapshot,
    ReviewRecord,
    SubmissionRecord,
)
from engine.errors import NotFoundError
from engine.models import Deadline, HistoryEntry, ReviewDecision, Submission, WorkflowInstance

INSTANCE = WorkflowInstance.__table__  # type: ignore[attr-defined]
HISTORY = HistoryEntry.__table__  # type: ignore[attr-defined]
SUBMISSION = Submission.__table__  # type: ignore[attr-defined]
REVIEW = ReviewDecision.__table__  # type: ignore[attr-defined]
DEADLINE = Deadline.__table__  # type: ignore[attr-defined]

# The hot path's statements are built once: building and cache-keying a statement per call
# costs more than the database round trip (see bench/transitions_rate.py).
SNAPSHOT_COLUMNS = (
    INSTANCE.c.id, INSTANCE.c.definition_key, INSTANCE.c.definition_version,
    INSTANCE.c.subject, INSTANCE.c.cycle, INSTANCE.c.state, INSTANCE.c.version,
    INSTANCE.c.entered_at, INSTANCE.c.predecessor_id,
)
READ_INSTANCE = select(*SNAPSHOT_COLUMNS).where(INSTANCE.c.id == bindparam("iid"))
_SUBMISSION_COLUMNS = tuple(SUBMISSION.c[name] for name in (
    "id", "instance_id", "deliverable", "party", "version", "state", "file_name", "media_type",
    "size_bytes", "sha256", "note", "submitted_by", "role", "submitted_at"))
_REVIEW_COLUMNS = tuple(REVIEW.c[name] for name in (
    "id", "instance_id", "deliverable", "submission_id", "round", "decision", "comment",
    "reviewer", "decided_at"))
_DEADLINE_COLUMNS = (
    DEADLINE.c.id, DEADLINE.c.instance_id, INSTANCE.c.subject, INSTANCE.c.definition_key,
    INSTANCE.c.definition_version, DEADLINE.c.state, DEADLINE.c.due_at, DEADLINE.c.origin,
    DEADLINE.c.version, DEADLINE.c.created_at, DEADLINE.c.closed_at, DEADLINE.c.tz)
_HISTORY_COLUMNS = (
    HISTORY.c.instance_id, INSTANCE.c.subject, INSTANCE.c.cycle, HISTORY.c.seq, HISTORY.c.at,
    HISTORY.c.actor, HISTORY.c.role, HISTORY.c.kind, HISTORY.c.trigger, HISTORY.c.from_state,
    HISTORY.c.to_state, HISTORY.c.comment, HISTORY.c.detail)


#: A subject's newest cycle of a workflow (built once: actions read it on every call).
_CURRENT = (select(*SNAPSHOT_COLUMNS)
            .where(INSTANCE.c.definition_key == bindparam("key"),
                   INSTANCE.c.subject == bindparam("subject"))
            .order_by(INSTANCE.c.cycle.desc()).limit(1))
#: The same, locked for an action (``FOR UPDATE`` on PostgreSQL; SQLite's writer holds all).
CURRENT_FOR_ACTION = _CURRENT.with_for_update()
#: The (deliverable, party) pairs an instance has a version of.
_SUBMITTED = (select(SUBMISSION.c.deliverable, SUBMISSION.c.party)
              .where(SUBMISSION.c.instance_id == bindparam("iid")).distinct())


def connection(session: Session) -> Connection:
    """The session's connection, kept on the session: ``Session.connection()`` walks the
    transaction state on every call, and the hot path asks several times per action."""
    conn = session.info.get("engine.conn")
    if conn is None or conn.closed:
        conn = session.info["engine.conn"] = session.connection()
    return conn


def read_instance(conn: Connection, statement: Any, instance_id: int) -> InstanceSnapshot:
    row = conn.execute(statement, {"iid": instance_id}).one_or_none()
    if row is None:
        raise NotFoundError(f"workflow instance {instance_id} does not exist")
    return InstanceSnapshot(*row)


def _deadlines() -> Select[Any]:
    return select(*_DEADLINE_COLUMNS).join(INSTANCE, INSTANCE.c.id == DEADLINE.c.instance_id)


class Records:
    """Read-only questions about the engine's data, inside the caller's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- instances -----------------------------------------------------------------------

    def instance(self, instance_id: int) -> InstanceSnapshot:
        return read_instance(connection(self.session), READ_INSTANCE, instance_id)

    def current_instance(self, key: str, subject: str) -> InstanceSnapshot | None:
        """The subject's newest cycle of workflow ``key``, or None."""
        row = connection(self.session).execute(
            _CURRENT, {"key": key, "subject": subject}).one_or_none()
        return InstanceSnapshot(*row) if row is not None else None

    def current_instances(self, key: str, subjects: Collection[str] | None = None
                          ) -> dict[str, InstanceSnapshot]:
        """Each subject's newest cycle of workflow ``key`` (all subjects when None)."""
        query = select(*SNAPSHOT_COLUMNS).where(INSTANCE.c.definition_key == key)
        if subjects is not None:
            query = query.where(INSTANCE.c.subject.in_(list(subjects)))
        # Oldest cycle first, so the newest one of each subject stays.
        rows = self.session.execute(query.order_by(INSTANCE.c.cycle)).all()
        return {row.subject: InstanceSnapshot(*row) for row in rows}

    def current_with_deadlines(self, key: str, subjects: Collection[str]
                               ) -> dict[str, tuple[InstanceSnapshot, DeadlineRecord | None]]:
        """Each subject's newest cycle of ``key`` with the open deadline of the state it is
        in (None when it has none), in one statement whatever the number of subjects."""
        current = and_(DEADLINE.c.instance_id == INSTANCE.c.id,
                       DEADLINE.c.state == INSTANCE.c.state, DEADLINE.c.closed_at.is_(None))
        rows = self.session.execute(
            select(*SNAPSHOT_COLUMNS, *_DEADLINE_COLUMNS)
            .select_from(INSTANCE).outerjoin(DEADLINE, current)
            .where(INSTANCE.c.definition_key == key,
                   INSTANCE.c.subject.in_(list(subjects)))
            .order_by(INSTANCE.c.cycle, DEADLINE.c.id)).all()
        found: dict[str, tuple[InstanceSnapshot, DeadlineRecord | None]] = {}
        width = len(SNAPSHOT_COLUMNS)
        for row in rows:  # oldest cycle first, so the newest one of each subject stays
            instance = InstanceSnapshot(*row[:width])
            deadline = DeadlineRecord(*row[width:]) if row[width] is not None else None
            found[instance.subject] = (instance, deadline)
        return found

    def instance_count(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(INSTANCE)).scalar_one())

    # -- submissions and reviews -----------------------------------------------------------

    def submitted_deliverables(self, instance_id: int) -> set[str]:
        return set(self.session.execute(
            select(SUBMISSION.c.deliverable).where(SUBMISSION.c.instance_id == instance_id)
            .distinct()).scalars())

    def submitted(self, instance_id: int) -> set[tuple[str, str]]:
        """The ``(deliverable, party)`` pairs that have at least one version."""
        return {(name, party) for name, party in connection(self.session).execute(
            _SUBMITTED, {"iid": instance_id}).all()}

    def submitted_of(self, instance_ids: Collection[int]) -> dict[int, set[tuple[str, str]]]:
        """:meth:`submitted` of many instances, in one statement (every id is a key)."""
        found: dict[int, set[tuple[str, str]]] = {i: set() for i in instance_ids}
        if found:
            for iid, name, party in self.session.execute(
                    select(SUBMISSION.c.instance_id, SUBMISSION.c.deliverable, SUBMISSION.c.party)
                    .where(SUBMISSION.c.instance_id.in_(list(found))).distinct()).all():
                found[iid].add((name, party))
        return found

    def submissions(self, instance_id: int) -> list[SubmissionRecord]:
        """Every version of every deliverable of the instance, in the order received."""
        return [SubmissionRecord(*row) for row in self.session.execute(
            select(*_SUBMISSION_COLUMNS).where(SUBMISSION.c.instance_id == instance_id)
            .order_by(SUBMISSION.c.id)).all()]

    def submissions_page(self, instance_id: int, *, limit: int, after: int | None = None,
                         newest_first: bool = False) -> list[SubmissionRecord]:
        """Up to ``limit`` versions in the order received (newest first when asked), past
        the submission ``after`` (an id): a keyset page."""
        query = select(*_SUBMISSION_COLUMNS).where(SUBMISSION.c.instance_id == instance_id)
        if after is not None:
            query = query.where(SUBMISSION.c.id < after if newest_first
                                else SUBMISSION.c.id > after)
        order = SUBMISSION.c.id.desc() if newest_first else SUBMISSION.c.id
        return [SubmissionRecord(*row) for row in self.session.execute(
            query.order_by(order).limit(limit)).all()]

    def submission(self, submission_id: int, subject: str | None = None
                   ) -> SubmissionRecord | None:
        """One version by id (only if it belongs to ``subject``, when given)."""
        query = select(*_SUBMISSION_COLUMNS).where(SUBMISSION.c.id == submission_id)
        if subject is not None:
            query = query.join(INSTANCE, INSTANCE.c.id == SUBMISSION.c.instance_id).where(
                INSTANCE.c.subject == subject)
        row = self.session.execute(query).one_or_none()
        return SubmissionRecord(*row) if row is not None else None

    def latest_submission(self, instance_id: int, deliverable: str,
                          party: str = "") -> SubmissionRecord | None:
        """The newest version of a deliverable (from ``party``), or None."""
        row = self.session.execute(
            select(*_SUBMISSION_COLUMNS).where(
                SUBMISSION.c.instance_id == instance_id,
                SUBMISSION.c.deliverable == deliverable, SUBMISSION.c.party == party,
            ).order_by(SUBMISSION.c.version.desc()).limit(1)).one_or_none()
        return SubmissionRecord(*row) if row is not None else None

    def reviews(self, instance_id: int, deliverable: str | None = None) -> list[ReviewRecord]:
        """Review decisions by round (of one deliverable, or of all by deliverable)."""
        query = select(*_REVIEW_COLUMNS).where(REVIEW.c.instance_id == instance_id)
        if deliverable is not None:
            query = query.where(REVIEW.c.deliverable == deliverable)
        rows = self.session.execute(
            query.order_by(REVIEW.c.deliverable, REVIEW.c.round)).all()
        return [ReviewRecord(*row) for row in rows]

    def last_review(self, instance_id: int, deliverable: str | None = None
                    ) -> ReviewRecord | None:
        """The latest decision taken on the instance (on one deliverable, when given)."""
        query = select(*_REVIEW_COLUMNS).where(REVIEW.c.instance_id == instance_id)
        if deliverable is not None:
            query = query.where(REVIEW.c.deliverable == deliverable)
        row = self.session.execute(query.order_by(REVIEW.c.id.desc()).limit(1)).one_or_none()
        return ReviewRecord(*row) if row is not None else None

    def review_count(self, instance_id: int, deliverable: str,
                     decision: str | None = None) -> int:
        query = select(func.count()).select_from(REVIEW).where(
            REVIEW.c.instance_id == instance_id, REVIEW.c.deliverable == deliverable)
        if decision is not None:
            query = query.where(REVIEW.c.decision == decision)
        return int(self.session.execute(query).scalar_one())

    def review_rounds(self, instance_ids: Collection[int]) -> dict[int, int]:
        """The last round decided on each instance (instances without a decision left out)."""
        if not instance_ids:
            return {}
        rows = self.session.execute(
            select(REVIEW.c.instance_id, func.max(REVIEW.c.round))
            .where(REVIEW.c.instance_id.in_(list(instance_ids)))
            .group_by(REVIEW.c.instance_id)).all()
        return {int(i): int(r) for i, r in rows}

    def submissions_of(self, instance_ids: Collection[int],
                       deliverables: Collection[str] | None = None) -> list[SubmissionRecord]:
        """Every version of many instances (of ``deliverables`` only, when given), in the
        order received, in one statement: for figures over a set of subjects."""
        if not instance_ids:
            return []
        query = select(*_SUBMISSION_COLUMNS).where(
            SUBMISSION.c.instance_id.in_(list(instance_ids)))
        if deliverables is not None:
            query = query.where(SUBMISSION.c.deliverable.in_(list(deliverables)))
        return [SubmissionRecord(*row) for row in self.session.execute(
            query.order_by(SUBMISSION.c.id)).all()]

    def state_changes(self, subjects: Collection[str], key: str) -> list[HistoryRecord]:
        """The start and transition entries of every cycle of ``key`` of many subjects, by
        subject, cycle and sequence, in one statement: how long each stayed in each state."""
        if not subjects:
            return []
        rows = self.session.execute(
            select(*_HISTORY_COLUMNS).join(INSTANCE, INSTANCE.c.id == HISTORY.c.instance_id)
            .where(INSTANCE.c.definition_key == key,
                   INSTANCE.c.subject.in_(list(subjects)),
                   HISTORY.c.kind.in_(("start", "transition")))
            .order_by(INSTANCE.c.subject, INSTANCE.c.cycle, HISTORY.c.seq)).all()
        return [HistoryRecord(*tuple(row)) for row in rows]  # columns in the record's order

    # -- history -------------------------------------------------------------------------

    def history(self, subject: str, key: str | None = None) -> list[HistoryRecord]:
        """The subject's timeline over all its cycles, oldest first."""
        query = (select(*_HISTORY_COLUMNS)
                 .join(INSTANCE, INSTANCE.c.id == HISTORY.c.instance_id)
                 .where(INSTANCE.c.subject == subject))
        if key is not None:
            query = query.where(INSTANCE.c.definition_key == key)
        rows = self.session.execute(query.order_by(INSTANCE.c.cycle, HISTORY.c.seq)).all()
        return [HistoryRecord(**row._asdict()) for row in rows]

    def history_page(self, subject: str, key: str | None = None, *, limit: int,
                     after: tuple[int, int] | None = None,
                     newest_first: bool = False) -> list[HistoryRecord]:
        """Up to ``limit`` entries of the subject's timeline in (cycle, seq) order (newest
        first when asked), starting past the entry at ``after`` = (cycle, seq): a keyset
        page, so the thousandth entry costs what the first does (no OFFSET)."""
        query = (select(*_HISTORY_COLUMNS)
                 .join(INSTANCE, INSTANCE.c.id == HISTORY.c.instance_id)
                 .where(INSTANCE.c.subject == subject))
        if key is not None:
            query = query.where(INSTANCE.c.definition_key == key)
        if after is not None:
            cycle, seq = after
            past = ((INSTANCE.c.cycle < cycle) | and_(INSTANCE.c.cycle == cycle,
                                                      HISTORY.c.seq < seq)
                    if newest_first else
                    (INSTANCE.c.cycle > cycle) | and_(INSTANCE.c.cycle == cycle,
                                                      HISTORY.c.seq > seq))
            query = query.where(past)
        order = ((INSTANCE.c.cycle.desc(), HISTORY.c.seq.desc()) if newest_first
                 else (INSTANCE.c.cycle, HISTORY.c.seq))
        rows = self.session.execute(query.order_by(*order).limit(limit)).all()
        return [HistoryRecord(**row._asdict()) for row in rows]

    def history_between(self, start: datetime, end: datetime, *, limit: int, after: int = 0
                        ) -> list[tuple[int, str, HistoryRecord]]:
        """Up to ``limit`` entries of every subject written at ``start`` <= at < ``end``, in
        the order written, past the entry whose id is ``after``; each with its id and its
        workflow's key. A keyset page on the primary key: an audit of a whole year reads it a
        page at a time, and each page costs what the first did."""
        rows = self.session.execute(
            select(HISTORY.c.id, INSTANCE.c.definition_key, *_HISTORY_COLUMNS)
            .join(INSTANCE, INSTANCE.c.id == HISTORY.c.instance_id)
            .where(HISTORY.c.id > after, HISTORY.c.at >= start, HISTORY.c.at < end)
            .order_by(HISTORY.c.id).limit(limit)).all()
        return [(row[0], row[1], HistoryRecord(*tuple(row)[2:])) for row in rows]

    def totals(self) -> dict[str, int]:
        """Rows of each kind the engine keeps, in one statement (a backup's sanity check)."""
        kinds = {"instances": INSTANCE, "history": HISTORY, "submissions": SUBMISSION,
                 "reviews": REVIEW, "deadlines": DEADLINE}
        row = self.session.execute(select(*(
            select(func.count()).select_from(t).scalar_subquery().label(k)
            for k, t in kinds.items()))).one()
        return {k: int(v) for k, v in row._mapping.items()}

    def moves(self, instance_id: int) -> set[tuple[str | None, str]]:
        """The distinct (from, to) state pairs the instance's start and transitions took: what
        a diagram marks as passed, whatever the length of the history."""
        return {(a, b) for a, b in self.session.execute(
            select(HISTORY.c.from_state, HISTORY.c.to_state).where(
                HISTORY.c.instance_id == instance_id,
                HISTORY.c.kind.in_(("start", "transition"))).distinct()).all()}

    def times_fired(self, instance_id: int, trigger: str) -> int:
        """How often ``trigger`` appears in the instance's history."""
        return int(self.session.execute(
            select(func.count()).select_from(HISTORY).where(
                HISTORY.c.instance_id == instance_id, HISTORY.c.trigger == trigger)
        ).scalar_one())

    def actions_by_trigger(self) -> dict[str, int]:
        """How many actions every instance's history holds, per trigger (one statement). The
        history is append-only, so each count only grows: a monitor reads them as counters
        that every process agrees on."""
        return {str(trigger): int(n) for trigger, n in self.session.execute(
            select(HISTORY.c.trigger, func.count()).group_by(HISTORY.c.trigger)).all()}

    # -- deadlines -------------------------------------------------------------------------

    def deadline(self, deadline_id: int) -> DeadlineRecord | None:
        row = self.session.execute(
            _deadlines().where(DEADLINE.c.id == deadline_id)).one_or_none()
        return DeadlineRecord(*row) if row is not None else None

    def open_deadline(self, instance_id: int, state: str) -> DeadlineRecord | None:
        """The open deadline of the instance in ``state`` (the newest, should there be two)."""
        row = self.session.execute(
            _deadlines().where(DEADLINE.c.instance_id == instance_id,
                               DEADLINE.c.state == state, DEADLINE.c.closed_at.is_(None))
            .order_by(DEADLINE.c.id.desc()).limit(1)).one_or_none()
        return DeadlineRecord(*row) if row is not None else None

    def deadlines(self, instance_id: int) -> list[DeadlineRecord]:
        """Every deadline the instance had, open and closed, in the order they were opened."""
        return [DeadlineRecord(*row) for row in self.session.execute(
            _deadlines().where(DEADLINE.c.instance_id == instance_id)
            .order_by(DEADLINE.c.created_at, DEADLINE.c.id)).all()]

    def open_deadlines(self, *, subjects: Collection[str] | None = None,
                       instance_ids: Collection[int] | None = None,
                       ids: Collection[int] | None = None,
                       include_closed: bool = False) -> list[DeadlineRecord]:
        """Open deadlines (closed too with ``include_closed``, for ``ids``), soonest first,
        optionally only of some subjects, instances or deadline ids."""
        where: list[Any] = []
        if not include_closed:
            narrowed = subjects is not None or instance_ids is not None or ids is not None
            # Narrowed to some subjects, instances or ids, "open" is checked on the rows those
            # find: written as coalesce(...) it cannot use the open-deadlines index, which
            # SQLite (no statistics unless ANALYZE ran) would otherwise walk whole, reading
            # every open deadline to find a region's few.
            where.append(func.coalesce(DEADLINE.c.closed_at, null()).is_(None) if narrowed
                         else DEADLINE.c.closed_at.is_(None))
        if subjects is not None:
            where.append(INSTANCE.c.subject.in_(list(subjects)))
        if instance_ids is not None:
            where.append(DEADLINE.c.instance_id.in_(list(instance_ids)))
        if ids is not None:
            where.append(DEADLINE.c.id.in_(list(ids)))
        rows = self.session.execute(
            _deadlines().where(*where)
            .order_by(DEADLINE.c.due_at, INSTANCE.c.subject, DEADLINE.c.id)).all()
        return [DeadlineRecord(*row) for row in rows]
