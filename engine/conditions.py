"""Guards as data: generic, parameterised conditions a definition names with arguments.

A transition's ``guards`` (and ``unless``) entry is either a registered Python guard's name or
a mapping ``{condition: {argument: value}}`` such as ``{revised_since: {deliverable: plan}}``.
The engine offers the conditions that read only its own data (parties' submissions, review
rounds, time in a state); a programme adds conditions that read its own tables through
:meth:`engine.guards.GuardRegistry.register_condition`. Every argument is checked when the
definition loads (unknown condition or argument, a deliverable or trigger the definition does
not declare, a negative count, a programme parameter nobody provides), so a typo fails at
publication and never at the worst time. A count may name a programme parameter,
``{param: max_review_rounds}``, so a setting keeps its one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from config.messages import Message
from engine.context import TransitionContext
from engine.definition import WorkflowDefinition

Check = Callable[[TransitionContext], Message | str | None]
ArgKind = Literal["deliverable", "trigger", "count", "decision", "key"]
#: The parties of an instance that owe a per-party deliverable: ``(code, name)`` pairs.
PartiesReader = Callable[[TransitionContext], list[tuple[str, str]]]
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Arg:
    kind: ArgKind
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class Condition:
    """A condition a definition may name: its arguments and how to build the check from them.

    ``build`` receives the checked arguments (parameters already substituted, defaults filled)
    and returns the guard; ``one_of`` lists arguments of which at least one must be given."""

    name: str
    description: str
    args: Mapping[str, Arg]
    build: Callable[[Mapping[str, Any]], Check]
    one_of: tuple[str, ...] = field(default=())


#: Arguments that choose wording, not behaviour: left out where a condition is shown.
WORDING = frozenset({"message", "missing", "no_parties", "description"})


def spell(entry: object) -> str:
    """A guard entry as one line: ``revised_since(deliverable=plan)`` (diagrams, the CLI)."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping) and len(entry) == 1:
        [(name, args)] = entry.items()
        if isinstance(args, Mapping | None):
            inner = ", ".join(f"{k}={_spell_value(v)}" for k, v in (args or {}).items()
                              if k not in WORDING)
            return f"{name}({inner})"
    return repr(entry)


def _spell_value(value: object) -> str:
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return str(value["param"])
    return str(value)


#: Every condition also takes ``description``: the catalogue key of what holds when it passes
#: ("not while {description}" explains a refused ``unless``), for wording a programme keeps.
COMMON = {"description": Arg("key", False, None)}


def arg_problems(condition: Condition, raw: Mapping[str, Any], definition: WorkflowDefinition,
                 parameters: Mapping[str, object]) -> Iterable[str]:
    """Every problem of one condition's arguments, each naming the argument and the fix."""
    expected = {**condition.args, **COMMON}
    for name in raw:
        if name not in expected:
            yield (f"{condition.name}: unknown argument {name!r} "
                   f"(expected one of: {', '.join(sorted(expected))})")
    for name, arg in expected.items():
        if name not in raw:
            if arg.required:
                yield f"{condition.name}: argument {name!r} is missing"
            continue
        problem = _value_problem(arg.kind, raw[name], definition, parameters)
        if problem:
            yield f"{condition.name}.{name}: {problem}"
    if condition.one_of and not any(n in raw for n in condition.one_of):
        yield f"{condition.name}: give at least one of {', '.join(condition.one_of)}"


def _value_problem(kind: ArgKind, value: Any, d: WorkflowDefinition,
                   parameters: Mapping[str, object]) -> str | None:
    if kind == "count":
        if isinstance(value, Mapping):
            if set(value) != {"param"} or not isinstance(value["param"], str):
                return "write a count as a whole number or {param: NAME}"
            if value["param"] not in parameters:
                known = ", ".join(sorted(parameters)) or "none"
                return f"unknown parameter {value['param']!r} (the programme offers: {known})"
            value = parameters[value["param"]]
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{value!r} is not a whole number"
        return f"{value} is negative; a count is 0 or more" if value < 0 else None
    if not isinstance(value, str):
        return f"{value!r} is not a name"
    if kind == "deliverable" and value not in d.deliverables:
        return f"unknown deliverable {value!r} (declared: {', '.join(sorted(d.deliverables))})"
    if kind == "trigger" and value not in {t.trigger for t in d.transitions}:
        return f"unknown trigger {value!r}"
    if kind == "decision" and value not in ("approved", "rejected"):
        return f"unknown decision {value!r} (approved or rejected)"
    if kind == "key" and not _KEY.match(value):
        return f"{value!r} is not a message key (like area.name)"
    return None


