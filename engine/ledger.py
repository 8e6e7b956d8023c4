"""The writes every action makes on an instance: the version check, the history row, reviews.

Each action bumps the instance's ``version`` with an UPDATE that names the version it read (the
optimistic lock: of two concurrent actions exactly one matches), appends one row to the
append-only history, and a review transition records its decision numbered by round. The
statements are built once: building and cache-keying a statement per call costs more than the
database round trip (see ``bench/transitions_rate.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from engine.contracts import Actor, InstanceSnapshot
from engine.errors import ConflictError, InvalidInputError, WorkflowError
from engine.models import HistoryEntry, ReviewDecision
from engine.records import INSTANCE, READ_INSTANCE, Records, connection

_HISTORY = HistoryEntry.__table__  # type: ignore[attr-defined]
_REVIEW = ReviewDecision.__table__  # type: ignore[attr-defined]

#: Read the instance and hold it: submissions of several parties of one subject wait for each
#: other instead of conflicting (SQLite ignores FOR UPDATE; BEGIN IMMEDIATE queues writers).
LOCK_INSTANCE = READ_INSTANCE.with_for_update()
_BUMP_WHERE = (INSTANCE.c.id == bindparam("iid"), INSTANCE.c.version == bindparam("seen"))
_BUMP = update(INSTANCE).where(*_BUMP_WHERE).values(
    version=bindparam("new_version"), updated_at=bindparam("now"))
_MOVE = update(INSTANCE).where(*_BUMP_WHERE).values(
    state=bindparam("new_state"), version=bindparam("new_version"), updated_at=bindparam("now"),
    entered_at=bindparam("now"))
_INSERT_HISTORY = insert(_HISTORY)


def bump(session: Session, instance: InstanceSnapshot, state: str, now: datetime,
         *, state_changed: bool) -> int:
    """The instance's next version, written only if nobody changed it since it was read."""
    params = {"iid": instance.id, "seen": instance.version,
              "new_version": instance.version + 1, "now": now, "new_state": state}
    statement = _MOVE if state_changed else _BUMP
    result = connection(session).execute(statement, params)
    if result.rowcount != 1:
        raise ConflictError("engine.changed_meanwhile", subject=instance.subject)
    return instance.version + 1


def append_history(
    session: Session, instance: InstanceSnapshot, seq: int, at: datetime, actor: Actor,
    kind: str, trigger: str, from_state: str | None, to_state: str, comment: str | None,
    *, detail: str | None = None,
) -> None:
    connection(session).execute(_INSERT_HISTORY, {
        "instance_id": instance.id, "seq": seq, "at": at, "actor": actor.identity,
        "role": actor.role, "kind": kind, "trigger": trigger, "from_state": from_state,
        "to_state": to_state, "comment": comment, "detail": detail,
    })


def record_review(session: Session, instance: InstanceSnapshot, deliverable: str,
                  decision: str, actor: Actor, comment: str | None, now: datetime) -> None:
    """The decision on the deliverable's latest version, numbered as the next round."""
    records = Records(session)
    latest = records.latest_submission(instance.id, deliverable)
    assert latest is not None, "the transition's review guard checked there is one"
    session.execute(insert(_REVIEW).values(
        instance_id=instance.id, deliverable=deliverable, submission_id=latest.id,
        round=records.review_count(instance.id, deliverable) + 1, decision=decision,
        comment=comment, reviewer=actor.identity, decided_at=now,
    ))


def stale(instance: InstanceSnapshot, expected: int) -> WorkflowError:
    """The refusal of an action made on a version other than the instance's."""
    if expected < 1 or expected > instance.version:
        return InvalidInputError("engine.no_such_version", subject=instance.subject,
                                 expected=expected, latest=instance.version)
    return ConflictError("engine.stale", subject=instance.subject)
