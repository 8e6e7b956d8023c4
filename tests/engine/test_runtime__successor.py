"""A transition with ``successor`` starts the next cycle as a new instance linked to the old one.

Proves on both databases: firing ``renew`` ends the old instance in its final state and creates
an instance for the same subject with cycle + 1, ``predecessor_id`` pointing at the old one,
state = the successor's start state, version 1 and its own history row seq 1 (kind ``start``,
trigger ``renew``); both happen in one transaction. Also pins a bug: a successor whose start
state no longer exists in the latest definition version fails with a bare KeyError.
"""

from __future__ import annotations

import pytest
from wfkit import COORDINATOR, REVIEWER, manuscript

from engine.errors import WorkflowError
from engine.loading import load_definition


def accepted(wf):
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    wf.fire(iid, "send")
    wf.fire(iid, "accept", REVIEWER)
    return iid


def test_successor_starts_the_next_cycle_linked_to_the_old_one(workflow, clock):
    wf = workflow()
    old = accepted(wf)
    renewed_at = clock.advance(days=365)

    result = wf.fire(old, "renew", COORDINATOR, comment="next year")

    assert (result.from_state, result.to_state) == ("accepted", "archived")
    assert result.successor_id is not None and result.successor_id != old
    assert wf.instance(old).state == "archived"

    new = wf.instance(result.successor_id)
    assert (new.subject, new.cycle, new.predecessor_id) == ("R1", 2, old)
    assert (new.state, new.version, new.definition_key) == ("review", 1, "paper")
    assert new.entered_at == renewed_at

    [start] = wf.history(new.id)
    assert (start["seq"], start["kind"], start["trigger"]) == (1, "start", "renew")
    assert (start["from_state"], start["to_state"]) == (None, "review")
    assert start["actor"] == "coord@example.org"
    assert wf.history(old)[-1]["to_state"] == "archived"
    # the new cycle's state has a deadline; it is opened for the new instance
    [deadline] = wf.table("deadline", instance_id=new.id)
    assert (deadline["state"], deadline["closed_at"]) == ("review", None)


def test_a_second_cycle_for_the_same_subject_is_refused_by_start(workflow):
    from engine.errors import ConflictError

    wf = workflow()
    wf.start("R1")
    with pytest.raises(ConflictError, match=r"^R1 already runs Paper review, cycle 1$"):
        wf.start("R1")
    assert wf.count("workflow_instance WHERE subject = 'R1' AND definition_key = 'paper'") == 1


def test_successor_start_state_missing_from_the_latest_version_is_a_clear_error(workflow):
    wf = workflow()
    old = accepted(wf)
    v2 = (wf.loaded.source_text.replace("version: 1", "version: 2")
          .replace("  review:\n", "  in_review:\n")
          .replace("dest: review", "dest: in_review")
          .replace("source: review", "source: in_review")
          .replace("start: review", "start: in_review")
          .replace("during: [review]", "during: [in_review]")
          .replace("[draft, review]", "[draft, in_review]"))
    with wf.db.transaction() as session:
        wf.engine.publish(session, load_definition(v2, "v2", wf.engine.guards))

    with pytest.raises(WorkflowError):
        wf.fire(old, "renew", COORDINATOR)
    assert wf.instance(old).state == "accepted"
