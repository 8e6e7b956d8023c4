"""Workflow definitions: declared as YAML, validated completely before anything runs.

A definition names its states, the transitions between them (trigger, source, dest), the roles
allowed to fire each, guards by name, the deliverables a state requires and relative deadlines.
:func:`load_definition` reports *every* problem at once, each as ``path: reason`` so that the
author can fix a file in one pass; it never raises anything but :class:`DefinitionError`.

A definition is immutable once published: ``(key, version)`` identifies it, and running
instances keep the version they started on.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict, deque
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from engine.errors import DefinitionError

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$", strict=True)
]


class _Spec(BaseModel):
    # extra="forbid" turns a misspelt key ("gaurds") into a reported problem, not a silent no-op.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class RoleSpec(_Spec):
    """A role that may act; ``scoped`` roles act only for the subjects (regions) bound to them."""

    label: str | None = None
    scoped: bool = False


class DeliverableSpec(_Spec):
    """Something submitted with versions: who may submit it and in which states."""

    label: str
    per_party: bool = Field(
        default=False, description="One per party (for example one questionnaire per OPD)."
    )
    submitted_by: list[Identifier] = Field(min_length=1)
    during: list[Identifier] = Field(min_length=1)


class DeadlineSpec(_Spec):
    """A deadline relative to entering the state."""

    days: int = Field(ge=1, le=3650)


class StateSpec(_Spec):
    label: str | None = None
    description: str | None = None
    requires: list[Identifier] = Field(default_factory=list)
    deadline: DeadlineSpec | None = None
    final: bool = False


class ReviewSpec(_Spec):
    """Firing the transition records a review decision on the deliverable's latest version."""

    deliverable: Identifier
    decision: Literal["approved", "rejected"]


class SuccessorSpec(_Spec):
    """Firing the transition starts a new instance (the next cycle), linked to this one."""

    start: Identifier


class TransitionSpec(_Spec):
    trigger: Identifier
    source: Identifier | list[Identifier]
    dest: Identifier
    roles: list[Identifier] = Field(min_length=1)
    label: str | None = None
    guards: list[Identifier] = Field(default_factory=list)
    unless: list[Identifier] = Field(default_factory=list)
    comment: Literal["required", "optional"] = "optional"
    review: ReviewSpec | None = None
    successor: SuccessorSpec | None = None
    skip_requirements: bool = Field(
        default=False,
        description="Leave without the source state's required deliverables (withdrawal).",
    )

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


class WorkflowDefinition(_Spec):
    """A validated workflow definition. Build it with :func:`load_definition`."""

    key: Identifier
    version: int = Field(ge=1)
    title: str
    description: str | None = None
    initial: Identifier
    roles: dict[Identifier, RoleSpec] = Field(min_length=1)
    deliverables: dict[Identifier, DeliverableSpec] = Field(default_factory=dict)
    states: dict[Identifier, StateSpec] = Field(min_length=1)
    transitions: list[TransitionSpec] = Field(min_length=1)

    def triggers_from(self, state: str) -> list[str]:
        """Triggers that leave ``state``, in definition order, without repeats."""
        seen: dict[str, None] = {}
        for t in self.transitions:
            if state in t.sources:
                seen.setdefault(t.trigger, None)
        return list(seen)

    def transitions_for(self, trigger: str, state: str) -> list[TransitionSpec]:
        return [t for t in self.transitions if t.trigger == trigger and state in t.sources]

    def owed(self, state: str, role: str, party: str,
             submitted: Collection[tuple[str, str]]) -> list[str]:
        """The deliverables ``state`` requires from ``role`` that are not submitted yet.

        ``submitted`` holds ``(deliverable, party)`` pairs of the cycle; a per-party
        deliverable is owed by each party (an OPD) on its own, the others once by the
        subject (party ``""``). The one rule behind reminders, the region page and the OPD
        page.
        """
        spec = self.states.get(state)
        owed = []
        for name in spec.requires if spec is not None else []:
            deliverable = self.deliverables[name]
            if role not in deliverable.submitted_by:
                continue
            if (name, party if deliverable.per_party else "") not in submitted:
                owed.append(name)
        return owed

    def state_label(self, state: str) -> str:
        spec = self.states.get(state)
        return (spec.label if spec and spec.label else state.replace("_", " ").capitalize())


class LoadedDefinition(BaseModel):
    """A definition with the text it came from and that text's digest (its identity)."""

    model_config = ConfigDict(frozen=True)

    definition: WorkflowDefinition
    source_text: str
    sha256: str


