"""Guards: named conditions a definition attaches to transitions.

A guard answers *why not*: it returns ``None`` when the condition holds and a sentence for the
person acting when it does not ("3 of 12 parties have not submitted the questionnaire: ..."). The
engine collects those sentences into :class:`~engine.errors.GuardFailed`, so a refused
transition always says what to do. Guards read; they never write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config.messages import Message
from engine.conditions import (
    Condition,
    PartiesReader,
    arg_problems,
    bind,
    engine_conditions,
    spell,
)
from engine.context import TransitionContext
from engine.definition import WorkflowDefinition

#: A guard's answer: ``None`` when it holds, else why not (a catalogue message, written in the
#: reader's language, or a sentence).
Guard = Callable[[TransitionContext], Message | str | None]


@dataclass(frozen=True)
class GuardInfo:
    name: str
    description: str  # what holds, as a catalogue key (or a sentence): "not while ..." uses it
    check: Guard


class GuardRegistry(Mapping[str, GuardInfo]):
    """The guards a program offers to its definitions (an allow-list: nothing else runs).

    Besides named Python guards it holds the conditions a definition may name with arguments
    (:mod:`engine.conditions`): the engine's own, plus any the program registers. ``parameters``
    are the programme values a condition's count may name (``{param: max_review_rounds}``);
    ``parties`` reads the parties of an instance (without it there is no
    ``all_parties_submitted``); ``date`` wraps a date put in a message."""

    def __init__(self, parameters: Mapping[str, object] | None = None,
                 parties: PartiesReader | None = None,
                 date: Callable[[datetime], object] = lambda at: at.date().isoformat()) -> None:
        self._guards: dict[str, GuardInfo] = {}
        self.parameters: Mapping[str, object] = dict(parameters or {})
        self.conditions: dict[str, Condition] = {
            c.name: c for c in engine_conditions(parties, date)}
        self._built: dict[str, GuardInfo] = {}

    def register(self, name: str, description: str) -> Callable[[Guard], Guard]:
        """Decorator: ``@registry.register("all_in", "every party has submitted")``."""

        def add(check: Guard) -> Guard:
            if name in self._guards:
                raise ValueError(f"guard {name!r} is registered twice")
            self._guards[name] = GuardInfo(name, description, check)
            return check

        return add

    def register_condition(self, condition: Condition) -> None:
        """Offer a parameterised condition reading the program's own data."""
        if condition.name in self.conditions:
            raise ValueError(f"condition {condition.name!r} is registered twice")
        self.conditions[condition.name] = condition

    def problems(self, entry: object, definition: WorkflowDefinition) -> list[str]:
        """What is wrong with one ``guards``/``unless`` entry of ``definition`` (empty: fine)."""
        if isinstance(entry, str):
            if entry in self._guards:
                return []
            known = sorted(self._guards) + sorted(self.conditions)
            return [f"unknown guard {entry!r} (known: {', '.join(known)})"]
        if not (isinstance(entry, Mapping) and len(entry) == 1):
            return [f"{entry!r}: write a guard's name or one {{condition: {{argument: value}}}}"]
        [(name, raw)] = entry.items()
        if name not in self.conditions:
            return [f"unknown condition {name!r} "
                    f"(known: {', '.join(sorted(self.conditions)) or 'none'})"]
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            return [f"{name}: give its arguments as a mapping {{argument: value}}"]
        return list(arg_problems(self.conditions[name], raw, definition, self.parameters))

    def resolve(self, entry: str | Mapping[str, Any]) -> GuardInfo:
        """The guard of one checked entry: a registered guard, or a condition built with its
        arguments (once per spelling: machines are cached, conditions are pure)."""
        if isinstance(entry, str):
            return self._guards[entry]
        key = json.dumps(entry, sort_keys=True)
        if key not in self._built:
            [(name, raw)] = entry.items()
            condition = self.conditions[name]
            args = bind(condition, raw or {}, self.parameters)
            self._built[key] = GuardInfo(spell(entry), args["description"] or condition.description,
                                         condition.build(args))
        return self._built[key]

    def __getitem__(self, name: str) -> GuardInfo:
        return self._guards[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._guards)

    def __len__(self) -> int:
        return len(self._guards)
