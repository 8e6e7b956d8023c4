"""Loading a workflow definition: YAML in, a validated :class:`WorkflowDefinition` out.

:func:`load_definition` reports *every* problem at once, each as ``path: reason``, so that an
author fixes a file in one pass: first the structure (a misspelt key, a wrong type), then,
once the structure is sound, the references between the parts (an unknown state, role, guard
or deliverable, an unreachable state, a trigger that could never fire). It never raises
anything but :class:`~engine.errors.DefinitionError`. Text written in an older format is
upgraded first (:mod:`engine.formats`), so a version published years ago still loads.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict, deque
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

import engine.formats as formats
from engine.conditions import spell
from engine.definition import LoadedDefinition, TransitionSpec, WorkflowDefinition
from engine.errors import DefinitionError
from engine.guards import GuardRegistry


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
    raw, format_problems = formats.upgrade(raw)
    if format_problems:
        raise DefinitionError(source, format_problems)
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


def _guard_problems(entry: object, d: WorkflowDefinition,
                    guards: Collection[str] | None) -> list[str]:
    if guards is None:
        return []
    if isinstance(entry, str):
        return [] if entry in guards else [_unknown("guard", entry, sorted(guards))]
    if isinstance(guards, GuardRegistry):
        return guards.problems(entry, d)
    return [f"{spell(entry)}: conditions with arguments need the program's guard registry"]


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
                yield from (f"{at}.{field_name}: {p}" for p in _guard_problems(g, d, guards))
        if t.review and t.review.deliverable not in deliverables:
            yield (f"{at}.review.deliverable: "
                   f"{_unknown('deliverable', t.review.deliverable, deliverables)}")
        elif t.review and d.deliverables[t.review.deliverable].per_party:
            yield (f"{at}.review.deliverable: {t.review.deliverable!r} is submitted per party; "
                   "a review decides on one document per instance")
        if t.successor and t.successor.start not in states:
            yield f"{at}.successor.start: {_unknown('state', t.successor.start, states)}"
        for r in t.owed_by or []:
            if r not in t.roles:
                yield (f"{at}.owed_by: {r!r} may not fire {t.trigger!r}; owed_by names some "
                       f"of its roles ({', '.join(t.roles)})")
    yield from _duplicate_triggers(d)
    for name, deliverable in d.deliverables.items():
        for r in deliverable.submitted_by:
            if r not in roles:
                yield f"deliverables.{name}.submitted_by: {_unknown('role', r, roles)}"
        for s in deliverable.during:
            if s not in states:
                yield f"deliverables.{name}.during: {_unknown('state', s, states)}"
        for r in deliverable.owed_by or []:
            if r not in deliverable.submitted_by:
                yield (f"deliverables.{name}.owed_by: {r!r} may not submit it; owed_by names "
                       f"some of submitted_by ({', '.join(deliverable.submitted_by)})")
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
