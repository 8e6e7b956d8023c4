"""Moving running instances to another version of their definition: the plan, then its writes.

A published version never changes, and an instance runs on the version it started on; a
migration moves instances that are still running to another version. It is planned first, for
every instance, without writing (:func:`plan_instance`, :func:`plan_deadline`): the state it
goes to (the same name, or the one a state map gives), the deliverables that become required
or are orphaned (submitted, but not defined by the new version: they stay attached), and what
happens to deadlines. An instance is refused when its state has no place in the new version,
or when the new version could not have brought it into the target state with what it has
submitted; a finished instance, and one already on the version, is skipped.

:func:`apply_plan` writes one instance's plan inside the caller's transaction, with the same
optimistic lock as every action, and records it in the instance's history as an entry of its
own kind; a revert (:func:`restore_plan`) plans the way back from the record of the migration.
The batches themselves are recorded by :mod:`engine.migration_log`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, null, update
from sqlalchemy.orm import Session

import engine.deadlines as deadlines
from config.messages import Message
from engine.contracts import (
    ActionEvent,
    Actor,
    DeadlinePolicy,
    DeadlineRecord,
    DueDate,
    InstanceSnapshot,
    OpenedDeadline,
)
from engine.definition import WorkflowDefinition
from engine.errors import ConflictError
from engine.ledger import LOCK_INSTANCE, append_history
from engine.records import DEADLINE, INSTANCE, Records, connection, read_instance

#: The kind of history entry a migration (or its revert) writes.
KIND = "migration"
MIGRATE, REVERT = "migrate", "revert"
#: What a plan does with an instance.
APPLY, SKIP, REFUSE = "apply", "skip", "refuse"
#: Why an instance is skipped.
FINAL, SAME_VERSION = "final", "same_version"
#: What happens to deadlines: the open one stays, closes, a new one opens, or both.
KEEP, CLOSE, OPEN, CLOSE_OPEN, NONE = "keep", "close", "open", "close+open", "none"
#: A renamed state keeps its open deadline row (due date, origin, zone, version) under the
#: new name; a revert carries it back.
CARRY = "carry"
#: A revert of a move reopens the deadline row the migration closed (an extension granted
#: before the migration survives the round trip), closing the one opened meanwhile if any.
REOPEN, CLOSE_REOPEN = "reopen", "close+reopen"
REOPENS = (REOPEN, CLOSE_REOPEN)

_MIGRATE = update(INSTANCE).where(
    INSTANCE.c.id == bindparam("iid"), INSTANCE.c.version == bindparam("seen")).values(
    definition_version=bindparam("to_version"), state=bindparam("to_state"),
    version=bindparam("new_version"), updated_at=bindparam("now"),
    entered_at=bindparam("entered"))


@dataclass(frozen=True)
class InstancePlan:
    """What migrating one instance does, as shown before anything is written.

    ``action`` is :data:`APPLY`, :data:`SKIP` (``reason`` a key: :data:`FINAL`,
    :data:`SAME_VERSION`) or :data:`REFUSE` (``refusal`` says why, in the reader's language).
    ``entered_at`` is when the instance is in its target state from (unchanged when the state
    stays or is renamed), ``due`` the deadline it has there (opened, carried or reopened).
    ``deadline_id`` is the deadline row the plan closes or carries (a migration), or reopens or
    carries back (a revert): recorded with the migration so its revert restores that row.
    """

    instance_id: int
    definition_key: str
    subject: str
    cycle: int
    instance_version: int
    from_version: int
    from_state: str
    from_entered_at: datetime
    to_version: int
    to_state: str
    action: str
    entered_at: datetime
    required: tuple[str, ...] = ()
    orphaned: tuple[str, ...] = ()
    deadline: str = NONE
    due: DueDate | None = None
    reason: str | None = None
    refusal: Message | None = None
    #: A revert: ``entered_at`` is the moment the instance had entered the state it returns to.
    restoring: bool = False
    #: The target is the source under a new name (the old version has no target state, the
    #: new one no source state): the instance stays in it since when it entered it.
    renamed: bool = False
    deadline_id: int | None = None
    #: A revert: what the migration did to deadlines, and the row it closed or carried.
    undo: str = NONE
    undo_id: int | None = None

    @property
    def state_changes(self) -> bool:
        return self.from_state != self.to_state

    @property
    def applies(self) -> bool:
        return self.action == APPLY

    @property
    def refused(self) -> bool:
        return self.action == REFUSE

    @property
    def skipped(self) -> bool:
        return self.action == SKIP


def plan_instance(old: WorkflowDefinition, new: WorkflowDefinition, instance: InstanceSnapshot,
                  state_map: Mapping[str, str], submitted: set[str]) -> InstancePlan:
    """Where ``instance`` (on ``old``) goes on ``new``, and whether it may (no deadlines yet:
    :func:`plan_deadline`). ``submitted``: the deliverables it has a version of."""
    source = instance.state
    target = state_map.get(source, source)
    plan = InstancePlan(
        instance.id, instance.definition_key, instance.subject, instance.cycle,
        instance.version,
        instance.definition_version, source, instance.entered_at, new.version, target, APPLY,
        instance.entered_at,
        orphaned=tuple(sorted(d for d in submitted if d not in new.deliverables)))
    if source in old.states and old.states[source].final:
        return dataclasses.replace(plan, action=SKIP, reason=FINAL)
    if instance.definition_version == new.version:
        return dataclasses.replace(plan, action=SKIP, reason=SAME_VERSION)
    refusal = _refusal(new, source, target, state_map, submitted)
    if refusal is not None:
        return dataclasses.replace(plan, action=REFUSE, refusal=refusal)
    before = set(old.states[source].requires) if source in old.states else set()
    required = tuple(r for r in new.states[target].requires if r not in before)
    renamed = target != source and target not in old.states and source not in new.states
    return dataclasses.replace(plan, required=required, renamed=renamed)


def _refusal(new: WorkflowDefinition, source: str, target: str,
             state_map: Mapping[str, str], submitted: set[str]) -> Message | None:
    if source not in state_map and source not in new.states:
        return Message("migration.refused.no_mapping", state=source, version=new.version,
                       states=", ".join(new.states))
    if target not in new.states:
        return Message("migration.refused.no_such_state", state=target, version=new.version,
                       states=", ".join(new.states))
    if target in (source, new.initial):
        return None
    ways = [t for t in new.transitions if t.dest == target and not t.skip_requirements]
    if any(all(r in submitted for r in new.states[s].requires)
           for t in ways for s in t.sources if s in new.states):
        return None
    if not ways:
        return Message("migration.refused.unreachable", state=target, version=new.version)
    missing = sorted({r for t in ways for s in t.sources if s in new.states
                      for r in new.states[s].requires if r not in submitted})
    return Message("migration.refused.requirements", state=target, version=new.version,
                   missing=", ".join(new.deliverable_label(m) for m in missing))


def restore_plan(current: InstanceSnapshot, new: WorkflowDefinition, state: str,
                 entered_at: datetime, submitted: set[str],
                 changed: Message | None, *, undo: str = NONE,
                 undo_id: int | None = None) -> InstancePlan:
    """The way back for a revert: ``current`` returns to ``state`` of ``new`` (the version it
    was migrated from), in it since ``entered_at`` as it was; refused with ``changed`` when
    the instance changed since the migration. ``undo``/``undo_id``: what the migration did to
    deadlines and the row it closed or carried (:func:`plan_deadline` restores it)."""
    plan = InstancePlan(
        current.id, current.definition_key, current.subject, current.cycle, current.version,
        current.definition_version, current.state, current.entered_at, new.version, state,
        APPLY, entered_at if state != current.state else current.entered_at, restoring=True,
        orphaned=tuple(sorted(d for d in submitted if d not in new.deliverables)),
        undo=undo, undo_id=undo_id)
    if changed is not None:
        return dataclasses.replace(plan, action=REFUSE, refusal=changed)
    return plan


def _due_of(row: DeadlineRecord) -> DueDate:
    return DueDate(row.due_at, row.origin, row.tz)


def plan_deadline(session: Session, policy: DeadlinePolicy, new: WorkflowDefinition,
                  plan: InstancePlan, open_in: Mapping[str, DeadlineRecord],
                  now: datetime) -> InstancePlan:
    """What the plan does to deadlines. A renamed state keeps its open deadline row (carried
    to the new name: a cohort's date or a granted extension stays); a revert of a carry
    carries it back, a revert of a move reopens the row the migration closed. Otherwise the
    open one of the state left closes, and the state entered gets the one the deadline policy
    gives it (counted from when it is entered: now, or when it was entered before, for a
    revert, a rename or a state that stays). ``open_in``: the instance's open deadlines by
    state."""
    if plan.action != APPLY:
        return plan
    here = open_in.get(plan.from_state)
    if plan.restoring and plan.undo == CARRY:
        if here is None:
            return dataclasses.replace(plan, deadline=NONE)
        return dataclasses.replace(plan, deadline=CARRY, due=_due_of(here), deadline_id=here.id)
    if plan.restoring and plan.undo in (CLOSE, CLOSE_OPEN) and plan.undo_id is not None:
        closed = Records(session).open_deadlines(ids=[plan.undo_id], include_closed=True)
        if closed:
            return dataclasses.replace(plan, deadline=CLOSE_REOPEN if here else REOPEN,
                                       due=_due_of(closed[0]), deadline_id=plan.undo_id)
    if plan.renamed and here is not None:
        return dataclasses.replace(plan, deadline=CARRY, due=_due_of(here), deadline_id=here.id)
    keeps_clock = plan.restoring or plan.renamed or not plan.state_changes
    entered = plan.entered_at if keeps_clock else now
    after = InstanceSnapshot(plan.instance_id, new.key, new.version, plan.subject, plan.cycle,
                             plan.to_state, plan.instance_version + 1, entered, None)
    due = policy(session, after, plan.to_state,
                 deadlines.definition_due(new, plan.to_state, entered))
    closing = here.id if here is not None else None
    if not plan.state_changes:
        if here is not None:
            return dataclasses.replace(plan, entered_at=entered,
                                       deadline=KEEP if due is not None else CLOSE,
                                       deadline_id=None if due is not None else closing)
        return dataclasses.replace(plan, entered_at=entered, deadline=OPEN if due else NONE,
                                   due=due)
    if here is not None:
        action = CLOSE_OPEN if due is not None else CLOSE
    else:
        action = OPEN if due is not None else NONE
    return dataclasses.replace(plan, entered_at=entered, deadline=action, due=due,
                               deadline_id=closing)


def detail(plan: InstancePlan, migration_id: int) -> str:
    """The history entry's compact summary (within the column's 300 characters)."""
    parts = [f"v{plan.from_version}->v{plan.to_version} #{migration_id}: "
             f"{plan.from_state} -> {plan.to_state}; deadline {plan.deadline}"]
    if plan.required:
        parts.append("required " + ", ".join(plan.required))
    if plan.orphaned:
        parts.append("orphaned " + ", ".join(plan.orphaned))
    text = "; ".join(parts)
    return text if len(text) <= 300 else text[:299] + "…"


def apply_plan(session: Session, plan: InstancePlan, new: WorkflowDefinition, actor: Actor,
               *, migration_id: int, trigger: str, comment: str | None, now: datetime
               ) -> tuple[InstanceSnapshot, OpenedDeadline | None]:
    """Write one instance's plan: its version and state, a history entry of kind
    :data:`KIND`, its deadlines. Refused with a conflict when the instance changed since it
    was planned (nothing of it is written then). Returns the instance after and the deadline
    opened, for the listeners (:meth:`engine.runtime.WorkflowEngine.migrate`)."""
    assert plan.action == APPLY, "only a plan to apply is written"
    instance = read_instance(connection(session), LOCK_INSTANCE, plan.instance_id)
    if (instance.version != plan.instance_version or instance.state != plan.from_state
            or instance.definition_version != plan.from_version):
        raise ConflictError("engine.changed_meanwhile", subject=instance.subject)
    new_version = instance.version + 1
    result = connection(session).execute(_MIGRATE, {
        "iid": instance.id, "seen": instance.version, "to_version": plan.to_version,
        "to_state": plan.to_state, "new_version": new_version, "now": now,
        "entered": plan.entered_at})
    if result.rowcount != 1:
        raise ConflictError("engine.changed_meanwhile", subject=instance.subject)
    after = InstanceSnapshot(instance.id, instance.definition_key, plan.to_version,
                             instance.subject, instance.cycle, plan.to_state, new_version,
                             plan.entered_at, instance.predecessor_id)
    append_history(session, instance, new_version, now, actor, KIND, trigger, plan.from_state,
                   plan.to_state, comment, detail=detail(plan, migration_id))
    opened = None
    if plan.deadline in (CLOSE, CLOSE_OPEN, CLOSE_REOPEN):
        deadlines.close_state(session, instance.id, plan.from_state, now)
    if plan.deadline in (OPEN, CLOSE_OPEN) and plan.due is not None:
        opened = deadlines.open_due(session, after, plan.due, now)
    if plan.deadline == CARRY and plan.deadline_id is not None:
        connection(session).execute(update(DEADLINE).where(
            DEADLINE.c.id == plan.deadline_id, DEADLINE.c.closed_at.is_(None)).values(
            state=plan.to_state))
    if plan.deadline in (REOPEN, CLOSE_REOPEN) and plan.deadline_id is not None:
        connection(session).execute(update(DEADLINE).where(
            DEADLINE.c.id == plan.deadline_id).values(closed_at=null(), state=plan.to_state))
    return after, opened


def event(session: Session, after: InstanceSnapshot, new: WorkflowDefinition,
          plan: InstancePlan, actor: Actor, trigger: str, comment: str | None, now: datetime,
          opened: OpenedDeadline | None) -> ActionEvent:
    """What the listeners hear of a migration: an action of kind :data:`KIND` that entered
    the target state and opened ``opened`` (reminders are planned as for any entry)."""
    return ActionEvent(session, after, new, KIND, trigger, plan.from_state, plan.to_state,
                       actor, comment, now, opened)
