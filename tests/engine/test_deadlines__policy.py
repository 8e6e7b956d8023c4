"""The engine is the deadline table's one writer, and a programme's policy decides the date.

Proves on both databases: when an instance enters a state the engine asks the policy, handing
it the definition's own due date as the default, and opens what it answers (its date and its
origin), also where the definition has no deadline, and nothing when it answers None;
``set_deadline`` moves the open deadline of a state (version + 1) or opens one (version 1);
``move_deadline`` bumps the version each time; leaving a state closes every open deadline of
it, whoever opened it.
"""

from __future__ import annotations

from datetime import timedelta

from wfkit import COORDINATOR, REVIEWER, manuscript

from engine.contracts import DueDate, RelativeDue


def deadlines(wf, iid):
    return [(d["state"], d["due_at"], d["origin"], d["version"], d["closed_at"])
            for d in wf.table("deadline", instance_id=iid)]


def test_the_policy_decides_the_date_of_a_state_entered(workflow, clock):
    asked = []

    def policy(session, instance, state, default):
        asked.append((instance.state, state, default))
        if state == "review":
            return DueDate(clock.now + timedelta(days=3), "cohort")
        return default

    wf = workflow()
    wf.engine.deadline_policy = policy
    t0 = clock.now
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    t1 = clock.advance(hours=5)
    wf.fire(iid, "send")

    # The engine offers the definition's days from the minute of entry, saying so.
    assert asked == [
        ("draft", "draft", RelativeDue(t0 + timedelta(days=10), "definition", days=10,
                                       entered_at=t0)),
        ("review", "review", RelativeDue(t1 + timedelta(days=30), "definition", days=30,
                                         entered_at=t1))]
    assert deadlines(wf, iid) == [
        ("draft", t0 + timedelta(days=10), "definition", 1, t1),
        ("review", t1 + timedelta(days=3), "cohort", 1, None),
    ]


def test_the_policy_may_open_a_deadline_the_definition_lacks_or_none_at_all(workflow, clock):
    wf = workflow()
    wf.engine.deadline_policy = lambda session, instance, state, default: (
        DueDate(clock.now + timedelta(days=1), "cohort") if state == "accepted" else None)
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    wf.fire(iid, "send")
    assert deadlines(wf, iid) == []  # draft and review have days, but the policy said none
    wf.fire(iid, "accept", REVIEWER)  # accepted has no deadline in the definition
    assert deadlines(wf, iid) == [("accepted", clock.now + timedelta(days=1), "cohort", 1, None)]


def test_set_and_move_bump_the_version_and_leaving_closes_them(workflow, clock):
    wf = workflow(listeners=[])
    wf.engine.deadline_policy = lambda session, instance, state, default: (
        default if state == "review" else None)
    iid = wf.start("R1")
    assert deadlines(wf, iid) == []  # draft entered without a deadline
    due = clock.now + timedelta(days=20)
    with wf.db.transaction() as session:
        opened = wf.engine.set_deadline(session, iid, "draft", DueDate(due, "region"))
        moved = wf.engine.set_deadline(session, iid, "draft", DueDate(due, "region"))
        again = wf.engine.move_deadline(session, opened.id,
                                        DueDate(due + timedelta(days=1), "extension"))
    assert (opened.version, moved.version, again, moved.id) == (1, 2, 3, opened.id)
    assert deadlines(wf, iid) == [("draft", due + timedelta(days=1), "extension", 3, None)]

    wf.submit(iid, COORDINATOR, manuscript())
    left = clock.advance(days=1)
    wf.fire(iid, "send")
    assert deadlines(wf, iid) == [
        ("draft", due + timedelta(days=1), "extension", 3, left),
        ("review", left + timedelta(days=30), "definition", 1, None),
    ]
