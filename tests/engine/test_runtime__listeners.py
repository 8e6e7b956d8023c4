"""Listeners run inside the action's transaction: their rows commit with it, or nothing does.

Proves on both databases that a listener sees the completed action (kind, trigger, from/to,
actor) and that rows it writes through ``event.session`` are committed together with the state
change; and that a listener raising mid-transaction rolls back everything -- the state change,
the version bump, the history row, deadline changes and rows written by earlier listeners.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert
from wfkit import COORDINATOR, manuscript

from engine.models import Deadline


class Boom(RuntimeError):
    pass


def add_reminder(event):
    """A listener that writes a row of its own in the action's transaction."""
    if event.kind == "transition":
        event.session.execute(insert(Deadline.__table__).values(
            instance_id=event.instance.id, state=event.to_state, origin="listener",
            due_at=event.at + timedelta(days=1), created_at=event.at,
        ))


def explode_on(trigger):
    def listener(event):
        if event.trigger == trigger:
            raise Boom(f"listener refused {trigger}")
    return listener


def test_a_listener_sees_the_action_and_its_rows_commit_with_it(workflow, clock):
    seen = []
    wf = workflow(listeners=[lambda e: seen.append(
        (e.kind, e.trigger, e.from_state, e.to_state, e.actor.identity, e.comment, e.at)),
        add_reminder])
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript(note="first draft"))
    sent_at = clock.advance(hours=1)
    wf.fire(iid, "send", comment="go")

    t0 = sent_at - timedelta(hours=1)
    assert seen == [
        ("start", "start", None, "draft", "coord@example.org", None, t0),
        ("submission", "manuscript", "draft", "draft", "coord@example.org", "first draft", t0),
        ("transition", "send", "draft", "review", "coord@example.org", "go", sent_at),
    ]
    reminders = [d for d in wf.table("deadline", instance_id=iid) if d["origin"] == "listener"]
    assert [(d["state"], d["due_at"]) for d in reminders] == [
        ("review", clock.now + timedelta(days=1))]


def test_a_listener_that_raises_rolls_back_the_whole_action(workflow, clock):
    wf = workflow(listeners=[add_reminder, explode_on("send")])
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    before = wf.instance(iid)
    history_before = wf.history(iid)
    deadlines_before = wf.table("deadline", instance_id=iid)
    assert [(d["state"], d["closed_at"]) for d in deadlines_before] == [("draft", None)]
    clock.advance(days=1)

    with pytest.raises(Boom):
        wf.fire(iid, "send", comment="go")

    after = wf.instance(iid)
    assert (after.state, after.version, after.entered_at) == ("draft", 2, before.entered_at)
    assert wf.history(iid) == history_before
    # neither the closed draft deadline, the opened review deadline nor the listener's row
    assert wf.table("deadline", instance_id=iid) == deadlines_before


def test_a_listener_that_raises_on_start_leaves_no_instance(workflow):
    wf = workflow(listeners=[explode_on("start")])
    with pytest.raises(Boom):
        wf.start("R1")
    assert wf.count("workflow_instance WHERE definition_key = 'paper'") == 0
    assert wf.count("workflow_history") == 0
    assert wf.count("deadline") == 0


def test_listeners_see_the_instance_as_it_is_after_start_and_transition(workflow):
    versions = []
    wf = workflow(listeners=[lambda e: versions.append((e.kind, e.instance.state,
                                                        e.instance.version))])
    iid = wf.start("R1")
    wf.fire(iid, "withdraw")
    assert versions == [("start", "draft", 1), ("transition", "withdrawn", 2)]


def test_listeners_see_the_instance_as_it_is_after_a_submission(workflow):
    versions = []
    wf = workflow(listeners=[lambda e: versions.append((e.kind, e.instance.version))])
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    assert wf.instance(iid).version == 2
    assert versions == [("start", 1), ("submission", 2)]
