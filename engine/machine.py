"""One ``transitions`` machine per definition version, shared by every instance.

Building a machine costs far more than firing one, and registering models on a machine grows
without bound, so machines are built once per ``(key, version, digest)`` with ``model=None``
and fired with a short-lived :class:`~engine.context.TransitionContext` as the model. Guards
become condition callables that record *why* they failed on that context.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any, cast

from transitions import EventData, Machine, MachineError

from config.messages import Message, word
from engine.context import TransitionContext
from engine.definition import LoadedDefinition, TransitionSpec
from engine.errors import TransitionNotAllowed
from engine.guards import Guard, GuardInfo, GuardRegistry
from engine.permissions import RoleNames

Condition = Callable[[EventData], bool]


class MachineCache:
    """Builds and keeps the machine of each published definition version."""

    def __init__(self, guards: GuardRegistry) -> None:
        self._guards = guards
        self._machines: dict[tuple[str, int, str], Machine] = {}
        self._lock = Lock()

    def get(self, loaded: LoadedDefinition) -> Machine:
        d = loaded.definition
        key = (d.key, d.version, loaded.sha256)
        machine = self._machines.get(key)
        if machine is None:
            with self._lock:
                machine = self._machines.get(key) or self._build(loaded)
                self._machines[key] = machine
        return machine

    def __len__(self) -> int:
        return len(self._machines)

    def fire(self, loaded: LoadedDefinition, trigger: str, ctx: TransitionContext) -> bool:
        """Fire ``trigger`` on ``ctx``; False when no transition's conditions hold."""
        try:
            return bool(self.get(loaded).events[trigger].trigger(ctx))
        except MachineError as exc:  # the runtime checked the candidates: a definition bug
            raise TransitionNotAllowed(str(exc)) from exc

    def _build(self, loaded: LoadedDefinition) -> Machine:
        d = loaded.definition
        return Machine(
            model=None,
            states=list(d.states),
            initial=d.initial,
            transitions=[self._transition(i, t) for i, t in enumerate(d.transitions)],
            auto_transitions=False,
            model_attribute="state",
            send_event=True,
        )

    def _transition(self, index: int, spec: TransitionSpec) -> dict[str, Any]:
        # Roles are checked per transition, not only per trigger: when branches of one trigger
        # allow different roles, a role must never reach a branch that is not its own.
        roles = frozenset(spec.roles)
        checks: list[Guard] = []
        if not spec.skip_requirements:
            checks.append(lambda ctx: ctx.missing_requirements())
        if spec.comment == "required":
            checks.append(lambda ctx: ctx.comment_missing())
        if spec.review is not None:
            deliverable = spec.review.deliverable
            checks.append(lambda ctx: ctx.nothing_to_review(deliverable))
        checks += [self._guards.resolve(entry).check for entry in spec.guards]
        unless = [_named_unless(self._guards.resolve(entry)) for entry in spec.unless]
        return {
            "trigger": spec.trigger,
            "source": list(spec.sources),
            "dest": spec.dest,
            "conditions": [_all_of(roles, spec, checks)],
            "unless": unless,
            "after": [_mark_fired(index)],
        }


def _all_of(roles: frozenset[str], spec: TransitionSpec, checks: list[Guard]) -> Condition:
    """One condition running every check, so a refusal lists every reason, not the first.

    The step a refused role may not take is named when the refusal is made, by labels that
    write themselves in the reader's language: the machine is built once and cached, so
    nothing worded here may be fixed in the language of whoever came first."""

    def condition(event: EventData) -> bool:
        ctx = cast(TransitionContext, event.model)
        ctx.transition = event.transition
        if ctx.actor.role not in roles:
            d = ctx.definition
            path = spec.label or Message(
                "engine.step", action=d.transition_label(spec),
                stage=d.states[spec.dest].label or d.state_label(spec.dest))
            return ctx.record(Message("engine.only_roles_path", path=path,
                                      roles=RoleNames(roles, d)))
        results = [ctx.record(check(ctx)) for check in checks]
        return all(results)

    return condition


def _mark_fired(index: int) -> Callable[[EventData], None]:
    # Several transitions may share a trigger; the runtime needs the one that actually fired.
    def after(event: EventData) -> None:
        cast(TransitionContext, event.model).fired_index = index

    return after


def _named_unless(info: GuardInfo) -> Condition:
    # transitions blocks an "unless" transition when the callable answers True, i.e. when the
    # guard holds; the recorded reason only surfaces if no transition of the trigger fires.
    def condition(event: EventData) -> bool:
        ctx = cast(TransitionContext, event.model)
        ctx.transition = event.transition
        holds = info.check(ctx) is None
        if holds:
            ctx.record(Message("engine.not_while", condition=word(info.description)))
        return holds

    return condition
