"""The engine's obligation rule: who owes what in a state, from the definition alone.

A small definition with each kind of duty: a per-party return every agency owes its own of, a
once-only document owed by the head (``owed_by``) though the coordinator may also send it, a
review decided by the mentors, a closing action owed by the coordinators, a renewal (a
successor) owed by nobody, and a document nobody is expected to send (``owed_by: []``).
"""

from __future__ import annotations

import pytest

from engine import DefinitionError, Obligation, load_definition, who_owes
from engine.contracts import ACT, REVIEW, SUBMIT

YAML = """\
key: plan
version: 1
title: Plan
initial: collecting
roles:
  coordinator: {label: Coordinator}
  mentor: {label: Mentor, scoped: true}
  head: {label: Head, scoped: true}
  agency: {label: Agency, scoped: true}
deliverables:
  data: {label: Data return, per_party: true, submitted_by: [agency, coordinator],
         during: [collecting]}
  letter: {label: Signed letter, submitted_by: [coordinator, head], owed_by: [head],
           during: [collecting]}
  memo: {label: Optional memo, submitted_by: [coordinator], owed_by: [], during: [collecting]}
  plan: {label: Plan, submitted_by: [agency], during: [drafting, review]}
states:
  collecting: {label: Collecting, requires: [data, letter, memo]}
  drafting: {label: Drafting, requires: [plan]}
  review: {label: Review}
  running: {label: Running}
  done: {final: true}
transitions:
  - {trigger: close, source: collecting, dest: drafting, roles: [coordinator]}
  - {trigger: send, source: drafting, dest: review, roles: [agency, coordinator]}
  - {trigger: approve, source: review, dest: running, roles: [mentor],
     review: {deliverable: plan, decision: approved}}
  - {trigger: reject, source: review, dest: drafting, roles: [mentor], comment: required,
     review: {deliverable: plan, decision: rejected}}
  - {trigger: renew, source: running, dest: done, roles: [coordinator],
     successor: {start: collecting}}
"""

PARTIES = {"agency": ["DINKES", "DISHUB"], "head": ["kepala@x.go.id"],
           "mentor": ["m1@itb.ac.id", "m2@ugm.ac.id"], "coordinator": ["k@x.go.id"]}


def owed(state: str, submitted: set[tuple[str, str]],
         parties: dict[str, list[str]] = PARTIES) -> list[tuple[str, str, str, str | None]]:
    d = load_definition(YAML).definition
    found: list[Obligation] = who_owes(d, state, submitted, parties)
    return [(o.duty.kind, o.duty.name, o.role, o.party) for o in found]


def test_each_missing_part_is_owed_by_whoever_answers_for_it() -> None:
    assert owed("collecting", {("data", "DINKES")}) == [
        (SUBMIT, "data", "agency", "DISHUB"),  # DINKES has sent its own
        (SUBMIT, "letter", "head", "kepala@x.go.id"),  # owed_by, not the coordinator too
    ]  # and nobody owes the memo (owed_by: [])


def test_once_everything_is_in_the_closing_action_is_owed() -> None:
    everything = {("data", "DINKES"), ("data", "DISHUB"), ("letter", "")}
    assert owed("collecting", everything) == [(ACT, "close", "coordinator", "k@x.go.id")]
    # A transition several roles may fire is owed by the subject-bound ones.
    assert owed("drafting", {("plan", "")}) == [
        (ACT, "send", "agency", "DINKES"), (ACT, "send", "agency", "DISHUB")]


def test_a_review_is_owed_by_every_reviewer_and_a_renewal_by_nobody() -> None:
    assert owed("review", {("plan", "")}) == [
        (REVIEW, "plan", "mentor", "m1@itb.ac.id"), (REVIEW, "plan", "mentor", "m2@ugm.ac.id")]
    assert owed("running", set()) == []
    assert owed("done", set()) == []


def test_a_role_with_nobody_is_owed_once_without_a_party() -> None:
    assert owed("review", {("plan", "")}, {"mentor": []}) == [(REVIEW, "plan", "mentor", None)]
    assert owed("collecting", {("letter", "")}, {"agency": []}) == [
        (SUBMIT, "data", "agency", None)]


def test_owed_by_must_name_roles_that_may_submit() -> None:
    bad = YAML.replace("owed_by: [head]", "owed_by: [mentor]")
    with pytest.raises(DefinitionError, match="owed_by"):
        load_definition(bad)
