"""The engine's conditions decide on a generic workflow as the programme's guards did.

A paper is sent only once every party has handed in its form (the parties come from the
program's reader); a rejection sends it back while rounds remain, counting rounds granted by a
named trigger, and escalates on the last one; a resubmission needs a new version since the last
decision; publishing waits ten days in review. Reasons use the engine's own wording unless a
definition names a message key. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from wfkit import AUTHOR, COORDINATOR, REVIEWER, manuscript

from engine import GuardFailed, GuardRegistry

YAML = """\
key: paper
version: 1
title: Paper review
initial: draft
roles:
  coordinator: {label: Coordinator}
  author: {label: Author, scoped: true}
  reviewer: {label: Reviewer}
deliverables:
  form:
    label: Consent form
    per_party: true
    submitted_by: [author]
    during: [draft]
  manuscript:
    label: Manuscript
    submitted_by: [author]
    during: [draft, revision]
states:
  draft: {}
  review: {}
  revision: {}
  escalated: {}
  published:
    final: true
transitions:
  - trigger: send
    source: draft
    dest: review
    roles: [author]
    guards: [{all_parties_submitted: {deliverable: form}}]
  - trigger: reject
    source: review
    dest: revision
    roles: [reviewer]
    guards: &left
      - rounds_left:
          {deliverable: manuscript, decision: rejected, allowed: 2, granted_by: grant}
    review: {deliverable: manuscript, decision: rejected}
  - trigger: reject
    source: review
    dest: escalated
    roles: [reviewer]
    unless: *left
    review: {deliverable: manuscript, decision: rejected}
  - trigger: resubmit
    source: revision
    dest: review
    roles: [author]
    guards: [{revised_since: {deliverable: manuscript}}]
  - trigger: grant
    source: escalated
    dest: revision
    roles: [coordinator]
  - trigger: publish
    source: review
    dest: published
    roles: [coordinator]
    guards: [{time_in_state: {days: 10}}]
"""

LAB_B = AUTHOR.__class__("bo@r1.example.org", "author", subjects=frozenset({"R1"}),
                         party="lab_b")


def _parties(ctx: Any) -> list[tuple[str, str]]:
    return [("lab_a", "Lab A"), ("lab_b", "Lab B")]


def _reasons(caught: pytest.ExceptionInfo[GuardFailed]) -> list[str]:
    return [str(reason) for reason in caught.value.reasons]


def test_the_conditions_decide_a_paper(workflow: Any, clock: Any) -> None:
    wf = workflow(YAML, GuardRegistry(parties=_parties))
    iid = wf.start()
    wf.submit(iid, AUTHOR, manuscript("form-a.pdf", deliverable="form", party="lab_a"))
    wf.submit(iid, AUTHOR, manuscript("v1.pdf"))
    with pytest.raises(GuardFailed) as caught:
        wf.fire(iid, "send", AUTHOR)
    assert _reasons(caught) == ["1 of 2 parties have not submitted: Lab B (lab_b)"]
    wf.submit(iid, LAB_B, manuscript("form-b.pdf", deliverable="form", party="lab_b"))
    assert wf.fire(iid, "send", AUTHOR).to_state == "review"

    assert wf.fire(iid, "reject", REVIEWER, comment="Tables").to_state == "revision"
    with pytest.raises(GuardFailed) as caught:
        wf.fire(iid, "resubmit", AUTHOR)
    assert _reasons(caught) == ["submit a revised version first; round 1 asked: Tables"]
    wf.submit(iid, AUTHOR, manuscript("v2.pdf"))
    wf.fire(iid, "resubmit", AUTHOR)
    # Two rounds allowed: the second rejection is the last and escalates.
    assert wf.fire(iid, "reject", REVIEWER, comment="Still").to_state == "escalated"
    wf.fire(iid, "grant", COORDINATOR)  # one more round
    wf.submit(iid, AUTHOR, manuscript("v3.pdf"))
    wf.fire(iid, "resubmit", AUTHOR)
    assert wf.fire(iid, "reject", REVIEWER, comment="Again").to_state == "escalated"

    wf.fire(iid, "grant", COORDINATOR)
    wf.submit(iid, AUTHOR, manuscript("v4.pdf"))
    entered = clock.now
    wf.fire(iid, "resubmit", AUTHOR)
    clock.now = entered + timedelta(days=10) - timedelta(seconds=1)
    with pytest.raises(GuardFailed) as caught:
        wf.fire(iid, "publish", COORDINATOR)
    assert _reasons(caught) == [
        f"this stage began on {entered.date().isoformat()} and runs until "
        f"{(entered + timedelta(days=10)).date().isoformat()}"]
    clock.now = entered + timedelta(days=10)
    assert wf.fire(iid, "publish", COORDINATOR).to_state == "published"


def test_no_parties_is_a_reason_not_a_pass(workflow: Any) -> None:
    wf = workflow(YAML, GuardRegistry(parties=lambda ctx: []))
    iid = wf.start()
    with pytest.raises(GuardFailed) as caught:
        wf.fire(iid, "send", AUTHOR)
    assert _reasons(caught) == ["no parties are registered for R1"]
