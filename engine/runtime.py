"""The runtime: start instances, fire triggers, record submissions, in the caller's transaction.

Every method takes the session of the current unit of work (see
:meth:`engine.database.Database.transaction`) and writes the state change, its history row and
whatever the action schedules (deadlines, review decisions, the next cycle, rows added by
listeners) into it, so an action commits whole or not at all. Nothing here commits.

The hot path is plain SQL on the SQLModel tables: one read of the instance, a guarded UPDATE
that checks the version it read (the optimistic lock), one INSERT for history.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from transitions import MachineError

from engine.definition import LoadedDefinition, TransitionSpec, WorkflowDefinition, load_definition
from engine.errors import (
    ConflictError,
    DefinitionError,
    GuardFailed,
    InvalidInputError,
    NotFoundError,
    SmartCityError,
    TransitionNotAllowed,
)
from engine.guards import GuardRegistry
from engine.machine import MachineCache
from engine.models import (
    Deadline,
    DefinitionRecord,
    HistoryEntry,
    ReviewDecision,
    Submission,
    WorkflowInstance,
)
from engine.permissions import Actor, check_role, check_scope

Clock = Callable[[], datetime]

_INSTANCE = WorkflowInstance.__table__  # type: ignore[attr-defined]
_HISTORY = HistoryEntry.__table__  # type: ignore[attr-defined]
_SUBMISSION = Submission.__table__  # type: ignore[attr-defined]
_REVIEW = ReviewDecision.__table__  # type: ignore[attr-defined]
_DEADLINE = Deadline.__table__  # type: ignore[attr-defined]
_DEFINITION = DefinitionRecord.__table__  # type: ignore[attr-defined]

# The hot path's statements are built once: building and cache-keying a statement per call
# costs more than the database round trip (see bench/transitions_rate.py).
_SNAPSHOT_COLUMNS = (
    _INSTANCE.c.id, _INSTANCE.c.definition_key, _INSTANCE.c.definition_version,
    _INSTANCE.c.subject, _INSTANCE.c.cycle, _INSTANCE.c.state, _INSTANCE.c.version,
    _INSTANCE.c.entered_at, _INSTANCE.c.predecessor_id,
)
_READ_INSTANCE = select(*_SNAPSHOT_COLUMNS).where(_INSTANCE.c.id == bindparam("iid"))
# Submissions wait for each other instead of conflicting: several OPDs of one region submit
# at the same time before a deadline, and none of them changes the state. (SQLite ignores
# FOR UPDATE; its BEGIN IMMEDIATE already queues writers.)
_LOCK_INSTANCE = _READ_INSTANCE.with_for_update()
_BUMP_WHERE = (_INSTANCE.c.id == bindparam("iid"), _INSTANCE.c.version == bindparam("seen"))
_BUMP = update(_INSTANCE).where(*_BUMP_WHERE).values(
    version=bindparam("new_version"), updated_at=bindparam("now"))
_MOVE = update(_INSTANCE).where(*_BUMP_WHERE).values(
    state=bindparam("new_state"), version=bindparam("new_version"), updated_at=bindparam("now"),
    entered_at=bindparam("now"))
_INSERT_HISTORY = insert(_HISTORY)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class InstanceSnapshot:
    """An instance as read at the start of an action."""

    id: int
    definition_key: str
    definition_version: int
    subject: str
    cycle: int
    state: str
    version: int
    entered_at: datetime
    predecessor_id: int | None


@dataclass(frozen=True)
class ActionEvent:
    """What a completed action did; listeners add their own rows in the same transaction."""

    session: Session
    instance: InstanceSnapshot
    definition: WorkflowDefinition
    kind: str
    trigger: str
    from_state: str | None
    to_state: str
    actor: Actor
    comment: str | None
    at: datetime


Listener = Callable[[ActionEvent], None]


@dataclass(frozen=True)
class FireResult:
    instance: InstanceSnapshot
    from_state: str
    to_state: str
    successor_id: int | None = None


@dataclass(frozen=True)
class AvailableAction:
    """A trigger from the current state, whether this actor may fire it now, and why not."""

    trigger: str
    label: str
    dests: tuple[str, ...]
    allowed: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmissionInput:
    """A deliverable version's metadata; the caller stores the bytes (by checksum)."""

    deliverable: str
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    party: str = ""
    note: str | None = None


