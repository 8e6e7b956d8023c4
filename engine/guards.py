"""Guards: named conditions a definition attaches to transitions.

A guard answers *why not*: it returns ``None`` when the condition holds and a sentence for the
person acting when it does not ("3 of 12 parties have not submitted the questionnaire: ..."). The
engine collects those sentences into :class:`~engine.errors.GuardFailed`, so a refused
transition always says what to do. Guards read; they never write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from config.messages import Message
from engine.context import TransitionContext

#: A guard's answer: ``None`` when it holds, else why not (a catalogue message, written in the
#: reader's language, or a sentence).
Guard = Callable[[TransitionContext], Message | str | None]


@dataclass(frozen=True)
class GuardInfo:
    name: str
    description: str  # what holds, as a catalogue key (or a sentence): "not while ..." uses it
    check: Guard


class GuardRegistry(Mapping[str, GuardInfo]):
    """The guards a program offers to its definitions (an allow-list: nothing else runs)."""

    def __init__(self) -> None:
        self._guards: dict[str, GuardInfo] = {}

    def register(self, name: str, description: str) -> Callable[[Guard], Guard]:
        """Decorator: ``@registry.register("all_in", "every party has submitted")``."""

        def add(check: Guard) -> Guard:
            if name in self._guards:
                raise ValueError(f"guard {name!r} is registered twice")
            self._guards[name] = GuardInfo(name, description, check)
            return check

        return add

    def __getitem__(self, name: str) -> GuardInfo:
        return self._guards[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._guards)

    def __len__(self) -> int:
        return len(self._guards)
