"""Conditions with arguments are checked when a definition loads, one clear problem each.

A transition's guard may be ``{condition: {argument: value}}`` (:mod:`engine.conditions`). An
unknown condition or argument, a missing one, a deliverable or trigger the definition does not
declare, a negative or non-numeric count, a programme parameter nobody provides: each is a
problem naming the transition, the condition and what to write instead. No database.
"""

from __future__ import annotations

import pytest

from engine import DefinitionError, GuardRegistry, load_definition, spell

BASE = """\
key: loan
version: 1
title: Loan request
initial: draft
roles:
  clerk: {label: Clerk}
  manager: {label: Manager}
deliverables:
  form:
    label: Application form
    per_party: true
    submitted_by: [clerk]
    during: [draft, review]
states:
  draft: {}
  review: {}
  done:
    final: true
transitions:
  - trigger: send
    source: draft
    dest: review
    roles: [clerk]
  - trigger: approve
    source: review
    dest: done
    roles: [manager]
    guards: [GUARD]
  - trigger: reopen
    source: review
    dest: draft
    roles: [manager]
"""


def registry(parties: bool = True) -> GuardRegistry:
    return GuardRegistry(parameters={"rounds": 3},
                         parties=(lambda ctx: [("a", "A")]) if parties else None)


def load(guard: str, guards: GuardRegistry | None = None) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load_definition(BASE.replace("GUARD", guard), "loan.yaml",
                        guards if guards is not None else registry())
    return info.value.problems


@pytest.mark.parametrize("guard", [
    "{all_parties_submitted: {deliverable: form}}",
    "{rounds_left: {deliverable: form, decision: rejected, allowed: 2, granted_by: reopen}}",
    "{rounds_left: {deliverable: form, decision: rejected, allowed: {param: rounds}}}",
    "{revised_since: {deliverable: form, message: loan.revise_first}}",
    "{time_in_state: {days: 30}}",
    "{time_in_state: {years: {param: rounds}, description: loan.waited}}",
])
def test_well_formed_conditions_load(guard: str) -> None:
    loaded = load_definition(BASE.replace("GUARD", guard), "loan.yaml", registry())
    [entry] = loaded.definition.transitions[1].guards
    assert isinstance(entry, dict)
    assert "message" not in spell(entry) and "description" not in spell(entry)


@pytest.mark.parametrize(("guard", "problem"), [
    ("{all_parties_submited: {deliverable: form}}",
     "transitions[1].guards: unknown condition 'all_parties_submited' (known: "
     "all_parties_submitted, revised_since, rounds_left, time_in_state)"),
    ("{revised_since: {deliverable: forms}}",
     "transitions[1].guards: revised_since.deliverable: unknown deliverable 'forms' "
     "(declared: form)"),
    ("{revised_since: {}}",
     "transitions[1].guards: revised_since: argument 'deliverable' is missing"),
    ("{revised_since: {deliverable: form, colour: red}}",
     "transitions[1].guards: revised_since: unknown argument 'colour' (expected one of: "
     "deliverable, description, message)"),
    ("{rounds_left: {deliverable: form, decision: rejected, allowed: -1}}",
     "transitions[1].guards: rounds_left.allowed: -1 is negative; a count is 0 or more"),
    ("{rounds_left: {deliverable: form, decision: rejected, allowed: two}}",
     "transitions[1].guards: rounds_left.allowed: 'two' is not a whole number"),
    ("{rounds_left: {deliverable: form, decision: rejected, allowed: {param: max}}}",
     "transitions[1].guards: rounds_left.allowed: unknown parameter 'max' "
     "(the programme offers: rounds)"),
    ("{rounds_left: {deliverable: form, decision: rejected, allowed: 1, granted_by: grant}}",
     "transitions[1].guards: rounds_left.granted_by: unknown trigger 'grant'"),
    ("{rounds_left: {deliverable: form, decision: maybe, allowed: 1}}",
     "transitions[1].guards: rounds_left.decision: unknown decision 'maybe' "
     "(approved or rejected)"),
    ("{time_in_state: {}}",
     "transitions[1].guards: time_in_state: give at least one of years, days"),
    ("{time_in_state: {days: 1, message: Tunggu dulu}}",
     "transitions[1].guards: time_in_state.message: 'Tunggu dulu' is not a message key "
     "(like area.name)"),
    ("{time_in_state: 30}",
     "transitions[1].guards: time_in_state: give its arguments as a mapping "
     "{argument: value}"),
])
def test_each_mistake_is_one_clear_problem(guard: str, problem: str) -> None:
    assert load(guard) == [problem]


def test_every_mistake_of_a_file_is_reported_at_once() -> None:
    found = load("{rounds_left: {deliverable: forms, decision: rejected, allowed: -2}}")
    assert found == [
        "transitions[1].guards: rounds_left.deliverable: unknown deliverable 'forms' "
        "(declared: form)",
        "transitions[1].guards: rounds_left.allowed: -2 is negative; a count is 0 or more"]


def test_parties_exist_only_where_the_program_reads_them() -> None:
    assert load("{all_parties_submitted: {deliverable: form}}", registry(parties=False)) == [
        "transitions[1].guards: unknown condition 'all_parties_submitted' (known: "
        "revised_since, rounds_left, time_in_state)"]


def test_a_condition_needs_a_registry_not_a_list_of_names() -> None:
    with pytest.raises(DefinitionError) as info:
        load_definition(BASE.replace("GUARD", "{time_in_state: {days: 1}}"), "loan.yaml",
                        {"budget_ok"})
    assert info.value.problems == [
        "transitions[1].guards: time_in_state(days=1): conditions with arguments need the "
        "program's guard registry"]


def test_a_registered_name_and_a_condition_mix() -> None:
    guards = registry()

    @guards.register("budget_ok", "the budget allows it")
    def budget_ok(ctx: object) -> None:
        return None

    loaded = load_definition(BASE.replace("GUARD", "budget_ok, {time_in_state: {days: 1}}"),
                             "loan.yaml", guards)
    assert [spell(g) for g in loaded.definition.transitions[1].guards] == [
        "budget_ok", "time_in_state(days=1)"]
    assert load("budget_okay", guards) == [
        "transitions[1].guards: unknown guard 'budget_okay' (did you mean 'budget_ok'?)"]


def test_a_condition_registered_twice_is_refused() -> None:
    guards = registry()
    with pytest.raises(ValueError, match="registered twice"):
        guards.register_condition(guards.conditions["time_in_state"])