class TransitionContext:
    """The model ``transitions`` fires on: one per action, wrapping the instance read for it.

    Guards receive it and read through it; ``failures`` collects their reasons.
    """

    def __init__(
        self,
        engine: WorkflowEngine,
        session: Session,
        instance: InstanceSnapshot,
        definition: WorkflowDefinition,
        actor: Actor,
        comment: str | None,
        now: datetime,
        trigger: str,
    ) -> None:
        self.engine = engine
        self.session = session
        self.instance = instance
        self.definition = definition
        self.actor = actor
        self.comment = comment
        self.now = now
        self.trigger = trigger
        self.state = instance.state
        self.failures: list[str] = []
        self.transition: Any = None
        self.fired_index = -1
        self._submitted: set[str] | None = None

    def record(self, reason: str | None) -> bool:
        if reason is None:
            return True
        if reason not in self.failures:
            self.failures.append(reason)
        return False

    def submitted_deliverables(self) -> set[str]:
        if self._submitted is None:
            self._submitted = self.engine.submitted_deliverables(self.session, self.instance.id)
        return self._submitted

    def missing_requirements(self) -> str | None:
        required = self.definition.states[self.instance.state].requires
        missing = [r for r in required if r not in self.submitted_deliverables()]
        if not missing:
            return None
        names = ", ".join(f"{self.definition.deliverables[m].label} ({m})" for m in missing)
        return f"still to be submitted: {names}"

    def comment_missing(self) -> str | None:
        if self.comment and self.comment.strip():
            return None
        return f"a comment is required to {self.trigger}: say what must change"

    def nothing_to_review(self, deliverable: str) -> str | None:
        if self.engine.latest_submission(self.session, self.instance.id, deliverable):
            return None
        label = self.definition.deliverables[deliverable].label
        return f"there is no {label} ({deliverable}) to review yet"


