"""Relative deadlines open when a state is entered and close when it is left.

Proves on both databases: ``start`` in a state with ``deadline: {days: N}`` opens a row due N
days after the clock's time; leaving it closes that row at the time of leaving and opens the
next state's; a transition back into the same state neither closes nor reopens; entering a
state without a deadline opens nothing.
"""

from __future__ import annotations

from datetime import timedelta

from wfkit import COORDINATOR, REVIEWER, manuscript


def summary(wf, iid):
    return [(d["state"], d["due_at"], d["closed_at"], d["origin"])
            for d in wf.table("deadline", instance_id=iid)]


def test_deadlines_follow_the_state(workflow, clock):
    wf = workflow()
    t0 = clock.now
    iid = wf.start("R1")
    assert summary(wf, iid) == [("draft", t0 + timedelta(days=10), None, "definition")]

    wf.submit(iid, COORDINATOR, manuscript())
    t1 = clock.advance(days=3, hours=4)
    wf.fire(iid, "send")
    assert summary(wf, iid) == [
        ("draft", t0 + timedelta(days=10), t1, "definition"),
        ("review", t1 + timedelta(days=30), None, "definition"),
    ]

    clock.advance(days=1)
    wf.fire(iid, "note", REVIEWER)  # review -> review
    assert summary(wf, iid)[-1] == ("review", t1 + timedelta(days=30), None, "definition")
    assert len(summary(wf, iid)) == 2

    t3 = clock.advance(days=2)
    wf.fire(iid, "accept", REVIEWER)  # accepted has no deadline
    assert summary(wf, iid) == [
        ("draft", t0 + timedelta(days=10), t1, "definition"),
        ("review", t1 + timedelta(days=30), t3, "definition"),
    ]
    for row in wf.table("deadline", instance_id=iid):
        assert row["due_at"].utcoffset() == timedelta(0)


def test_a_state_entered_twice_gets_a_new_deadline_each_time(workflow, clock):
    loop = """\
key: loop
version: 1
title: Loop
initial: work
roles: {worker: {}}
states:
  work: {deadline: {days: 2}}
  check: {}
  done: {final: true}
transitions:
  - {trigger: hand_in, source: work, dest: check, roles: [worker]}
  - {trigger: redo, source: check, dest: work, roles: [worker]}
  - {trigger: finish, source: check, dest: done, roles: [worker]}
"""
    from engine.contracts import Actor
    from engine.guards import GuardRegistry

    worker = Actor("w@example.org", "worker")
    wf = workflow(loop, GuardRegistry())
    t0 = clock.now
    iid = wf.start("R9", worker)
    t1 = clock.advance(days=1)
    wf.fire(iid, "hand_in", worker)
    t2 = clock.advance(days=1)
    wf.fire(iid, "redo", worker)
    assert summary(wf, iid) == [
        ("work", t0 + timedelta(days=2), t1, "definition"),
        ("work", t2 + timedelta(days=2), None, "definition"),
    ]
