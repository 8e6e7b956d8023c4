"""load_definition reports every kind of problem as ``path: reason``, all of them at once.

Each test takes a valid definition, breaks one thing, and checks that exactly the expected
problem is reported with its path (``transitions[0].dest``, ``states.b`` ...) and a reason that
names the offending value. Also proves that several problems come back in one DefinitionError,
and that the shipped master-plan definition loads with the programme's own guards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import workflows
from engine import DefinitionError
from engine.loading import load_definition
from workflows.directory.reference import load_dimensions
from workflows.master_plan.guards import programme_guards

VALID = """\
key: loan
version: 1
title: Loan request
initial: draft
roles:
  clerk: {label: Clerk}
  manager: {label: Manager, scoped: true}
deliverables:
  form:
    label: Application form
    submitted_by: [clerk]
    during: [draft]
states:
  draft:
    requires: [form]
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
    guards: [budget_ok]
  - trigger: refuse
    source: review
    dest: done
    roles: [manager]
    unless: [budget_ok]
"""

GUARDS = {"budget_ok"}

# The shipped definition, in the folder of shipped definitions (data only).
MASTER_PLAN = Path(workflows.__file__).parent / "definitions" / "master_plan.yaml"


def problems(text: str, guards: set[str] | None = GUARDS) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        load_definition(text, "loan.yaml", guards)
    err = info.value
    assert err.source == "loan.yaml"
    assert err.problems, "a DefinitionError must list at least one problem"
    assert all(isinstance(p, str) and p.strip() for p in err.problems)
    assert str(len(err.problems)) in str(err)
    return err.problems


def broken(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def test_the_valid_base_definition_loads():
    loaded = load_definition(VALID, "loan.yaml", GUARDS)
    d = loaded.definition
    assert (d.key, d.version, d.initial) == ("loan", 1, "draft")
    assert list(d.states) == ["draft", "review", "done"]
    assert d.triggers_from("review") == ["approve", "refuse"]
    assert len(loaded.sha256) == 64
    assert loaded.source_text == VALID


def test_unknown_initial_state():
    found = problems(broken("initial: draft", "initial: drafts"))
    assert found[0] == "initial: unknown state 'drafts' (did you mean 'draft'?)"


def test_unknown_source_state():
    found = problems(broken("source: draft", "source: [draft, limbo]"))
    assert found == ["transitions[0].source: unknown state 'limbo' (known: draft, review, done)"]


def test_unknown_dest_state():
    found = problems(broken("dest: review", "dest: reveiw"))
    assert "transitions[0].dest: unknown state 'reveiw' (did you mean 'review'?)" in found


def test_unknown_successor_start_state():
    text = broken("    guards: [budget_ok]\n", "    guards: [budget_ok]\n"
                  "    successor: {start: nowhere}\n")
    assert problems(text) == [
        "transitions[1].successor.start: unknown state 'nowhere' (known: draft, review, done)"
    ]


def test_unreachable_state():
    text = broken("  done:\n", "  island:\n    final: true\n  done:\n")
    assert problems(text) == ["states.island: unreachable from the initial state 'draft'"]


def test_duplicate_trigger_after_an_unguarded_transition():
    text = VALID + ("  - trigger: send\n    source: draft\n    dest: done\n"
                    "    roles: [clerk]\n")
    [problem] = problems(text)
    assert problem.startswith("transitions[3]: duplicate trigger 'send' from 'draft'")
    assert "transitions[0]" in problem


def test_duplicate_trigger_is_fine_when_the_earlier_one_is_guarded():
    # approve (guarded) and refuse share a source; a second approve behind a guarded one is ok.
    text = VALID + ("  - trigger: approve\n    source: review\n    dest: draft\n"
                    "    roles: [manager]\n")
    assert load_definition(text, "loan.yaml", GUARDS).definition.transitions[3].dest == "draft"


def test_every_transition_shadowed_by_an_unguarded_one_is_reported():
    text = VALID + (
        "  - trigger: send\n    source: draft\n    dest: done\n    roles: [clerk]\n"
        "    guards: [budget_ok]\n"
        "  - trigger: send\n    source: draft\n    dest: review\n    roles: [clerk]\n"
        "    guards: [budget_ok]\n"
    )
    found = problems(text)
    assert any(p.startswith("transitions[3]: duplicate trigger 'send'") for p in found)
    assert any(p.startswith("transitions[4]: duplicate trigger 'send'") for p in found)


def test_branches_of_one_trigger_split_by_role_load():
    # send by a clerk goes to review, send by a manager goes straight to done: both can fire.
    text = VALID + ("  - trigger: send\n    source: draft\n    dest: done\n"
                    "    roles: [manager]\n")
    assert load_definition(text, "loan.yaml", GUARDS).definition.transitions[3].dest == "done"


def test_a_branch_for_fewer_roles_behind_an_unguarded_one_is_dead():
    text = broken("    roles: [clerk]\n", "    roles: [clerk, manager]\n") + (
        "  - trigger: send\n    source: draft\n    dest: done\n    roles: [manager]\n")
    [problem] = problems(text)
    assert problem.startswith("transitions[3]: duplicate trigger 'send' from 'draft'")


def test_unknown_guard_when_a_guard_set_is_given():
    text = broken("guards: [budget_ok]", "guards: [budget_okay]").replace(
        "unless: [budget_ok]", "unless: [mood]")
    assert problems(text) == [
        "transitions[1].guards: unknown guard 'budget_okay' (did you mean 'budget_ok'?)",
        "transitions[2].unless: unknown guard 'mood' (known: budget_ok)",
    ]


def test_guard_names_are_not_checked_without_a_guard_set():
    text = broken("guards: [budget_ok]", "guards: [anything_goes]")
    assert load_definition(text, "loan.yaml", None).definition.transitions[1].guards == [
        "anything_goes"
    ]


def test_unknown_role_in_a_transition_and_in_a_deliverable():
    text = broken("roles: [clerk]", "roles: [clark]").replace(
        "submitted_by: [clerk]", "submitted_by: [boss]")
    assert problems(text) == [
        "transitions[0].roles: unknown role 'clark' (did you mean 'clerk'?)",
        "deliverables.form.submitted_by: unknown role 'boss' (known: clerk, manager)",
    ]


def test_unknown_deliverable_in_requires_and_in_a_review():
    text = broken("requires: [form]", "requires: [forms]").replace(
        "    unless: [budget_ok]\n",
        "    unless: [budget_ok]\n    review: {deliverable: memo, decision: rejected}\n")
    assert problems(text) == [
        "transitions[2].review.deliverable: unknown deliverable 'memo' (known: form)",
        "states.draft.requires: unknown deliverable 'forms' (did you mean 'form'?)",
    ]


def test_unknown_state_in_a_deliverable_during():
    assert problems(broken("during: [draft]", "during: [drafting]")) == [
        "deliverables.form.during: unknown state 'drafting' (did you mean 'draft'?)"
    ]


def test_misspelt_key_is_an_unknown_key():
    text = broken("    guards: [budget_ok]", "    gaurds: [budget_ok]")
    found = problems(text)
    assert found == ["transitions[1].gaurds: unknown key (check the spelling)"]


def test_misspelt_top_level_key():
    assert problems(VALID + "descripton: typo\n") == [
        "descripton: unknown key (check the spelling)"
    ]


def test_bad_identifier_as_a_value_and_as_a_key():
    text = broken("trigger: send", "trigger: Send-It").replace("  review: {}", "  Review: {}")
    found = problems(text)
    assert (
        "states.Review (key): 'Review' is not a valid name: use lower-case letters, digits and "
        "underscores, starting with a letter"
    ) in found
    assert any(p.startswith("transitions[0].trigger: 'Send-It' is not a valid name") for p in found)


def test_wrong_type_and_missing_field():
    text = broken("version: 1", "version: one").replace("title: Loan request\n", "")
    found = problems(text)
    assert "title: Field required" in found
    assert any(p.startswith("version: ") for p in found)


def test_bad_yaml_reports_the_line():
    text = "key: loan\nversion: 1\ntitle: T\ninitial: draft\nroles:\n  clerk: {}\n bad: x\n"
    [problem] = problems(text)
    assert problem.startswith("line 7, column 2: not valid YAML: ")


def test_bad_yaml_character_reports_line_and_column():
    [problem] = problems("key: loan\nversion: 1\ntitle: @T\n")
    assert problem == (
        "line 3, column 8: not valid YAML: found character '@' that cannot start any token"
    )


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty_document(text):
    assert problems(text) == [
        "(top): expected a mapping with key, version, states and transitions, "
        "got an empty document"
    ]


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "list"), ("just words", "str"),
                                            ("42", "int")])
def test_a_document_that_is_not_a_mapping(text, kind):
    assert problems(text) == [
        f"(top): expected a mapping with key, version, states and transitions, got {kind}"
    ]


def test_non_final_state_without_exit():
    text = broken("  done:\n    final: true\n", "  done:\n    final: false\n")
    assert problems(text) == [
        "states.done: no transition leaves it; add one or mark it 'final: true'"
    ]


def test_final_state_with_exits():
    text = broken("  review: {}\n", "  review: {final: true}\n")
    assert problems(text) == ["states.review: marked final but has outgoing transitions"]


def test_several_problems_are_reported_at_once():
    text = (broken("initial: draft", "initial: start")
            .replace("roles: [clerk]", "roles: [nobody]")
            .replace("dest: done\n    roles: [manager]\n    guards", "dest: finished\n"
                     "    roles: [manager]\n    guards")
            .replace("guards: [budget_ok]", "guards: [unknown_guard]"))
    found = problems(text)
    expected_prefixes = [
        "initial: unknown state 'start'",
        "transitions[0].roles: unknown role 'nobody'",
        "transitions[1].dest: unknown state 'finished'",
        "transitions[1].guards: unknown guard 'unknown_guard'",
        "states.draft: unreachable from the initial state 'start'",
    ]
    for prefix in expected_prefixes:
        assert any(p.startswith(prefix) for p in found), (prefix, found)
    assert len(found) >= len(expected_prefixes)


def test_schema_problems_are_all_reported_together():
    text = broken("version: 1", "version: 0").replace("label: Clerk", "lable: Clerk")
    found = problems(text)
    assert any(p.startswith("version: ") and "greater than or equal to 1" in p for p in found)
    assert "roles.clerk.lable: unknown key (check the spelling)" in found


def test_a_key_given_twice_is_reported():
    text = broken("  review: {}\n", "  review: {}\n  draft: {}\n")
    found = problems(text)
    assert any("draft" in p and "line" in p for p in found)


def test_the_shipped_master_plan_loads_with_the_programme_guards():
    guards = programme_guards(max_review_rounds=3, cycle_years=5, dimensions=load_dimensions(
        MASTER_PLAN.parent.parent / "directory" / "data" / "dimensions.yaml"))
    text = MASTER_PLAN.read_text("utf-8")
    loaded = load_definition(text, "master_plan.yaml", guards)
    d = loaded.definition
    assert d.key == "master_plan"
    assert d.initial == "assessment"
    assert {"renewed", "withdrawn"} <= {n for n, s in d.states.items() if s.final}
    # Version 4 names only conditions with arguments, each one the registry offers.
    used = [g for t in d.transitions for g in (*t.guards, *t.unless)]
    assert used and all(isinstance(g, dict) for g in used)
    assert {next(iter(g)) for g in used} <= set(guards.conditions)
    # The same text checked against bare guard names cannot check those arguments.
    with pytest.raises(DefinitionError) as info:
        load_definition(text, "master_plan.yaml", {"cycle_elapsed"})
    assert any(".guards: time_in_state(years=cycle_years): conditions with arguments need "
               "the program's guard registry" in p for p in info.value.problems)
