"""The engine's read API answers from committed data with frozen records, one query per set.

Proves on both databases, on a small reviewed workflow and the paper workflow of wfkit: the
newest cycle of each subject, with the open deadline of the state it is in; what was submitted
(pairs, versions in order, the latest per party); review decisions by round, the last one and
their count; the history with each entry's cycle, and how often a trigger fired; open and every
deadline of an instance. Records are frozen dataclasses, not table rows, and a read of a set
(instances, deadlines, review rounds) is one statement for one subject or many.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import event
from wfkit import AUTHOR, COORDINATOR, REVIEWER, manuscript

from engine.guards import GuardRegistry
from engine.records import Records

REVIEWED = """\
key: essay
version: 1
title: Essay
initial: writing
roles: {author: {scoped: true}, reviewer: {}}
deliverables:
  essay: {label: Essay, submitted_by: [author], during: [writing, revising]}
states: {writing: {}, reviewing: {}, revising: {}, published: {final: true}}
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
    review: {deliverable: essay, decision: rejected}
  - {trigger: hand_in_again, source: revising, dest: reviewing, roles: [author]}
"""


def test_instances_the_newest_cycle_and_its_open_deadline(workflow, clock):
    wf = workflow()
    first = wf.start("R1")
    wf.submit(first, COORDINATOR, manuscript())
    wf.fire(first, "send")
    wf.fire(first, "accept", REVIEWER)
    renewed = wf.fire(first, "renew").successor_id  # cycle 2 starts in review
    other = wf.start("R2")
    with wf.check.read() as session:
        records = Records(session)
        newest = records.current_instance("paper", "R1")
        both = records.current_instances("paper", ["R1", "R2", "R3"])
        progress = records.current_with_deadlines("paper", ["R1", "R2"])
        assert records.current_instance("paper", "R3") is None
    assert (newest.id, newest.cycle, newest.state) == (renewed, 2, "review")
    assert {s: i.id for s, i in both.items()} == {"R1": renewed, "R2": other}
    instance, deadline = progress["R1"]
    assert instance == newest and deadline.state == "review" and deadline.closed_at is None
    assert deadline.due_at == clock.now + timedelta(days=30)
    assert progress["R2"][1].state == "draft"
    with pytest.raises(dataclasses.FrozenInstanceError):
        deadline.state = "draft"  # type: ignore[misc]


def test_submissions_reviews_and_history(workflow):
    wf = workflow(REVIEWED, GuardRegistry())
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript("v1.pdf", deliverable="essay"))
    wf.fire(iid, "hand_in", AUTHOR)
    wf.fire(iid, "send_back", REVIEWER, comment="shorter")
    wf.submit(iid, AUTHOR, manuscript("v2.pdf", deliverable="essay"))
    wf.fire(iid, "hand_in_again", AUTHOR)
    wf.fire(iid, "approve", REVIEWER)
    with wf.check.read() as session:
        records = Records(session)
        sent = records.submissions(iid)
        latest = records.latest_submission(iid, "essay")
        rounds = records.reviews(iid, "essay")
        last = records.last_review(iid)
        history = records.history("R1")
        assert records.submitted(iid) == {("essay", "")}
        assert records.submitted_deliverables(iid) == {"essay"}
        assert records.review_count(iid, "essay") == 2
        assert records.review_count(iid, "essay", "rejected") == 1
        assert records.review_rounds([iid]) == {iid: 2}
        assert records.times_fired(iid, "hand_in_again") == 1
        assert records.submission(sent[0].id, subject="R2") is None
        assert records.submission(sent[0].id, subject="R1") == sent[0]
    assert [(s.version, s.file_name) for s in sent] == [(1, "v1.pdf"), (2, "v2.pdf")]
    assert latest == sent[1]
    assert [(r.round, r.decision, r.comment, r.submission_id) for r in rounds] == [
        (1, "rejected", "shorter", sent[0].id), (2, "approved", None, sent[1].id)]
    assert last == rounds[-1]
    assert [(h.cycle, h.seq, h.kind, h.trigger) for h in history] == [
        (1, 1, "start", "start"), (1, 2, "submission", "essay"), (1, 3, "transition", "hand_in"),
        (1, 4, "transition", "send_back"), (1, 5, "submission", "essay"),
        (1, 6, "transition", "hand_in_again"), (1, 7, "transition", "approve")]


def test_open_and_every_deadline_of_an_instance(workflow, clock):
    wf = workflow()
    iid = wf.start("R1")
    other = wf.start("R2")
    wf.submit(iid, COORDINATOR, manuscript())
    left = clock.advance(days=2)
    wf.fire(iid, "send")
    with wf.check.read() as session:
        records = Records(session)
        every = records.deadlines(iid)
        now_open = records.open_deadlines()
        of_r1 = records.open_deadlines(subjects=["R1"])
        with_closed = records.open_deadlines(ids=[d.id for d in every], include_closed=True)
        assert records.open_deadline(iid, "draft") is None
        assert records.open_deadline(iid, "review") == every[1]
        assert records.deadline(every[0].id) == every[0]
    assert [(d.state, d.closed_at) for d in every] == [("draft", left), ("review", None)]
    assert [(d.subject, d.state) for d in now_open] == [("R2", "draft"), ("R1", "review")]
    assert [d.instance_id for d in of_r1] == [iid] and other != iid
    assert sorted(d.id for d in with_closed) == sorted(d.id for d in every)


def test_set_reads_are_one_statement_whatever_the_number_of_subjects(workflow):
    wf = workflow()
    ids = [wf.start(f"R{n}") for n in range(1, 6)]
    statements: list[str] = []

    def seen(*args) -> None:
        statements.append(args[2])

    with wf.check.read() as session:
        records = Records(session)
        session.connection()  # the BEGIN of a read is not a read
        event.listen(wf.check.engine, "before_cursor_execute", seen)
        try:
            counts = []
            for subjects in (["R1"], [f"R{n}" for n in range(1, 6)]):
                before = len(statements)
                records.current_instances("paper", subjects)
                records.current_with_deadlines("paper", subjects)
                records.open_deadlines(subjects=subjects)
                records.review_rounds(ids[:len(subjects)])
                counts.append(len(statements) - before)
        finally:
            event.remove(wf.check.engine, "before_cursor_execute", seen)
    assert counts == [4, 4]
