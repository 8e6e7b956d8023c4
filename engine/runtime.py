"""The runtime: start instances, fire triggers, record submissions, in the caller's transaction.

Every method takes the session of the current unit of work (see
:meth:`engine.database.Database.transaction`) and writes the state change, its history row and
whatever the action schedules (deadlines, review decisions, the next cycle, rows added by
listeners) into it, so an action commits whole or not at all. Nothing here commits.

The hot path is plain SQL on the engine's tables: one read of the instance, a guarded UPDATE
that checks the version it read (the optimistic lock), one INSERT for history
(:mod:`engine.ledger`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

import engine.deadlines as deadlines
import engine.refusals as refusals
from config.messages import InSentence, Message
from engine.context import TransitionContext
from engine.contracts import (
    ActionEvent,
    Actor,
    AvailableAction,
    Clock,
    DeadlineChange,
    DeadlinePolicy,
    DueDate,
    FireResult,
    InstanceSnapshot,
    Listener,
    SubmissionInput,
    Wording,
    definition_days,
    utcnow,
)
from engine.definition import Label, LoadedDefinition, TransitionSpec, WorkflowDefinition
from engine.errors import (
    ConflictError,
    DefinitionError,
    GuardFailed,
    InvalidInputError,
    WorkflowError,
)
from engine.guards import GuardRegistry

if TYPE_CHECKING:
    from engine.machine import MachineCache
from engine.ledger import LOCK_INSTANCE, append_history, bump, record_review, stale
from engine.migrating import Migrations
from engine.models import Submission
from engine.permissions import check_role, check_scope
from engine.published import DefinitionStore
from engine.records import CURRENT_FOR_ACTION, INSTANCE, Records, connection, read_instance

_SUBMISSION = Submission.__table__  # type: ignore[attr-defined]
_COLUMNS = ("instance_id", "deliverable", "party", "version", "state", "file_name",
            "media_type", "size_bytes", "sha256", "note", "submitted_by", "role", "submitted_at")
#: A new version of a deliverable, numbered one past the party's latest, returning its number.
_INSERT_SUBMISSION = insert(_SUBMISSION).from_select(_COLUMNS, select(
    bindparam("iid"), bindparam("deliverable"), bindparam("party"),
    func.coalesce(func.max(_SUBMISSION.c.version), 0) + 1,
    bindparam("state"), bindparam("file_name"), bindparam("media_type"),
    bindparam("size_bytes"), bindparam("sha256"), bindparam("note"),
    bindparam("submitted_by"), bindparam("role"), bindparam("submitted_at"),
).where(_SUBMISSION.c.instance_id == bindparam("iid"),
        _SUBMISSION.c.deliverable == bindparam("deliverable"),
        _SUBMISSION.c.party == bindparam("party"))).returning(_SUBMISSION.c.version)


@dataclass
class WorkflowEngine:
    """Runs published workflow definitions for persisted instances.

    ``deadline_policy`` decides the due date of a state an instance enters (by default the
    definition's relative days); ``wording`` holds the words of messages that belong to the
    programme running the engine.
    """

    guards: GuardRegistry
    clock: Clock = utcnow
    listeners: list[Listener] = field(default_factory=list)
    deadline_policy: DeadlinePolicy = definition_days
    wording: Wording = field(default_factory=Wording)

    def __post_init__(self) -> None:
        self._machine_cache: MachineCache | None = None
        self._store = DefinitionStore(self.guards, lambda: self.clock(), self.wording)

    @property
    def _machines(self) -> MachineCache:
        # Built on the first action: the machines (and the transitions library with them)
        # cost a command that only reads a tenth of a second at start-up for nothing.
        if self._machine_cache is None:
            from engine.machine import MachineCache

            self._machine_cache = MachineCache(self.guards)
        return self._machine_cache

    # -- definitions ---------------------------------------------------------------------

    def publish(self, session: Session, loaded: LoadedDefinition) -> bool:
        """Store a definition version; True if new. A version never changes once published."""
        return self._store.publish(session, loaded)

    def definition(self, session: Session, key: str,
                   version: int | None = None) -> LoadedDefinition:
        """A published definition with its text; the latest version when ``version`` is None."""
        return self._store.get(session, key, version)

    def workflow(self, session: Session, key: str, version: int | None = None
                 ) -> WorkflowDefinition:
        """A published definition (the latest version when ``version`` is None)."""
        return self._store.get(session, key, version).definition

    def definition_for(self, session: Session, instance: InstanceSnapshot) -> WorkflowDefinition:
        """The definition version ``instance`` runs on."""
        return self._store.get(session, instance.definition_key,
                               instance.definition_version).definition

    def definition_keys(self, session: Session) -> list[str]:
        return self._store.keys(session)

    def definition_versions(self, session: Session, key: str) -> list[int]:
        return self._store.versions(session, key)

    # -- instances -----------------------------------------------------------------------

    def start(
        self,
        session: Session,
        key: str,
        subject: str,
        actor: Actor,
        *,
        cycle: int = 1,
        predecessor_id: int | None = None,
        state: str | None = None,
        trigger: str = "start",
    ) -> InstanceSnapshot:
        """Create an instance on the latest version of ``key`` and record its start."""
        d = self.workflow(session, key)
        taken = session.execute(select(INSTANCE.c.id).where(
            INSTANCE.c.definition_key == key, INSTANCE.c.subject == subject,
            INSTANCE.c.cycle == cycle,
        )).scalar_one_or_none()
        if taken is not None:
            raise ConflictError("engine.already_running", subject=subject, workflow=d.title,
                                cycle=cycle)
        first = state or d.initial
        if first not in d.states:
            raise DefinitionError(
                f"{key} v{d.version}",
                [f"cannot start {subject} in {first!r}: the state does not exist in this "
                 "version; publish a version that has it or change the successor's start"],
            )
        now = self.clock()
        instance_id = session.execute(insert(INSTANCE).values(
            definition_key=key, definition_version=d.version, subject=subject, cycle=cycle,
            predecessor_id=predecessor_id, state=first, version=1, created_at=now,
            updated_at=now, entered_at=now,
        ).returning(INSTANCE.c.id)).scalar_one()
        snapshot = InstanceSnapshot(instance_id, key, d.version, subject, cycle, first, 1, now,
                                    predecessor_id)
        append_history(session, snapshot, 1, now, actor, "start", trigger, None, first, None)
        opened = deadlines.open_on_entry(session, self.deadline_policy, d, snapshot, now)
        self._notify(ActionEvent(session, snapshot, d, "start", trigger, None, first, actor,
                                 None, now, opened))
        return snapshot

    def get_instance(self, session: Session, instance_id: int) -> InstanceSnapshot:
        return Records(session).instance(instance_id)

    def fire(
        self,
        session: Session,
        instance_id: int,
        trigger: str,
        actor: Actor,
        *,
        comment: str | None = None,
        expected_version: int | None = None,
    ) -> FireResult:
        """Fire ``trigger`` for ``actor``; raises if refused, writes nothing then."""
        instance, deadline_open = deadlines.read_for_action(session, instance_id)
        if expected_version is not None and expected_version != instance.version:
            raise stale(instance, expected_version)
        loaded = self.definition(session, instance.definition_key, instance.definition_version)
        d = loaded.definition
        self._authorize(d, instance, trigger, actor)
        now = self.clock()
        ctx = TransitionContext(session, instance, d, actor, comment, now, trigger)
        if not self._machines.fire(loaded, trigger, ctx):
            raise GuardFailed(trigger, ctx.failures or [Message("engine.conditions_not_met")],
                              action=ctx.action_label())
        spec = d.transitions[ctx.fired_index]
        return self._apply(session, d, instance, spec, actor, comment, now, deadline_open)

    def available(self, session: Session, instance_id: int, actor: Actor) -> list[AvailableAction]:
        """What ``actor`` could do now: every trigger from the current state, with reasons."""
        instance = self.get_instance(session, instance_id)
        loaded = self.definition(session, instance.definition_key, instance.definition_version)
        d = loaded.definition
        actions = []
        for trigger in d.triggers_from(instance.state):
            specs = d.transitions_for(trigger, instance.state)
            label: Label = specs[0].label or trigger.replace("_", " ")
            dests = tuple(dict.fromkeys(s.dest for s in specs))
            try:
                self._authorize(d, instance, trigger, actor)
            except WorkflowError as exc:  # a refusal becomes the reason shown
                actions.append(AvailableAction(trigger, label, dests, False, (str(exc),)))
                continue
            # A dry run: the machine has no side-effect callbacks, so firing on a throwaway
            # context only evaluates the guards.
            ctx = TransitionContext(session, instance, d, actor, "-", self.clock(), trigger)
            ok = self._machines.fire(loaded, trigger, ctx)
            # When one branch fires, the reasons other branches recorded do not apply.
            reasons = () if ok else tuple(str(f) for f in ctx.failures)
            actions.append(AvailableAction(trigger, label, dests, ok, reasons))
        return actions

    def check_scope(self, definition: WorkflowDefinition, subject: str, actor: Actor) -> None:
        """Refuse unless ``actor`` may act for ``subject`` (the engine's own rule and words)."""
        check_scope(definition, subject, actor, self.wording)

    def submittable(self, session: Session, instance: InstanceSnapshot,
                    actor: Actor) -> list[str]:
        """The deliverables ``actor`` may submit to ``instance`` now, in definition order.

        The checks :meth:`submit` makes (scope, role, state), asked without writing: a page
        offers an upload form where a submission would be accepted and nowhere else, as
        :meth:`available` does for actions.
        """
        d = self.definition_for(session, instance)
        try:
            self.check_scope(d, instance.subject, actor)
        except WorkflowError:
            return []
        return [name for name, spec in d.deliverables.items()
                if actor.role in spec.submitted_by and instance.state in spec.during]

    # -- submissions -----------------------------------------------------------------------

    def current_for_action(self, session: Session, key: str, subject: str
                           ) -> InstanceSnapshot | None:
        """The subject's newest cycle of workflow ``key``, locked for an action in this
        transaction: :meth:`submit` takes it as it is, without reading it again."""
        row = connection(session).execute(
            CURRENT_FOR_ACTION, {"key": key, "subject": subject}).one_or_none()
        return InstanceSnapshot(*row) if row is not None else None

    def submit(
        self,
        session: Session,
        instance: int | InstanceSnapshot,
        actor: Actor,
        item: SubmissionInput,
        *,
        expected_version: int | None = None,
    ) -> int:
        """Record a new version of a deliverable; returns the version number.

        ``instance`` is an id, or a snapshot :meth:`current_for_action` locked in this
        transaction (a stale one is refused by the version check, never written over)."""
        if isinstance(instance, int):
            instance = read_instance(connection(session), LOCK_INSTANCE, instance)
        if expected_version is not None and expected_version != instance.version:
            raise stale(instance, expected_version)
        d = self.definition_for(session, instance)
        spec = d.deliverables.get(item.deliverable)
        if spec is None:
            raise InvalidInputError("engine.unknown_deliverable", name=item.deliverable,
                                    workflow=d.title,
                                    known=[s.label for s in d.deliverables.values()])
        self.check_scope(d, instance.subject, actor)
        party = refusals.check_submission(d, instance, spec, actor, item.party)
        now = self.clock()
        new_version = bump(session, instance, instance.state, now, state_changed=False)
        # The next version number is counted in the INSERT itself (one statement); the bump
        # above holds the instance, so no concurrent submission counts the same.
        version = int(session.execute(_INSERT_SUBMISSION, {
            "iid": instance.id, "deliverable": item.deliverable, "party": party,
            "state": instance.state, "file_name": item.file_name,
            "media_type": item.media_type, "size_bytes": item.size_bytes,
            "sha256": item.sha256, "note": item.note, "submitted_by": actor.identity,
            "role": actor.role, "submitted_at": now}).scalar_one())
        who = f" for {party}" if party else ""
        append_history(
            session, instance, new_version, now, actor, "submission", item.deliverable,
            instance.state, instance.state, item.note,
            detail=f"{item.deliverable} v{version}{who}: {item.file_name}"[:300],
        )
        after = dataclasses.replace(instance, version=new_version)
        self._notify(ActionEvent(session, after, d, "submission", item.deliverable,
                                 instance.state, instance.state, actor, item.note, now))
        return version

    # -- notes and deadlines -----------------------------------------------------------------

    def note(
        self, session: Session, instance_id: int, actor: Actor, trigger: str,
        comment: str | None, detail: str | None = None, *, kind: str = "note",
    ) -> InstanceSnapshot:
        """Record something done about an instance that is not a transition (a deadline set,
        an extension requested or decided) as a history entry; the state does not change.

        The caller checks permissions. Bumps the instance version like any action (so a
        concurrent action conflicts) and notifies no listener. Returns the instance after.
        """
        instance = read_instance(connection(session), LOCK_INSTANCE, instance_id)
        now = self.clock()
        new_version = bump(session, instance, instance.state, now, state_changed=False)
        append_history(session, instance, new_version, now, actor, kind, trigger,
                             instance.state, instance.state, comment,
                             detail=detail[:300] if detail else None)
        return dataclasses.replace(instance, version=new_version)

    def set_deadline(self, session: Session, instance_id: int, state: str,
                     due: DueDate) -> DeadlineChange:
        """Move the instance's open deadline in ``state``, or open one there (version 1)."""
        return deadlines.set_for_state(session, instance_id, state, due, self.clock())

    def move_deadline(self, session: Session, deadline_id: int, due: DueDate) -> int:
        """Give a deadline a new due time and origin; returns its new version."""
        return deadlines.move(session, deadline_id, due)

    # -- migrations ------------------------------------------------------------------------

    @property
    def migrations(self) -> Migrations:
        """Moving running instances to another version: plans, their writes, reverts."""
        return Migrations(self.workflow, self.deadline_policy, self.clock, self._notify)

    # -- internals -----------------------------------------------------------------------

    def _authorize(
        self, d: WorkflowDefinition, instance: InstanceSnapshot, trigger: str, actor: Actor
    ) -> list[TransitionSpec]:
        self.check_scope(d, instance.subject, actor)
        candidates = d.transitions_for(trigger, instance.state)
        if not candidates:
            raise refusals.not_from_here(d, instance, trigger)
        roles = {r for t in candidates for r in t.roles}
        check_role(Message("engine.do_action",
                           action=InSentence(refusals.action_named(d, candidates[0]))),
                   roles, actor, d)
        return candidates

    def _apply(
        self,
        session: Session,
        d: WorkflowDefinition,
        instance: InstanceSnapshot,
        spec: TransitionSpec,
        actor: Actor,
        comment: str | None,
        now: datetime,
        deadline_open: bool,
    ) -> FireResult:
        source, dest = instance.state, spec.dest
        changed = source != dest
        new_version = bump(session, instance, dest, now, state_changed=changed)
        append_history(session, instance, new_version, now, actor, "transition",
                       spec.trigger, source, dest, comment)
        if spec.review is not None:
            record_review(session, instance, spec.review.deliverable, spec.review.decision,
                          actor, comment, now)
        after = InstanceSnapshot(
            instance.id, instance.definition_key, instance.definition_version, instance.subject,
            instance.cycle, dest, new_version, now if changed else instance.entered_at,
            instance.predecessor_id,
        )
        opened = None
        if changed:
            if deadline_open:  # read with the instance: no statement when there is none
                deadlines.close_state(session, instance.id, source, now)
            opened = deadlines.open_on_entry(session, self.deadline_policy, d, after, now)
        self._notify(ActionEvent(session, after, d, "transition", spec.trigger, source, dest,
                                 actor, comment, now, opened))
        successor_id = None
        if spec.successor is not None:
            successor_id = self.start(
                session, instance.definition_key, instance.subject, actor,
                cycle=instance.cycle + 1, predecessor_id=instance.id,
                state=spec.successor.start, trigger=spec.trigger,
            ).id
        return FireResult(after, source, dest, d, successor_id)

    def _notify(self, event: ActionEvent) -> None:
        for listener in self.listeners:
            listener(event)

