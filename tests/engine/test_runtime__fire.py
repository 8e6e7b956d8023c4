"""Starting and firing write exactly what they should: state, version, and one history row.

Proves, on SQLite and PostgreSQL, that ``start`` creates an instance at version 1 with history
row seq 1, and that each ``fire`` moves the state, bumps the version by one and appends exactly
one history row carrying actor, role, trigger, from/to state, comment and the clock's time as an
aware UTC datetime, all read back from the database through another connection.
"""

from __future__ import annotations

from datetime import timedelta

from wfkit import AUTHOR, COORDINATOR, REVIEWER, manuscript


def test_start_creates_the_instance_and_history_row_one(workflow, clock):
    wf = workflow()
    iid = wf.start("R1", COORDINATOR)

    inst = wf.instance(iid)
    assert (inst.definition_key, inst.definition_version, inst.subject) == ("paper", 1, "R1")
    assert (inst.state, inst.version, inst.cycle, inst.predecessor_id) == ("draft", 1, 1, None)
    assert inst.entered_at == clock.now

    [row] = wf.history(iid)
    assert row["seq"] == 1
    assert row["kind"] == "start"
    assert row["trigger"] == "start"
    assert row["from_state"] is None
    assert row["to_state"] == "draft"
    assert (row["actor"], row["role"]) == ("coord@example.org", "coordinator")
    assert row["at"] == clock.now
    assert row["at"].utcoffset() == timedelta(0)


def test_fire_moves_state_bumps_version_and_appends_one_history_row(workflow, clock):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript())
    before = wf.instance(iid)
    assert (before.state, before.version) == ("draft", 2)
    rows_before = len(wf.history(iid))

    fired_at = clock.advance(hours=5, minutes=7)
    result = wf.fire(iid, "send", AUTHOR, comment="ready for review")

    assert (result.from_state, result.to_state) == ("draft", "review")
    assert (result.instance.state, result.instance.version) == ("review", 3)
    assert result.successor_id is None

    after = wf.instance(iid)
    assert (after.state, after.version) == ("review", 3)
    assert after.entered_at == fired_at

    history = wf.history(iid)
    assert len(history) == rows_before + 1
    row = history[-1]
    assert row["seq"] == 3
    assert row["kind"] == "transition"
    assert (row["actor"], row["role"]) == ("ana@r1.example.org", "author")
    assert (row["trigger"], row["from_state"], row["to_state"]) == ("send", "draft", "review")
    assert row["comment"] == "ready for review"
    assert row["at"] == fired_at
    assert row["at"].utcoffset() == timedelta(0)


def test_history_sequence_follows_the_version_through_several_actions(workflow, clock):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    wf.fire(iid, "send")
    clock.advance(days=1)
    wf.fire(iid, "accept", REVIEWER)

    history = wf.history(iid)
    assert [r["seq"] for r in history] == [1, 2, 3, 4]
    assert [r["kind"] for r in history] == ["start", "submission", "transition", "transition"]
    assert [r["to_state"] for r in history] == ["draft", "draft", "review", "accepted"]
    assert wf.instance(iid).version == 4
    assert history[-1]["comment"] is None


def test_a_transition_back_into_the_same_state_keeps_entered_at(workflow, clock):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    entered = clock.advance(hours=1)
    wf.fire(iid, "send")
    clock.advance(hours=2)

    result = wf.fire(iid, "note", REVIEWER, comment="looked at it")

    assert (result.from_state, result.to_state) == ("review", "review")
    inst = wf.instance(iid)
    assert (inst.state, inst.version) == ("review", 4)
    assert inst.entered_at == entered
    last = wf.history(iid)[-1]
    assert (last["from_state"], last["to_state"], last["seq"]) == ("review", "review", 4)