def bind(condition: Condition, raw: Mapping[str, Any],
         parameters: Mapping[str, object]) -> dict[str, Any]:
    """The arguments a checked entry gives its condition: parameters read, defaults filled."""
    args: dict[str, Any] = {}
    for name, arg in {**condition.args, **COMMON}.items():
        value = raw.get(name, arg.default)
        if isinstance(value, Mapping):
            value = parameters[value["param"]]
        args[name] = value
    return args


def engine_conditions(parties: PartiesReader | None,
                      date: Callable[[datetime], object]) -> list[Condition]:
    """The conditions every programme gets: they read only the engine's own records."""
    found = [
        Condition("rounds_left", "conditions.rounds_left",
                  {"deliverable": Arg("deliverable"), "decision": Arg("decision"),
                   "allowed": Arg("count"), "granted_by": Arg("trigger", required=False),
                   "message": Arg("key", False, "conditions.last_round")}, _rounds_left),
        Condition("revised_since", "conditions.revised_since",
                  {"deliverable": Arg("deliverable"),
                   "message": Arg("key", False, "conditions.revise_first")}, _revised_since),
        Condition("time_in_state", "conditions.time_in_state",
                  {"years": Arg("count", False), "days": Arg("count", False),
                   "message": Arg("key", False, "conditions.time_in_state_runs")},
                  lambda a: _time_in_state(a, date), one_of=("years", "days")),
    ]
    if parties is not None:
        found.append(Condition(
            "all_parties_submitted", "conditions.all_parties_submitted",
            {"deliverable": Arg("deliverable"),
             "message": Arg("key", False, "conditions.parties_missing"),
             "no_parties": Arg("key", False, "conditions.no_parties")},
            lambda a: _all_parties_submitted(a, parties)))
    return found


def _all_parties_submitted(a: Mapping[str, Any], parties: PartiesReader) -> Check:
    deliverable, key = a["deliverable"], a["message"]

    def check(ctx: TransitionContext) -> Message | None:
        known = parties(ctx)
        if not known:
            return Message(a["no_parties"], region=ctx.instance.subject)
        done = {party for name, party in ctx.submitted() if name == deliverable}
        missing = [f"{name} ({code})" for code, name in known if code not in done]
        if not missing:
            return None
        if len(missing) > 5:  # the first five by name, then how many more
            return Message(f"{key}_more", missing=len(missing), total=len(known),
                           names=missing[:5], more=len(missing) - 5)
        return Message(key, missing=len(missing), total=len(known), names=missing)

    return check


def _rounds_left(a: Mapping[str, Any]) -> Check:
    deliverable, decision, granted_by = a["deliverable"], a["decision"], a["granted_by"]

    def check(ctx: TransitionContext) -> Message | None:
        used = ctx.records.review_count(ctx.instance.id, deliverable, decision)
        granted = ctx.records.times_fired(ctx.instance.id, granted_by) if granted_by else 0
        allowed = a["allowed"] + granted
        if used + 1 < allowed:
            return None
        return Message(a["message"], round=used + 1, allowed=allowed)

    return check


def _revised_since(a: Mapping[str, Any]) -> Check:
    deliverable = a["deliverable"]

    def check(ctx: TransitionContext) -> Message | None:
        last = ctx.records.last_review(ctx.instance.id, deliverable)
        latest = ctx.records.latest_submission(ctx.instance.id, deliverable)
        if last is None or (latest is not None and latest.id != last.submission_id):
            return None
        return Message(a["message"], round=last.round, comment=last.comment)

    return check


def _time_in_state(a: Mapping[str, Any], date: Callable[[datetime], object]) -> Check:
    years, days = a["years"] or 0, a["days"] or 0
    span = timedelta(days=round(365.25 * years) + days)

    def check(ctx: TransitionContext) -> Message | None:
        ends = ctx.instance.entered_at + span
        if ctx.now >= ends:
            return None
        return Message(a["message"], years=years, days=days,
                       began=date(ctx.instance.entered_at), ends=date(ends))

    return check
