"""The engine enforces who may act: role, scope (subject binding) and the current state.

Proves on both databases that each refusal raises the right error with a message naming what
is allowed -- the role(s) that may fire, the subject the actor is not bound to, the triggers
possible now -- and writes nothing. Roles are checked per branch: when transitions share a
trigger, an actor never fires a branch whose own roles exclude them, and the refusal names that
step and the role that may take it.
"""

from __future__ import annotations

import pytest
from wfkit import AUTHOR, COORDINATOR, REVIEWER, manuscript

from engine.contracts import Actor
from engine.errors import GuardFailed, PermissionDenied, TransitionNotAllowed
from engine.guards import GuardRegistry


def assert_untouched(wf, iid, version=1, rows=1):
    inst = wf.instance(iid)
    assert inst.version == version
    assert len(wf.history(iid)) == rows


def test_wrong_role_is_refused_naming_the_allowed_roles(workflow):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript())
    with pytest.raises(PermissionDenied) as info:
        wf.fire(iid, "send", REVIEWER)
    assert str(info.value) == (
        "only Author or Coordinator may send; rev@example.org may not")
    assert_untouched(wf, iid, version=2, rows=2)


def test_single_allowed_role_is_named(workflow):
    wf = workflow()
    iid = wf.start("R1")
    with pytest.raises(PermissionDenied, match=r"^only Coordinator may withdraw; "):
        wf.fire(iid, "withdraw", AUTHOR)
    assert_untouched(wf, iid)


def test_a_role_outside_the_workflow_is_refused(workflow):
    wf = workflow()
    iid = wf.start("R1")
    auditor = Actor("aud@example.org", "auditor")
    with pytest.raises(PermissionDenied) as info:
        wf.fire(iid, "withdraw", auditor)
    assert str(info.value) == ("the role auditor takes no part in Paper review "
                               "(its roles: Coordinator, Author, Reviewer)")
    with pytest.raises(PermissionDenied):
        wf.submit(iid, auditor, manuscript())
    assert_untouched(wf, iid)


def test_a_scoped_role_without_subjects_is_refused(workflow):
    wf = workflow()
    iid = wf.start("R1")
    unbound = Actor("free@example.org", "author", subjects=None, name="Free Author")
    with pytest.raises(PermissionDenied) as info:
        wf.fire(iid, "send", unbound)
    assert "Free Author is not bound to any of the regions" in str(info.value)
    assert_untouched(wf, iid)


@pytest.mark.parametrize(("role", "label"), [("author", "Author"),
                                           ("coordinator", "Coordinator")])
def test_an_actor_bound_to_another_subject_is_refused(workflow, role, label):
    wf = workflow()
    iid = wf.start("R1")
    elsewhere = Actor("x@r2.example.org", role, subjects=frozenset({"R2", "R3"}))
    with pytest.raises(PermissionDenied) as info:
        wf.fire(iid, "withdraw" if role == "coordinator" else "send", elsewhere)
    assert str(info.value) == (
        f"x@r2.example.org is not assigned to R1; only the {label} of R1 may act "
        "for it")
    with pytest.raises(PermissionDenied):
        wf.submit(iid, elsewhere, manuscript())
    assert_untouched(wf, iid)


def test_a_bound_actor_may_act_for_its_own_subject(workflow):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript())
    assert wf.fire(iid, "send", AUTHOR).to_state == "review"


def test_an_unknown_trigger_names_the_possible_ones(workflow):
    wf = workflow()
    iid = wf.start("R1")
    with pytest.raises(TransitionNotAllowed) as info:
        wf.fire(iid, "publish", COORDINATOR)
    assert str(info.value) == (
        "unknown action publish in Paper review; possible now: Send, Withdraw")
    assert_untouched(wf, iid)


def test_a_trigger_not_valid_from_the_current_state_names_the_possible_ones(workflow):
    wf = workflow()
    iid = wf.start("R1")
    with pytest.raises(TransitionNotAllowed) as info:
        wf.fire(iid, "accept", REVIEWER)
    assert str(info.value) == (
        "cannot accept for R1: it is in Drafting; possible now: Send, Withdraw")
    assert_untouched(wf, iid)


def test_a_final_state_offers_nothing(workflow):
    wf = workflow()
    iid = wf.start("R1")
    wf.fire(iid, "withdraw")
    with pytest.raises(TransitionNotAllowed, match=r"it is in Withdrawn; possible now: none$"):
        wf.fire(iid, "send", COORDINATOR)
    assert_untouched(wf, iid, version=2, rows=2)


SPLIT_ROLES = """\
key: split
version: 1
title: Split roles
initial: open
roles:
  mentor: {}
  coordinator: {}
states:
  open: {}
  approved: {final: true}
  overruled: {final: true}
transitions:
  - {trigger: decide, source: open, dest: approved, roles: [mentor], guards: [quorum]}
  - {trigger: decide, source: open, dest: overruled, roles: [coordinator], unless: [quorum]}
"""


def split_guards(flags):
    registry = GuardRegistry()
    registry.register("quorum", "a quorum is present")(
        lambda ctx: None if flags["quorum"] else "no quorum")
    return registry


def test_each_branch_is_fired_by_its_own_role(workflow):
    flags = {"quorum": True}
    wf = workflow(SPLIT_ROLES, split_guards(flags))
    mentor = Actor("m@example.org", "mentor")
    iid = wf.start("R1", mentor)
    assert wf.fire(iid, "decide", mentor).to_state == "approved"


def test_a_branch_is_not_fired_by_a_role_it_does_not_allow(workflow):
    flags = {"quorum": False}
    wf = workflow(SPLIT_ROLES, split_guards(flags))
    mentor = Actor("m@example.org", "mentor")
    iid = wf.start("R1", mentor)
    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "decide", mentor)
    # the mentor's own branch fails on its guard; the other branch is not the mentor's to take
    assert [str(r) for r in info.value.reasons] == [
        "no quorum", "only coordinator may take this step (Decide to Overruled)"]
    assert wf.instance(iid).state == "open"
