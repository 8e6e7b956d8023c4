"""Property: any text either loads as a consistent definition or raises a clear DefinitionError.

Hypothesis feeds load_definition random definitions built from plausible pieces (state names,
transitions whose source/dest/successor may or may not exist, roles, guards, deliverables,
misspelt keys, values of the wrong type) and random junk text and YAML fragments. Each input
must either load -- and then be internally consistent and build a state machine -- or raise
DefinitionError whose problems are non-empty strings; no other exception may escape. A few
hand-picked inputs that PyYAML's own constructors choke on pin down the same contract.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.definition import LoadedDefinition
from engine.errors import DefinitionError
from engine.guards import GuardRegistry
from engine.loading import load_definition
from engine.machine import MachineCache

KNOWN_GUARDS = ("g_one", "g_two")

REGISTRY = GuardRegistry()
for _name in KNOWN_GUARDS:
    REGISTRY.register(_name, f"{_name} holds")(lambda ctx: None)

STATE_NAMES = ["draft", "review", "done", "archive", "s1", "s_2"]
BAD_NAMES = ["Draft", "2fast", "with space", "", "x" * 70, "kebab-case"]
ROLE_NAMES = ["clerk", "boss", "opd"]
DELIVERABLE_NAMES = ["form", "memo"]

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

junk_scalar = st.one_of(st.none(), st.booleans(), st.integers(-3, 5), st.text(max_size=6),
                        st.lists(st.integers(0, 2), max_size=2))


@st.composite
def definitions(draw: Any) -> dict[str, Any]:
    """A valid chain of states, plus random extra pieces and random damage."""
    states = draw(st.lists(st.sampled_from(STATE_NAMES), min_size=1, max_size=5, unique=True))
    roles = draw(st.lists(st.sampled_from(ROLE_NAMES), min_size=1, max_size=3, unique=True))
    deliverables = draw(st.lists(st.sampled_from(DELIVERABLE_NAMES), max_size=2, unique=True))
    # Mostly names that exist, sometimes unknown ones, rarely malformed ones.
    state_ref = st.sampled_from([*states * 4, "ghost", "limbo", "Draft"])
    role_ref = st.sampled_from([*roles * 4, "nobody"])
    guard_ref = st.sampled_from([*KNOWN_GUARDS * 3, "unknown_guard"])
    deliverable_ref = st.sampled_from([*deliverables * 3, "missing"])

    doc: dict[str, Any] = {
        "key": "flow",
        "version": 1,
        "title": draw(st.text(max_size=10)),
        "initial": states[0],
        "roles": {r: {"scoped": draw(st.booleans())} for r in roles},
        "deliverables": {
            name: {"label": name.title(), "submitted_by": [roles[0]], "during": [states[0]],
                   "per_party": draw(st.booleans())}
            for name in deliverables
        },
        "states": {name: {} for name in states},
        "transitions": [
            {"trigger": f"step_{i}", "source": a, "dest": b, "roles": [roles[-1]]}
            for i, (a, b) in enumerate(pairwise(states))
        ],
    }
    doc["states"][states[-1]]["final"] = True
    if len(states) == 1:  # a workflow needs a transition: loop a lone state onto itself
        doc["states"][states[0]] = {}
        doc["transitions"] = [{"trigger": "again", "source": states[0], "dest": states[0],
                               "roles": [roles[0]]}]

    extra_transition = st.fixed_dictionaries(
        {
            "trigger": st.sampled_from(["go", "back", "step_0"] * 3 + ["Go!"]),
            "source": st.one_of(state_ref, st.lists(state_ref, min_size=1, max_size=3)),
            "dest": state_ref,
            "roles": st.lists(role_ref, min_size=1, max_size=2),
        },
        optional={
            "guards": st.lists(guard_ref, max_size=2),
            "unless": st.lists(guard_ref, max_size=1),
            "comment": st.sampled_from(["required", "optional"] * 3 + ["maybe"]),
            "skip_requirements": st.booleans(),
            "successor": st.fixed_dictionaries({"start": state_ref}),
            "review": st.fixed_dictionaries({
                "deliverable": deliverable_ref,
                "decision": st.sampled_from(["approved", "rejected"] * 3 + ["perhaps"]),
            }),
        },
    )
    doc["transitions"] += draw(st.lists(extra_transition, max_size=2))
    for name in states:
        if draw(st.integers(0, 4)) == 0:
            doc["states"][name]["requires"] = draw(st.lists(deliverable_ref, max_size=2))
        if draw(st.integers(0, 4)) == 0:
            doc["states"][name]["deadline"] = {"days": draw(st.sampled_from([1, 30, 3650, 0]))}
        if draw(st.integers(0, 9)) == 0:
            doc["states"][name]["final"] = draw(st.booleans())

    # Random damage: drop a key, give it a value of the wrong type, misspell it, or rename.
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["drop", "junk", "misspell", "initial", "bad_key"]))
        field = draw(st.sampled_from(sorted(doc)))
        if kind == "drop":
            doc.pop(field, None)
        elif kind == "junk":
            doc[field] = draw(junk_scalar)
        elif kind == "misspell":
            doc[field[::-1]] = doc.pop(field, None)
        elif kind == "initial":
            doc["initial"] = draw(state_ref)
        elif isinstance(doc.get("states"), dict):
            doc["states"][draw(st.sampled_from(BAD_NAMES))] = {"final": True}
    return doc


YAML_FRAGMENTS = ["key: ", "version: 1", "states:", "transitions:", "- ", "  ", "\n", "{", "}",
                  "[", "]", ": ", ", ", "a", "draft", "'", '"', "&x ", "*x", "!!str ", "#",
                  "|", ">", "? ", "\t", "%", "@", "~", "null", "0x1F"]

junk_texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(YAML_FRAGMENTS), max_size=40).map("".join),
)


def check(text: str) -> LoadedDefinition | DefinitionError:
    try:
        loaded = load_definition(text, "random.yaml", REGISTRY)
    except DefinitionError as err:
        assert err.source == "random.yaml"
        assert isinstance(err.problems, list)
        assert err.problems
        for problem in err.problems:
            assert isinstance(problem, str)
            assert problem.strip()
        return err
    d = loaded.definition
    # Whatever loads is consistent and can be run.
    assert d.initial in d.states
    for t in d.transitions:
        assert set(t.sources) <= set(d.states)
        assert t.dest in d.states
        assert set(t.roles) <= set(d.roles)
        assert set(t.guards) | set(t.unless) <= set(KNOWN_GUARDS)
    assert MachineCache(REGISTRY).get(loaded) is not None
    return loaded


def test_random_structured_definitions_load_or_fail_clearly():
    outcomes: list[bool] = []

    @SETTINGS
    @given(definitions())
    def run(doc):
        result = check(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
        outcomes.append(isinstance(result, LoadedDefinition))

    run()
    # Not vacuous: the generator produces definitions that load and ones that do not.
    assert outcomes.count(True) >= 20
    assert outcomes.count(False) >= 20


@SETTINGS
@given(junk_texts)
def test_random_text_loads_or_fails_clearly(text):
    assert isinstance(check(text), DefinitionError)


VALID = """\
key: flow
version: 1
title: T
initial: a
roles: {clerk: {}}
states: {a: {}, b: {final: true}}
transitions:
  - {trigger: go, source: a, dest: b, roles: [clerk]}
"""


@pytest.mark.parametrize("text", [
    VALID.replace("title: T", "title: 2026-02-30"),
    VALID.replace("title: T", "title: !!int abc"),
    VALID.replace("title: T", "title: !!float abc"),
    VALID.replace("title: T", "title: !!bool maybe"),
    "[" * 600 + "]" * 600,
], ids=["impossible-date", "bad-int-tag", "bad-float-tag", "bad-bool-tag", "deep-nesting"])
def test_yaml_constructor_failures_are_definition_errors(text):
    err = check(text)
    assert isinstance(err, DefinitionError)
