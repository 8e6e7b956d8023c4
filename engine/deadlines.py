"""The deadline table's one writer: deadlines open, move and close here and nowhere else.

When an instance enters a state, the engine asks the programme's
:data:`~engine.contracts.DeadlinePolicy` for the due date (handing it the definition's own,
``deadline: {days: N}`` after entering, as the default) and opens that deadline; when the
instance leaves the state, every open deadline of the state closes. A programme that moves a
deadline later (an override, a granted extension) asks the engine to, and each move bumps the
deadline's ``version`` so whatever was planned for the old date can tell it is stale.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.contracts import (
    DeadlineChange,
    DeadlinePolicy,
    DueDate,
    InstanceSnapshot,
    OpenedDeadline,
    RelativeDue,
)
from engine.definition import WorkflowDefinition
from engine.errors import NotFoundError
from engine.records import DEADLINE, INSTANCE, SNAPSHOT_COLUMNS, Records, connection

DEFINITION = "definition"

# Built once, like the other statements of an action's hot path (engine/ledger.py): every
# state change closes the deadlines of the state it leaves.
_CLOSE = update(DEADLINE).where(
    DEADLINE.c.instance_id == bindparam("iid"), DEADLINE.c.state == bindparam("left"),
    DEADLINE.c.closed_at.is_(None)).values(closed_at=bindparam("closed"))
_INSERT = insert(DEADLINE).returning(DEADLINE.c.id)
#: The instance as an action reads it, and whether a deadline is open in its state: a state
#: change closes deadlines only when there are some, so an action that leaves a state without
#: one costs no statement more than it did before deadlines existed.
READ_FOR_ACTION = select(
    *SNAPSHOT_COLUMNS,
    select(DEADLINE.c.id).where(
        DEADLINE.c.instance_id == INSTANCE.c.id, DEADLINE.c.state == INSTANCE.c.state,
        DEADLINE.c.closed_at.is_(None)).exists().label("deadline_open"),
).where(INSTANCE.c.id == bindparam("iid"))


def read_for_action(session: Session, instance_id: int) -> tuple[InstanceSnapshot, bool]:
    """The instance and whether its current state has an open deadline, in one statement."""
    row = connection(session).execute(READ_FOR_ACTION, {"iid": instance_id}).one_or_none()
    if row is None:
        raise NotFoundError(f"workflow instance {instance_id} does not exist")
    return InstanceSnapshot(*row[:-1]), bool(row[-1])


def definition_due(definition: WorkflowDefinition, state: str,
                   now: datetime) -> RelativeDue | None:
    """The definition's relative deadline of ``state`` entered at ``now``, if it has one (in
    calendar days at the minute of entry: the policy knows the subject's zone and calendar)."""
    spec = definition.states[state].deadline
    if spec is None:
        return None
    return RelativeDue(now + timedelta(days=spec.days), DEFINITION, days=spec.days,
                       working_days=spec.working_days, entered_at=now)


def open_on_entry(session: Session, policy: DeadlinePolicy, definition: WorkflowDefinition,
                  instance: InstanceSnapshot, now: datetime) -> OpenedDeadline | None:
    """Open the deadline of the state ``instance`` has just entered, as the policy says."""
    due = policy(session, instance, instance.state,
                 definition_due(definition, instance.state, now))
    if due is None:
        return None
    return OpenedDeadline(_insert(session, instance.id, instance.state, due, now),
                          instance.state, due)


def open_due(session: Session, instance: InstanceSnapshot, due: DueDate,
             now: datetime) -> OpenedDeadline:
    """Open the deadline of the state ``instance`` is in at ``due`` (already decided by the
    policy, as a migration's plan shows it before it is applied)."""
    return OpenedDeadline(_insert(session, instance.id, instance.state, due, now),
                          instance.state, due)


def close_state(session: Session, instance_id: int, state: str, now: datetime) -> None:
    """Close every open deadline of ``state`` (the instance has left it)."""
    connection(session).execute(_CLOSE, {"iid": instance_id, "left": state, "closed": now})


def move(session: Session, deadline_id: int, due: DueDate) -> int:
    """Give a deadline a new due time and origin; returns its new version."""
    session.execute(update(DEADLINE).where(DEADLINE.c.id == deadline_id).values(
        due_at=due.due_at, origin=due.origin, tz=due.tz, version=DEADLINE.c.version + 1))
    return int(session.execute(
        select(DEADLINE.c.version).where(DEADLINE.c.id == deadline_id)).scalar_one())


def set_for_state(session: Session, instance_id: int, state: str, due: DueDate,
                  now: datetime) -> DeadlineChange:
    """Move the instance's open deadline in ``state``, or open one there if it has none."""
    current = Records(session).open_deadline(instance_id, state)
    if current is None:
        return DeadlineChange(_insert(session, instance_id, state, due, now), 1)
    return DeadlineChange(current.id, move(session, current.id, due))


def _insert(session: Session, instance_id: int, state: str, due: DueDate,
            now: datetime) -> int:
    return int(connection(session).execute(_INSERT, {
        "instance_id": instance_id, "state": state, "due_at": due.due_at, "origin": due.origin,
        "tz": due.tz, "version": 1, "created_at": now}).scalar_one())
