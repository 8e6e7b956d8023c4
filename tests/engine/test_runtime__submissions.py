"""Submissions: numbered versions per deliverable and party, checked for role, state and party.

Proves on both databases: versions count up separately for each (deliverable, party); a
per-party deliverable needs a party and one that is not per party ignores it; the submitter's
role and the instance's state (``during``) are checked, an unknown deliverable is refused, and
a refusal writes nothing; each submission bumps the instance version, keeps the state, stores
its metadata and appends a history row of kind ``submission``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from wfkit import AUTHOR, COORDINATOR, REVIEWER, manuscript

from engine.contracts import Actor
from engine.errors import InvalidInputError, PermissionDenied, TransitionNotAllowed
from engine.records import Records


def response(name, party=""):
    return manuscript(name, deliverable="response", party=party)


def in_review(wf):
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    wf.fire(iid, "send")
    return iid


def test_versions_count_per_deliverable_and_party(workflow):
    wf = workflow()
    iid = in_review(wf)
    versions = [
        wf.submit(iid, AUTHOR, response("a1.pdf", "lab_a")),
        wf.submit(iid, AUTHOR, response("a2.pdf", "lab_a")),
        wf.submit(iid, AUTHOR, response("b1.pdf", "lab_b")),
        wf.submit(iid, AUTHOR, response("a3.pdf", "lab_a")),
    ]
    assert versions == [1, 2, 1, 3]
    rows = wf.table("submission", instance_id=iid, deliverable="response")
    assert [(r["party"], r["version"], r["file_name"]) for r in rows] == [
        ("lab_a", 1, "a1.pdf"), ("lab_a", 2, "a2.pdf"), ("lab_b", 1, "b1.pdf"),
        ("lab_a", 3, "a3.pdf")]
    with wf.db.read() as session:
        latest = Records(session).latest_submission(iid, "response", "lab_a")
    assert (latest.version, latest.file_name) == (3, "a3.pdf")


def test_a_deliverable_not_per_party_ignores_the_party(workflow):
    wf = workflow()
    iid = wf.start("R1")
    assert wf.submit(iid, AUTHOR, manuscript("one.pdf", party="lab_a")) == 1
    assert wf.submit(iid, COORDINATOR, manuscript("two.pdf", party="lab_b")) == 2
    rows = wf.table("submission", instance_id=iid)
    assert [(r["party"], r["version"]) for r in rows] == [("", 1), ("", 2)]


def test_a_per_party_deliverable_needs_a_party(workflow):
    wf = workflow()
    iid = in_review(wf)
    before = wf.instance(iid).version
    with pytest.raises(InvalidInputError,
                       match=r"^Response letter is submitted by each party: say which one$"):
        wf.submit(iid, AUTHOR, response("r.pdf", ""))
    assert wf.instance(iid).version == before
    assert wf.table("submission", instance_id=iid, deliverable="response") == []


def test_the_submitter_role_is_checked(workflow):
    wf = workflow()
    iid = wf.start("R1")
    with pytest.raises(PermissionDenied) as info:
        wf.submit(iid, REVIEWER, manuscript())
    assert str(info.value) == (
        "only Author or Coordinator may submit Manuscript; rev@example.org may not")
    assert wf.count("submission") == 0


def test_the_state_is_checked_against_during(workflow):
    wf = workflow()
    iid = in_review(wf)
    with pytest.raises(TransitionNotAllowed) as info:
        wf.submit(iid, AUTHOR, manuscript("late.pdf"))
    assert str(info.value) == "Manuscript is accepted during Drafting; R1 is in Under review"

    iid2 = wf.start("R2", COORDINATOR)
    author2 = Actor("b@r2.example.org", "author", subjects=frozenset({"R2"}))
    with pytest.raises(TransitionNotAllowed, match="Response letter is accepted during Under"):
        wf.submit(iid2, author2, response("early.pdf", "lab_b"))
    assert [s["file_name"] for s in wf.table("submission")] == ["paper.pdf"]


def test_an_unknown_deliverable_is_refused(workflow):
    wf = workflow()
    iid = wf.start("R1")
    with pytest.raises(InvalidInputError) as info:
        wf.submit(iid, AUTHOR, manuscript(deliverable="poster"))
    assert str(info.value) == "unknown document poster; accepted: Manuscript, Response letter"
    assert wf.instance(iid).version == 1


def test_a_submission_is_stored_and_recorded_in_history(workflow, clock):
    wf = workflow()
    iid = wf.start("R1")
    at = clock.advance(minutes=30)

    version = wf.submit(iid, AUTHOR, manuscript("paper.pdf", note="first full draft"))

    assert version == 1
    inst = wf.instance(iid)
    assert (inst.state, inst.version) == ("draft", 2)
    [row] = wf.table("submission", instance_id=iid)
    assert row["deliverable"] == "manuscript"
    assert (row["state"], row["submitted_by"], row["role"]) == (
        "draft", "ana@r1.example.org", "author")
    assert (row["media_type"], row["size_bytes"], row["sha256"]) == (
        "application/pdf", 1234, "ab" * 32)
    assert row["note"] == "first full draft"
    assert row["submitted_at"] == at and row["submitted_at"].utcoffset() == timedelta(0)

    last = wf.history(iid)[-1]
    assert (last["seq"], last["kind"], last["trigger"]) == (2, "submission", "manuscript")
    assert (last["from_state"], last["to_state"]) == ("draft", "draft")
    assert (last["actor"], last["role"], last["at"]) == ("ana@r1.example.org", "author", at)
    assert last["comment"] == "first full draft"
