"""A state's required deliverables must be submitted before it can be left, unless skipped.

Proves on both databases: leaving ``draft`` (which requires the manuscript) is refused with a
reason naming every missing deliverable by its label (never its key), and writes nothing; once a
version is submitted the same trigger succeeds; a transition marked ``skip_requirements``
(withdrawal) leaves without them; requirements of other states do not matter.
"""

from __future__ import annotations

import pytest
from wfkit import AUTHOR, COORDINATOR, manuscript

from engine.errors import GuardFailed

TWO_REQUIREMENTS = """\
key: grant
version: 1
title: Grant
initial: apply
roles: {applicant: {}}
deliverables:
  budget: {label: Budget, submitted_by: [applicant], during: [apply]}
  plan: {label: Work plan, submitted_by: [applicant], during: [apply]}
  report: {label: Final report, submitted_by: [applicant], during: [funded]}
states:
  apply: {requires: [budget, plan]}
  funded: {requires: [report]}
  closed: {final: true}
transitions:
  - {trigger: submit_application, source: apply, dest: funded, roles: [applicant]}
  - {trigger: close, source: funded, dest: closed, roles: [applicant]}
"""


def test_leaving_a_state_needs_its_required_deliverables(workflow):
    wf = workflow()
    iid = wf.start("R1")

    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "send", AUTHOR)
    assert [str(r) for r in info.value.reasons] == ["still to be submitted: Manuscript"]
    assert (wf.instance(iid).state, wf.instance(iid).version) == ("draft", 1)
    assert len(wf.history(iid)) == 1

    wf.submit(iid, AUTHOR, manuscript())
    assert wf.fire(iid, "send", AUTHOR).to_state == "review"


def test_every_missing_deliverable_is_named(workflow):
    from engine.contracts import Actor
    from engine.guards import GuardRegistry

    applicant = Actor("a@example.org", "applicant")
    wf = workflow(TWO_REQUIREMENTS, GuardRegistry())
    iid = wf.start("R1", applicant)
    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "submit_application", applicant)
    assert [str(r) for r in info.value.reasons] == ["still to be submitted: Budget, Work plan"]

    wf.submit(iid, applicant, manuscript("b.xlsx", deliverable="budget"))
    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "submit_application", applicant)
    assert [str(r) for r in info.value.reasons] == ["still to be submitted: Work plan"]

    wf.submit(iid, applicant, manuscript("p.pdf", deliverable="plan"))
    wf.fire(iid, "submit_application", applicant)
    # funded requires a report of its own; what was submitted for apply does not count
    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "close", applicant)
    assert [str(r) for r in info.value.reasons] == ["still to be submitted: Final report"]


def test_skip_requirements_leaves_without_them(workflow):
    wf = workflow()
    iid = wf.start("R1")
    assert wf.count("submission") == 0

    result = wf.fire(iid, "withdraw", COORDINATOR, comment="region left the programme")

    assert (result.from_state, result.to_state) == ("draft", "withdrawn")
    assert wf.instance(iid).state == "withdrawn"
    assert wf.history(iid)[-1]["trigger"] == "withdraw"


def test_a_state_without_requirements_is_left_freely(workflow):
    wf = workflow()
    iid = wf.start("R1", state="review")
    assert wf.fire(iid, "note", COORDINATOR).to_state == "review"
