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

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

import engine.deadlines as deadlines
from config.messages import Message
from engine.contracts import (
    ActionEvent,
    Actor,
    DeadlinePolicy,
    DueDate,
    InstanceSnapshot,
    OpenedDeadline,
)
from engine.definition import WorkflowDefinition
from engine.errors import ConflictError
from engine.ledger import LOCK_INSTANCE, append_history
from engine.records import INSTANCE, connection, read_instance

#: The kind of history entry a migration (or its revert) writes.
KIND = "migration"
MIGRATE, REVERT = "migrate", "revert"
#: What a plan does with an instance.
APPLY, SKIP, REFUSE = "apply", "skip", "refuse"
#: Why an instance is skipped.
FINAL, SAME_VERSION = "final", "same_version"
#: What happens to deadlines: the open one stays, closes, a new one opens, or both.
KEEP, CLOSE, OPEN, CLOSE_OPEN, NONE = "keep", "close", "open", "close+open", "none"

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
    stays), ``due`` the deadline opened there (when ``deadline`` opens one).
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
    return dataclasses.replace(plan, required=required)


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
                 changed: Message | None) -> InstancePlan:
    """The way back for a revert: ``current`` returns to ``state`` of ``new`` (the version it
    was migrated from), in it since ``entered_at`` as it was; refused with ``changed`` when
    the instance changed since the migration."""
    plan = InstancePlan(
        current.id, current.definition_key, current.subject, current.cycle, current.version,
        current.definition_version, current.state, current.entered_at, new.version, state,
        APPLY, entered_at if state != current.state else current.entered_at, restoring=True,
        orphaned=tuple(sorted(d for d in submitted if d not in new.deliverables)))
    if changed is not None:
        return dataclasses.replace(plan, action=REFUSE, refusal=changed)
    return plan


def plan_deadline(session: Session, policy: DeadlinePolicy, new: WorkflowDefinition,
                  plan: InstancePlan, open_in: set[str], now: datetime) -> InstancePlan:
    """What the plan does to deadlines: the open one of the state left closes, and the state
    entered gets the one the deadline policy gives it (counted from when it is entered: now,
    or when it was entered before, for a revert or a state that stays). ``open_in``: the
    states the instance has an open deadline in."""
    if plan.action != APPLY:
        return plan
    entered = now if plan.state_changes and not plan.restoring else plan.entered_at
    after = InstanceSnapshot(plan.instance_id, new.key, new.version, plan.subject, plan.cycle,
                             plan.to_state, plan.instance_version + 1, entered, None)
    due = policy(session, after, plan.to_state,
                 deadlines.definition_due(new, plan.to_state, entered))
    has_open = plan.from_state in open_in
    if not plan.state_changes:
        if has_open:
            return dataclasses.replace(plan, entered_at=entered,
                                       deadline=KEEP if due is not None else CLOSE)
        return dataclasses.replace(plan, entered_at=entered, deadline=OPEN if due else NONE,
                                   due=due)
    if has_open:
        action = CLOSE_OPEN if due is not None else CLOSE
    else:
        action = OPEN if due is not None else NONE
    return dataclasses.replace(plan, entered_at=entered, deadline=action, due=due)


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
    if plan.deadline in (CLOSE, CLOSE_OPEN):
        deadlines.close_state(session, instance.id, plan.from_state, now)
    if plan.deadline in (OPEN, CLOSE_OPEN) and plan.due is not None:
        opened = deadlines.open_due(session, after, plan.due, now)
    return after, opened


def event(session: Session, after: InstanceSnapshot, new: WorkflowDefinition,
          plan: InstancePlan, actor: Actor, trigger: str, comment: str | None, now: datetime,
          opened: OpenedDeadline | None) -> ActionEvent:
    """What the listeners hear of a migration: an action of kind :data:`KIND` that entered
    the target state and opened ``opened`` (reminders are planned as for any entry)."""
    return ActionEvent(session, after, new, KIND, trigger, plan.from_state, plan.to_state,
                       actor, comment, now, opened)