@dataclass
class WorkflowEngine:
    """Runs published workflow definitions for persisted instances."""

    guards: GuardRegistry
    clock: Clock = utcnow
    listeners: list[Listener] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._machines = MachineCache(self.guards)
        self._definitions: dict[tuple[str, int], LoadedDefinition] = {}

    # -- definitions ---------------------------------------------------------------------

    def publish(self, session: Session, loaded: LoadedDefinition) -> bool:
        """Store a definition version; True if new. A version never changes once published."""
        d = loaded.definition
        existing = session.execute(
            select(_DEFINITION.c.sha256).where(
                _DEFINITION.c.key == d.key, _DEFINITION.c.version == d.version
            )
        ).scalar_one_or_none()
        if existing == loaded.sha256:
            return False
        if existing is not None:
            raise DefinitionError(
                f"{d.key} v{d.version}",
                [f"version {d.version} of {d.key!r} is already published with different "
                 "content; running instances depend on it, so give the change a new version"],
            )
        session.execute(insert(_DEFINITION).values(
            key=d.key, version=d.version, title=d.title, source_text=loaded.source_text,
            sha256=loaded.sha256, published_at=self.clock(),
        ))
        return True

    def definition(
        self, session: Session, key: str, version: int | None = None
    ) -> LoadedDefinition:
        """A published definition; the latest version when ``version`` is None."""
        if version is None:
            version = session.execute(
                select(func.max(_DEFINITION.c.version)).where(_DEFINITION.c.key == key)
            ).scalar_one_or_none()
            if version is None:
                published = ", ".join(self.definition_keys(session))
                raise NotFoundError(
                    f"no workflow {key!r} is published; "
                    + (f"published: {published}" if published else "run 'smartcity init'")
                )
        cached = self._definitions.get((key, version))
        if cached is not None:
            return cached
        text = session.execute(
            select(_DEFINITION.c.source_text).where(
                _DEFINITION.c.key == key, _DEFINITION.c.version == version
            )
        ).scalar_one_or_none()
        if text is None:
            raise NotFoundError(f"workflow {key!r} has no published version {version}")
        loaded = load_definition(text, f"{key} v{version}", self.guards)
        self._definitions[(key, version)] = loaded
        return loaded

    def definition_keys(self, session: Session) -> list[str]:
        """Every published workflow key."""
        return list(session.execute(
            select(_DEFINITION.c.key).distinct().order_by(_DEFINITION.c.key)
        ).scalars())

    def definition_versions(self, session: Session, key: str) -> list[int]:
        return list(session.execute(
            select(_DEFINITION.c.version).where(_DEFINITION.c.key == key)
            .order_by(_DEFINITION.c.version)
        ).scalars())

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
        loaded = self.definition(session, key)
        d = loaded.definition
        taken = session.execute(select(_INSTANCE.c.id).where(
            _INSTANCE.c.definition_key == key, _INSTANCE.c.subject == subject,
            _INSTANCE.c.cycle == cycle,
        )).scalar_one_or_none()
        if taken is not None:
            raise ConflictError(f"{subject} already runs {key!r} cycle {cycle}")
        first = state or d.initial
        if first not in d.states:
            raise DefinitionError(
                f"{key} v{d.version}",
                [f"cannot start {subject} in {first!r}: the state does not exist in this "
                 "version; publish a version that has it or change the successor's start"],
            )
        now = self.clock()
        instance_id = session.execute(insert(_INSTANCE).values(
            definition_key=key, definition_version=d.version, subject=subject, cycle=cycle,
            predecessor_id=predecessor_id, state=first, version=1, created_at=now,
            updated_at=now, entered_at=now,
        ).returning(_INSTANCE.c.id)).scalar_one()
        snapshot = InstanceSnapshot(instance_id, key, d.version, subject, cycle, first, 1, now,
                                    predecessor_id)
        self._append_history(session, snapshot, 1, now, actor, "start", trigger, None, first, None)
        self._open_deadline(session, d, instance_id, first, now)
        self._notify(ActionEvent(session, snapshot, d, "start", trigger, None, first, actor,
                                 None, now))
        return snapshot

    def get_instance(self, session: Session, instance_id: int) -> InstanceSnapshot:
        return _read(session.connection(), instance_id)

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
        instance = _read(_conn(session), instance_id)
        if expected_version is not None and expected_version != instance.version:
            raise _stale(instance, expected_version)
        loaded = self.definition(session, instance.definition_key, instance.definition_version)
        d = loaded.definition
        self._authorize(d, instance, trigger, actor)
        now = self.clock()
        ctx = TransitionContext(self, session, instance, d, actor, comment, now, trigger)
        try:
            fired = self._machines.get(loaded).events[trigger].trigger(ctx)
        except MachineError as exc:  # candidates were checked, so this is a definition bug
            raise TransitionNotAllowed(str(exc)) from exc
        if not fired:
            raise GuardFailed(trigger, ctx.failures or ["its conditions are not met"])
        spec = d.transitions[ctx.fired_index]
        return self._apply(session, d, instance, spec, actor, comment, now)

    def available(self, session: Session, instance_id: int, actor: Actor) -> list[AvailableAction]:
        """What ``actor`` could do now: every trigger from the current state, with reasons."""
        instance = self.get_instance(session, instance_id)
        loaded = self.definition(session, instance.definition_key, instance.definition_version)
        d = loaded.definition
        machine = self._machines.get(loaded)
        actions = []
        for trigger in d.triggers_from(instance.state):
            specs = d.transitions_for(trigger, instance.state)
            label = specs[0].label or trigger.replace("_", " ")
            dests = tuple(dict.fromkeys(s.dest for s in specs))
            try:
                self._authorize(d, instance, trigger, actor)
            except SmartCityError as exc:  # a refusal becomes the reason shown
                actions.append(AvailableAction(trigger, label, dests, False, (str(exc),)))
                continue
            # A dry run: the machine has no side-effect callbacks, so firing on a throwaway
            # context only evaluates the guards.
            ctx = TransitionContext(self, session, instance, d, actor, "-", self.clock(), trigger)
            ok = bool(machine.events[trigger].trigger(ctx))
            # When one branch fires, the reasons other branches recorded do not apply.
            reasons = () if ok else tuple(ctx.failures)
            actions.append(AvailableAction(trigger, label, dests, ok, reasons))
        return actions

    # -- submissions and reviews -----------------------------------------------------------

    def submit(
        self,
        session: Session,
        instance_id: int,
        actor: Actor,
        item: SubmissionInput,
        *,
        expected_version: int | None = None,
    ) -> int:
        """Record a new version of a deliverable; returns the version number."""
        instance = _read(_conn(session), instance_id, lock=True)
        if expected_version is not None and expected_version != instance.version:
            raise _stale(instance, expected_version)
        d = self.definition(session, instance.definition_key,
                            instance.definition_version).definition
        spec = d.deliverables.get(item.deliverable)
        if spec is None:
            raise InvalidInputError(
                f"unknown deliverable {item.deliverable!r}; workflow {d.key!r} takes: "
                f"{', '.join(d.deliverables)}"
            )
        check_scope(d, instance.subject, actor)
        check_role(f"submit {spec.label}", spec.submitted_by, actor)
        if instance.state not in spec.during:
            during = ", ".join(d.state_label(s) for s in spec.during)
            raise TransitionNotAllowed(
                f"{spec.label} is accepted during {during}; {instance.subject} is in "
                f"{d.state_label(instance.state)}"
            )
        party = item.party
        if spec.per_party and not party:
            raise InvalidInputError(f"{spec.label} is submitted per party: say which one")
        if not spec.per_party:
            party = ""
        now = self.clock()
        version = 1 + (session.execute(select(func.max(_SUBMISSION.c.version)).where(
            _SUBMISSION.c.instance_id == instance.id,
            _SUBMISSION.c.deliverable == item.deliverable, _SUBMISSION.c.party == party,
        )).scalar_one_or_none() or 0)
        new_version = self._bump(session, instance, instance.state, now, state_changed=False)
        session.execute(insert(_SUBMISSION).values(
            instance_id=instance.id, deliverable=item.deliverable, party=party, version=version,
            state=instance.state, file_name=item.file_name, media_type=item.media_type,
            size_bytes=item.size_bytes, sha256=item.sha256, note=item.note,
            submitted_by=actor.identity, role=actor.role, submitted_at=now,
        ))
        who = f" for {party}" if party else ""
        self._append_history(
            session, instance, new_version, now, actor, "submission", item.deliverable,
            instance.state, instance.state, item.note,
            detail=f"{item.deliverable} v{version}{who}: {item.file_name}"[:300],
        )
        after = dataclasses.replace(instance, version=new_version)
        self._notify(ActionEvent(session, after, d, "submission", item.deliverable,
                                 instance.state, instance.state, actor, item.note, now))
        return version

    def submitted_deliverables(self, session: Session, instance_id: int) -> set[str]:
        return set(session.execute(
            select(_SUBMISSION.c.deliverable).where(_SUBMISSION.c.instance_id == instance_id)
            .distinct()
        ).scalars())

    def latest_submission(
        self, session: Session, instance_id: int, deliverable: str, party: str = ""
    ) -> Any:
        """The newest version row of a deliverable (from ``party``), or None."""
        return session.execute(
            select(_SUBMISSION).where(
                _SUBMISSION.c.instance_id == instance_id,
                _SUBMISSION.c.deliverable == deliverable, _SUBMISSION.c.party == party,
            ).order_by(_SUBMISSION.c.version.desc()).limit(1)
        ).one_or_none()

    def reviews(self, session: Session, instance_id: int, deliverable: str) -> Sequence[Any]:
        """Review decisions on a deliverable, by round."""
        return session.execute(
            select(_REVIEW).where(
                _REVIEW.c.instance_id == instance_id, _REVIEW.c.deliverable == deliverable
            ).order_by(_REVIEW.c.round)
        ).all()

    # -- internals -----------------------------------------------------------------------

    def _authorize(
        self, d: WorkflowDefinition, instance: InstanceSnapshot, trigger: str, actor: Actor
    ) -> list[TransitionSpec]:
        check_scope(d, instance.subject, actor)
        candidates = d.transitions_for(trigger, instance.state)
        if not candidates:
            possible = d.triggers_from(instance.state)
            if not any(t.trigger == trigger for t in d.transitions):
                raise TransitionNotAllowed(
                    f"unknown action {trigger!r} in workflow {d.key!r}; possible now: "
                    f"{', '.join(possible) or 'none'}"
                )
            raise TransitionNotAllowed(
                f"cannot {trigger} {instance.subject}: it is in "
                f"{d.state_label(instance.state)}; possible now: {', '.join(possible) or 'none'}"
            )
        roles = {r for t in candidates for r in t.roles}
        check_role(trigger.replace("_", " "), roles, actor)
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
    ) -> FireResult:
        source, dest = instance.state, spec.dest
        changed = source != dest
        new_version = self._bump(session, instance, dest, now, state_changed=changed)
        self._append_history(session, instance, new_version, now, actor, "transition",
                             spec.trigger, source, dest, comment)
        if spec.review is not None:
            self._record_review(session, instance, spec, actor, comment, now)
        if changed and d.states[source].deadline is not None:
            session.execute(update(_DEADLINE).where(
                _DEADLINE.c.instance_id == instance.id, _DEADLINE.c.state == source,
                _DEADLINE.c.closed_at.is_(None),
            ).values(closed_at=now))
        if changed:
            self._open_deadline(session, d, instance.id, dest, now)
        after = InstanceSnapshot(
            instance.id, instance.definition_key, instance.definition_version, instance.subject,
            instance.cycle, dest, new_version, now if changed else instance.entered_at,
            instance.predecessor_id,
        )
        self._notify(ActionEvent(session, after, d, "transition", spec.trigger, source, dest,
                                 actor, comment, now))
        successor_id = None
        if spec.successor is not None:
            successor_id = self.start(
                session, instance.definition_key, instance.subject, actor,
                cycle=instance.cycle + 1, predecessor_id=instance.id,
                state=spec.successor.start, trigger=spec.trigger,
            ).id
        return FireResult(after, source, dest, successor_id)

    def _bump(
        self, session: Session, instance: InstanceSnapshot, state: str, now: datetime,
        *, state_changed: bool,
    ) -> int:
        params = {"iid": instance.id, "seen": instance.version,
                  "new_version": instance.version + 1, "now": now, "new_state": state}
        statement = _MOVE if state_changed else _BUMP
        result = _conn(session).execute(statement, params)
        if result.rowcount != 1:
            raise ConflictError(
                f"{instance.subject} was changed by someone else while you acted; "
                "check its status and try again"
            )
        return instance.version + 1

    def _append_history(
        self, session: Session, instance: InstanceSnapshot, seq: int, at: datetime,
        actor: Actor, kind: str, trigger: str, from_state: str | None, to_state: str,
        comment: str | None, *, detail: str | None = None,
    ) -> None:
        _conn(session).execute(_INSERT_HISTORY, {
            "instance_id": instance.id, "seq": seq, "at": at, "actor": actor.identity,
            "role": actor.role, "kind": kind, "trigger": trigger, "from_state": from_state,
            "to_state": to_state, "comment": comment, "detail": detail,
        })

    def _record_review(
        self, session: Session, instance: InstanceSnapshot, spec: TransitionSpec, actor: Actor,
        comment: str | None, now: datetime,
    ) -> None:
        assert spec.review is not None
        deliverable = spec.review.deliverable
        latest = self.latest_submission(session, instance.id, deliverable)
        rounds = session.execute(select(func.count()).select_from(_REVIEW).where(
            _REVIEW.c.instance_id == instance.id, _REVIEW.c.deliverable == deliverable,
        )).scalar_one()
        session.execute(insert(_REVIEW).values(
            instance_id=instance.id, deliverable=deliverable, submission_id=latest.id,
            round=rounds + 1, decision=spec.review.decision, comment=comment,
            reviewer=actor.identity, decided_at=now,
        ))

    def _open_deadline(
        self, session: Session, d: WorkflowDefinition, instance_id: int, state: str,
        now: datetime,
    ) -> None:
        spec = d.states[state].deadline
        if spec is None:
            return
        session.execute(insert(_DEADLINE).values(
            instance_id=instance_id, state=state, due_at=now + timedelta(days=spec.days),
            origin="definition", created_at=now,
        ))

    def _notify(self, event: ActionEvent) -> None:
        for listener in self.listeners:
            listener(event)

    # -- notes (added for workflows/deadlines.py) -------------------------------------------

    def note(
        self, session: Session, instance_id: int, actor: Actor, trigger: str,
        comment: str | None, detail: str | None = None, *, kind: str = "note",
    ) -> InstanceSnapshot:
        """Record something done about an instance that is not a transition (a deadline set,
        an extension requested or decided) as a history entry; the state does not change.

        The caller checks permissions. Bumps the instance version like any action (so a
        concurrent action conflicts) and notifies no listener. Returns the instance after.
        """
        instance = _read(_conn(session), instance_id, lock=True)
        now = self.clock()
        new_version = self._bump(session, instance, instance.state, now, state_changed=False)
        self._append_history(session, instance, new_version, now, actor, kind, trigger,
                             instance.state, instance.state, comment,
                             detail=detail[:300] if detail else None)
        return dataclasses.replace(instance, version=new_version)


def _conn(session: Session) -> Connection:
    # Session.connection() walks the session's transaction state on every call; the hot path
    # asks several times per action, so the answer is kept on the session for its lifetime.
    conn = session.info.get("engine.conn")
    if conn is None or conn.closed:
        conn = session.info["engine.conn"] = session.connection()
    return conn


def _read(conn: Connection, instance_id: int, *, lock: bool = False) -> InstanceSnapshot:
    row = conn.execute(_LOCK_INSTANCE if lock else _READ_INSTANCE,
                       {"iid": instance_id}).one_or_none()
    if row is None:
        raise NotFoundError(f"workflow instance {instance_id} does not exist")
    return InstanceSnapshot(*row)


def _stale(instance: InstanceSnapshot, expected: int) -> SmartCityError:
    if expected < 1 or expected > instance.version:
        return InvalidInputError(
            f"{instance.subject} has no version {expected} (versions run from 1 to "
            f"{instance.version}); use the version shown by its status"
        )
    return ConflictError(
        f"{instance.subject} changed since you looked (version {expected}, now "
        f"{instance.version}, in {instance.state}); reload and try again"
    )