def load_definition(
    text: str, source: str = "<definition>", guards: Collection[str] | None = None
) -> LoadedDefinition:
    """Parse and validate a YAML definition, or raise :class:`DefinitionError` listing problems.

    ``guards`` is the set of guard names the caller can run; when given, unknown guard names are
    problems too (a definition naming a guard nobody implements would fail at the worst time).
    """
    try:
        raw = _parse_yaml(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(source, [_yaml_problem(exc)]) from None
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML's safe constructors raise these for values such as "2026-02-30" or
        # "!!int abc", and deep nesting exhausts the stack.
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise DefinitionError(source, [f"(yaml): not a valid value: {reason}"]) from None
    if not isinstance(raw, dict):
        kind = type(raw).__name__ if raw is not None else "an empty document"
        raise DefinitionError(source, [f"(top): expected a mapping with key, version, "
                                       f"states and transitions, got {kind}"])
    try:
        definition = WorkflowDefinition.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(source, [_pydantic_problem(e) for e in exc.errors()]) from None
    problems = list(_semantic_problems(definition, guards))
    if problems:
        raise DefinitionError(source, problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedDefinition(definition=definition, source_text=text, sha256=digest)


def load_definition_file(path: Path, guards: Collection[str] | None = None) -> LoadedDefinition:
    """:func:`load_definition` for a file; an unreadable file is a :class:`DefinitionError` too."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DefinitionError(str(path), [f"(file): cannot read: {reason}"]) from None
    return load_definition(text, str(path), guards)


class _StrictConstructor:
    """Refuses a key given twice in one mapping (plain YAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r}", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_StrictConstructor, yaml.SafeLoader):
    pass


# The C parser when PyYAML has it: several times faster on every command that loads a
# definition. Its messages are terser, so a document it refuses is parsed again by the
# pure-Python loader to report the problem.
_FastLoader: type = (type("_FastLoader", (_StrictConstructor, yaml.CSafeLoader), {})
                     if hasattr(yaml, "CSafeLoader") else _StrictLoader)


def _parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return yaml.load(text, Loader=_StrictLoader)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(yaml)"
    problem = getattr(exc, "problem", None) or str(exc)
    return f"{where}: not valid YAML: {problem}"


def _pydantic_problem(error: Any) -> str:
    path = ""
    for part in error["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += " (key)"
        else:
            path += f".{part}" if path else str(part)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown key (check the spelling)"
    elif error["type"] == "string_pattern_mismatch":
        message = (f"{error['input']!r} is not a valid name: use lower-case letters, "
                   "digits and underscores, starting with a letter")
    return f"{path or '(top)'}: {message}"


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known) or 'none'})"
    return f"unknown {kind} {name!r}{hint}"


def _semantic_problems(
    d: WorkflowDefinition, guards: Collection[str] | None
) -> Iterable[str]:
    states, roles, deliverables = d.states.keys(), d.roles.keys(), d.deliverables.keys()
    if d.initial not in states:
        yield f"initial: {_unknown('state', d.initial, states)}"
    for i, t in enumerate(d.transitions):
        at = f"transitions[{i}]"
        for s in t.sources:
            if s not in states:
                yield f"{at}.source: {_unknown('state', s, states)}"
        if t.dest not in states:
            yield f"{at}.dest: {_unknown('state', t.dest, states)}"
        for r in t.roles:
            if r not in roles:
                yield f"{at}.roles: {_unknown('role', r, roles)}"
        for field_name, names in (("guards", t.guards), ("unless", t.unless)):
            for g in names:
                if guards is not None and g not in guards:
                    yield f"{at}.{field_name}: {_unknown('guard', g, sorted(guards))}"
        if t.review and t.review.deliverable not in deliverables:
            yield (f"{at}.review.deliverable: "
                   f"{_unknown('deliverable', t.review.deliverable, deliverables)}")
        elif t.review and d.deliverables[t.review.deliverable].per_party:
            yield (f"{at}.review.deliverable: {t.review.deliverable!r} is submitted per party; "
                   "a review decides on one document per instance")
        if t.successor and t.successor.start not in states:
            yield f"{at}.successor.start: {_unknown('state', t.successor.start, states)}"
    yield from _duplicate_triggers(d)
    for name, deliverable in d.deliverables.items():
        for r in deliverable.submitted_by:
            if r not in roles:
                yield f"deliverables.{name}.submitted_by: {_unknown('role', r, roles)}"
        for s in deliverable.during:
            if s not in states:
                yield f"deliverables.{name}.during: {_unknown('state', s, states)}"
    for name, state in d.states.items():
        for req in state.requires:
            if req not in deliverables:
                yield f"states.{name}.requires: {_unknown('deliverable', req, deliverables)}"
    yield from _graph_problems(d)


def _duplicate_triggers(d: WorkflowDefinition) -> Iterable[str]:
    # Several transitions may share (trigger, source) when guards or roles pick one (the
    # first that passes wins); a later one is dead when an earlier one has no guards and
    # allows every role the later one allows.
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, t in enumerate(d.transitions):
        for s in t.sources:
            groups[(t.trigger, s)].append(i)
    for (trigger, source), indexes in groups.items():
        for position, later in enumerate(indexes):
            shadow = next((i for i in indexes[:position] if _shadows(d.transitions[i],
                                                                    d.transitions[later])), None)
            if shadow is not None:
                yield (f"transitions[{later}]: duplicate trigger {trigger!r} from {source!r} "
                       f"(transitions[{shadow}] has no guards and allows the same roles, so "
                       "this one can never fire; add guards or rename the trigger)")


def _shadows(earlier: TransitionSpec, later: TransitionSpec) -> bool:
    return not earlier.guards and not earlier.unless and set(later.roles) <= set(earlier.roles)


def _graph_problems(d: WorkflowDefinition) -> Iterable[str]:
    outgoing: dict[str, set[str]] = defaultdict(set)
    for t in d.transitions:
        for s in t.sources:
            outgoing[s].add(t.dest)
    roots = [d.initial] + [t.successor.start for t in d.transitions if t.successor]
    reached = set(roots)
    queue = deque(roots)
    while queue:
        for nxt in outgoing.get(queue.popleft(), ()):
            if nxt not in reached:
                reached.add(nxt)
                queue.append(nxt)
    for name, spec in d.states.items():
        if name not in reached:
            yield f"states.{name}: unreachable from the initial state {d.initial!r}"
        if spec.final and outgoing.get(name):
            yield f"states.{name}: marked final but has outgoing transitions"
        if not spec.final and not outgoing.get(name):
            yield (f"states.{name}: no transition leaves it; add one or mark it "
                   "'final: true'")
