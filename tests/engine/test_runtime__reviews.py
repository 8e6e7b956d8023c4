"""Transitions with ``review`` record a numbered decision on the deliverable's latest version.

Proves on both databases: a review transition is refused while nothing has been submitted
(reason names the deliverable) and writes nothing; each review records round 1, 2, ... with the
decision of the transition, the reviewer, the comment and the id of the latest submitted
version at that moment. Also pins a bug: a review of a per-party deliverable loads but can
never fire.
"""

from __future__ import annotations

import pytest
from wfkit import AUTHOR, COORDINATOR, REVIEWER, manuscript

from engine.errors import DefinitionError, GuardFailed
from engine.guards import GuardRegistry
from engine.loading import load_definition
from engine.records import Records

REVIEWED = """\
key: essay
version: 1
title: Essay
initial: writing
roles:
  coordinator: {}
  author: {scoped: true}
  reviewer: {}
deliverables:
  essay:
    label: Essay
    submitted_by: [author]
    during: [writing, revising]
states:
  writing: {}
  reviewing: {}
  revising: {}
  published: {final: true}
transitions:
  - {trigger: hand_in, source: writing, dest: reviewing, roles: [author]}
  - trigger: approve
    source: reviewing
    dest: published
    roles: [reviewer]
    review: {deliverable: essay, decision: approved}
  - trigger: send_back
    source: reviewing
    dest: revising
    roles: [reviewer]
    comment: required
    review: {deliverable: essay, decision: rejected}
  - {trigger: hand_in_again, source: revising, dest: reviewing, roles: [author]}
"""


def decisions(wf, iid):
    return [(r["round"], r["decision"], r["reviewer"], r["comment"], r["submission_id"])
            for r in wf.table("review_decision", instance_id=iid)]


def submission_ids(wf, iid):
    return [r["id"] for r in wf.table("submission", instance_id=iid)]


def test_a_review_needs_something_to_review(workflow):
    wf = workflow(REVIEWED, GuardRegistry())
    iid = wf.start("R1", COORDINATOR)
    wf.fire(iid, "hand_in", AUTHOR)
    with pytest.raises(GuardFailed) as info:
        wf.fire(iid, "approve", REVIEWER)
    assert [str(r) for r in info.value.reasons] == ["there is no Essay to review yet"]
    assert decisions(wf, iid) == []
    assert wf.instance(iid).state == "reviewing"


def test_review_rounds_are_numbered_and_point_at_the_latest_version(workflow):
    wf = workflow(REVIEWED, GuardRegistry())
    iid = wf.start("R1", COORDINATOR)
    wf.submit(iid, AUTHOR, manuscript("v1.pdf", deliverable="essay"))
    wf.fire(iid, "hand_in", AUTHOR)
    wf.fire(iid, "send_back", REVIEWER, comment="too long")
    wf.submit(iid, AUTHOR, manuscript("v2.pdf", deliverable="essay"))
    wf.submit(iid, AUTHOR, manuscript("v3.pdf", deliverable="essay"))
    wf.fire(iid, "hand_in_again", AUTHOR)
    wf.fire(iid, "approve", REVIEWER, comment="good")

    first, _, third = submission_ids(wf, iid)
    assert decisions(wf, iid) == [
        (1, "rejected", "rev@example.org", "too long", first),
        (2, "approved", "rev@example.org", "good", third),
    ]
    assert wf.instance(iid).state == "published"
    with wf.check.read() as session:
        rounds = Records(session).reviews(iid, "essay")
    assert [r.decision for r in rounds] == ["rejected", "approved"]


def test_a_per_party_deliverable_can_be_reviewed_or_is_refused_at_load(workflow):
    text = REVIEWED.replace("    label: Essay\n", "    label: Essay\n    per_party: true\n")
    try:
        load_definition(text, "essay.yaml", GuardRegistry())
    except DefinitionError:
        return  # refusing the definition is a fix too
    wf = workflow(text, GuardRegistry())
    iid = wf.start("R1", COORDINATOR)
    wf.submit(iid, AUTHOR, manuscript("v1.pdf", deliverable="essay", party="lab_a"))
    wf.fire(iid, "hand_in", AUTHOR)
    wf.fire(iid, "approve", REVIEWER)
    assert wf.instance(iid).state == "published"
