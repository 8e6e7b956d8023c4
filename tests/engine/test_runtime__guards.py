"""Guards decide whether and where a trigger goes, and a refusal leaves nothing behind.

Proves on both databases: a failing guard raises GuardFailed with the guard's own sentence and
writes nothing (no history row, no deadline change, state and version unchanged, checked through
another connection); when several transitions share a trigger the first whose guards pass wins
(``guards`` and ``unless`` pick the branch); when none passes, the reasons of all of them are
reported; ``comment: required`` refuses an empty or blank comment.
"""

from __future__ import annotations

import pytest
from wfkit import COORDINATOR, REVIEWER, basic_guards, manuscript

from engine.contracts import Actor
from engine.errors import GuardFailed
from engine.guards import GuardRegistry

BRANCHING = """\
key: branching
version: 1
title: Branching
initial: start
roles:
  judge: {}
states:
  start: {}
  fast: {final: true}
  slow: {final: true}
  manual: {final: true}
transitions:
  - trigger: decide
    source: start
    dest: fast
    roles: [judge]
    guards: [small, cheap]
  - trigger: decide
    source: start
    dest: slow
    roles: [judge]
    unless: [small]
  - trigger: escalate
    source: start
    dest: manual
    roles: [judge]
    guards: [cheap]
  - trigger: escalate
    source: start
    dest: slow
    roles: [judge]
    guards: [urgent]
"""

JUDGE = Actor("judge@example.org", "judge")


def branching_guards(flags):
    registry = GuardRegistry()
    for name in ("small", "cheap", "urgent"):
        def check(ctx, name=name):
            return None if flags[name] else f"it is not {name}"
        registry.register(name, f"it is {name}")(check)
    return registry


def in_review(workflow, flags):
    wf = workflow(guards=basic_guards(flags))
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    wf.fire(iid, "send")
    return wf, iid


def test_a_failing_guard_raises_its_reason_and_writes_nothing(workflow, clock):
    flags = {"editor": False}
    wf, iid = in_review(workflow, flags)
    before = wf.instance(iid)
    history_before = wf.history(iid)
    deadlines_before = wf.table("deadline", instance_id=iid)
    clock.advance(days=2)

    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "accept", REVIEWER, comment="looks good")

    assert info.value.trigger == "accept"
    assert info.value.reasons == ["the editor has not agreed yet"]
    assert str(info.value) == "cannot accept: the editor has not agreed yet"
    after = wf.instance(iid)
    assert (after.state, after.version, after.entered_at) == (
        before.state, before.version, before.entered_at)
    assert wf.history(iid) == history_before
    assert wf.table("deadline", instance_id=iid) == deadlines_before
    assert wf.count("review_decision") == 0

    flags["editor"] = True
    assert wf.fire(iid, "accept", REVIEWER).to_state == "accepted"
    assert wf.instance(iid).version == before.version + 1


@pytest.mark.parametrize(("small", "expected"), [(True, "fast"), (False, "slow")])
def test_guards_and_unless_choose_between_transitions_of_one_trigger(workflow, small, expected):
    flags = {"small": small, "cheap": True, "urgent": False}
    wf = workflow(BRANCHING, branching_guards(flags))
    iid = wf.start("R1", JUDGE)

    result = wf.fire(iid, "decide", JUDGE)

    assert result.to_state == expected
    assert wf.instance(iid).state == expected
    assert wf.history(iid)[-1]["to_state"] == expected


def test_the_first_transition_whose_guards_pass_wins(workflow):
    flags = {"small": True, "cheap": True, "urgent": True}
    wf = workflow(BRANCHING, branching_guards(flags))
    iid = wf.start("R1", JUDGE)
    assert wf.fire(iid, "escalate", JUDGE).to_state == "manual"


def test_when_no_transition_passes_every_reason_is_reported(workflow):
    flags = {"small": True, "cheap": False, "urgent": False}
    wf = workflow(BRANCHING, branching_guards(flags))
    iid = wf.start("R1", JUDGE)

    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "decide", JUDGE)
    # the first branch fails on "cheap"; the second is blocked because "small" holds
    assert [str(r) for r in info.value.reasons] == ["it is not cheap", "not while it is small"]

    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "escalate", JUDGE)
    assert info.value.reasons == ["it is not cheap", "it is not urgent"]

    assert wf.instance(iid).version == 1
    assert len(wf.history(iid)) == 1


def test_the_reason_of_the_guard_that_failed_is_reported_not_the_one_that_passed(workflow):
    flags = {"small": True, "cheap": False, "urgent": False}
    wf = workflow(BRANCHING.replace("unless: [small]", "guards: [urgent]"),
                  branching_guards(flags))
    iid = wf.start("R1", JUDGE)
    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "decide", JUDGE)
    assert info.value.reasons == ["it is not cheap", "it is not urgent"]


@pytest.mark.parametrize("comment", [None, "", "   \n\t"])
def test_comment_required_refuses_a_missing_or_blank_comment(workflow, comment):
    wf, iid = in_review(workflow, {"editor": True})
    version = wf.instance(iid).version

    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "reject", REVIEWER, comment=comment)

    assert [str(r) for r in info.value.reasons] == [
        "a comment is required: say what must change"]
    assert wf.instance(iid).version == version
    assert wf.history(iid)[-1]["trigger"] == "send"


def test_comment_required_accepts_a_comment_and_records_it(workflow):
    wf, iid = in_review(workflow, {"editor": True})
    wf.fire(iid, "reject", REVIEWER, comment="section 3 is unclear")
    row = wf.history(iid)[-1]
    assert (row["trigger"], row["to_state"], row["comment"]) == (
        "reject", "rejected", "section 3 is unclear")
