"""The engine's migrations of running instances: plan many, apply one, plan the way back.

:mod:`engine.migration` says what migrating one instance means and writes it;
:mod:`engine.migration_log` keeps the batches. This is what the runtime offers around them
(:attr:`engine.runtime.WorkflowEngine.migrations`): the plans of many instances read in a few
statements whatever their number, the revert's plans from a migration's record, and one
instance's plan applied with the listeners told, like any action, in the caller's
transaction. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine.migration as migration
import engine.migration_log as migration_log
from config.messages import Message
from engine.contracts import (
    ActionEvent,
    Actor,
    Clock,
    DeadlinePolicy,
    DeadlineRecord,
    InstanceSnapshot,
)
from engine.definition import WorkflowDefinition
from engine.errors import ConflictError
from engine.records import INSTANCE, SNAPSHOT_COLUMNS, Records

Definitions = Callable[[Session, str, int | None], WorkflowDefinition]


class Migrations:
    """Migrations on the engine's definitions, deadline policy, clock and listeners."""

    def __init__(self, workflow: Definitions, policy: DeadlinePolicy, clock: Clock,
                 notify: Callable[[ActionEvent], None]) -> None:
        self._workflow = workflow
        self._policy = policy
        self._clock = clock
        self._notify = notify

    def _open_in(self, records: Records, ids: list[int]
                 ) -> dict[int, dict[str, DeadlineRecord]]:
        """Each instance's open deadlines by state (one statement)."""
        open_in: dict[int, dict[str, DeadlineRecord]] = {}
        for d in records.open_deadlines(instance_ids=ids) if ids else []:
            open_in.setdefault(d.instance_id, {}).setdefault(d.state, d)
        return open_in

    def plan(self, session: Session, key: str, to_version: int,
             instances: list[InstanceSnapshot], state_map: Mapping[str, str]
             ) -> list[migration.InstancePlan]:
        """What moving ``instances`` of ``key`` to ``to_version`` would do, instance by
        instance, without writing (see :mod:`engine.migration`)."""
        new = self._workflow(session, key, to_version)
        ids = [i.id for i in instances]
        records = Records(session)
        submitted = records.submitted_of(ids)
        open_in = self._open_in(records, ids)
        now = self._clock()
        plans = []
        for instance in instances:
            old = self._workflow(session, key, instance.definition_version)
            plan = migration.plan_instance(old, new, instance, state_map,
                                           {name for name, _ in submitted[instance.id]})
            plans.append(migration.plan_deadline(session, self._policy, new, plan,
                                                 open_in.get(instance.id, {}), now))
        return plans

    def plan_revert(self, session: Session, migration_id: int
                    ) -> tuple[migration_log.MigrationSummary, list[migration.InstancePlan]]:
        """The way back of a recorded migration: each instance it moved returns to the
        version and state it came from (refused for one that changed since). A migration
        partly reverted (some instances conflicted) is planned for those left; a revert is
        not reverted."""
        summary = migration_log.migration(session, migration_id)
        if summary.reverted_of is not None:  # a revert is not reverted: migrate again
            raise ConflictError("migration.revert_of_revert", id=migration_id,
                                of=summary.reverted_of)
        by = migration_log.revert_of(session, migration_id)
        if by is not None and summary.status != migration_log.Status.PARTLY_REVERTED:
            raise ConflictError("migration.already_reverted", id=migration_id, by=by)
        done = migration_log.reverted_instances(session, migration_id) if by else set()
        lines = [line for line in migration_log.lines(session, migration_id)
                 if line.outcome == migration_log.Outcome.DONE
                 and line.instance_id not in done]
        ids = [line.instance_id for line in lines]
        current = {row.id: InstanceSnapshot(*row) for row in session.execute(
            select(*SNAPSHOT_COLUMNS).where(INSTANCE.c.id.in_(ids))).all()} if ids else {}
        records = Records(session)
        submitted = records.submitted_of(ids)
        open_in = self._open_in(records, ids)
        now = self._clock()
        plans = []
        for line in lines:
            instance = current[line.instance_id]
            back = self._workflow(session, summary.definition_key, line.from_version)
            changed = None if instance.version == line.version_after else Message(
                "migration.refused.changed", subject=instance.subject, id=migration_id,
                version=instance.version, after=line.version_after or 0)
            plan = migration.restore_plan(instance, back, line.from_state,
                                          line.from_entered_at,
                                          {name for name, _ in submitted[instance.id]},
                                          changed, undo=line.deadline,
                                          undo_id=line.deadline_id)
            plans.append(migration.plan_deadline(session, self._policy, back, plan,
                                                 open_in.get(instance.id, {}), now))
        return summary, plans

    def apply(self, session: Session, plan: migration.InstancePlan, actor: Actor, *,
              migration_id: int, trigger: str = migration.MIGRATE,
              comment: str | None = None) -> InstanceSnapshot:
        """Apply one instance's plan in the caller's transaction: version, state, deadlines
        and a history entry of kind ``migration``; the listeners hear it like an entry into
        the target state. A conflict when the instance changed since it was planned."""
        new = self._workflow(session, plan.definition_key, plan.to_version)
        now = self._clock()
        after, opened = migration.apply_plan(session, plan, new, actor,
                                             migration_id=migration_id, trigger=trigger,
                                             comment=comment, now=now)
        self._notify(migration.event(session, after, new, plan, actor, trigger, comment, now,
                                     opened))
        return after
