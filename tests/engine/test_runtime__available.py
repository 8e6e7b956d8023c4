"""``available()`` lists every trigger from the current state, whether the actor may fire it now,
and why not -- without writing anything.

Proves on both databases that the list follows definition order with labels and destinations,
that a refused role, a failing guard and a missing deliverable each appear as a reason, and that
asking changes neither the instance nor its history.
"""

from __future__ import annotations

from wfkit import AUTHOR, COORDINATOR, REVIEWER, basic_guards, manuscript


def test_available_in_review_for_a_reviewer(workflow):
    flags = {"editor": False}
    wf = workflow(guards=basic_guards(flags))
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    wf.fire(iid, "send")
    version = wf.instance(iid).version
    history = wf.history(iid)

    with wf.db.read() as session:
        actions = {a.trigger: a for a in wf.engine.available(session, iid, REVIEWER)}

    assert list(actions) == ["accept", "reject", "note", "withdraw"]
    assert (actions["accept"].allowed, actions["accept"].reasons) == (
        False, ("the editor has not agreed yet",))
    assert actions["accept"].dests == ("accepted",)
    assert actions["accept"].label == "accept"
    # a comment is asked for when firing; the dry run does not refuse for lack of one
    assert (actions["reject"].allowed, actions["reject"].reasons) == (True, ())
    assert (actions["note"].allowed, actions["note"].dests) == (True, ("review",))
    assert actions["withdraw"].allowed is False
    assert actions["withdraw"].reasons == (
        "only Coordinator may withdraw; rev@example.org may not",)
    assert wf.instance(iid).version == version
    assert wf.history(iid) == history

    flags["editor"] = True
    with wf.db.read() as session:
        accept = next(a for a in wf.engine.available(session, iid, REVIEWER)
                      if a.trigger == "accept")
    assert (accept.allowed, accept.reasons) == (True, ())


def test_available_names_missing_deliverables_and_scope(workflow):
    wf = workflow()
    iid = wf.start("R1")
    with wf.db.read() as session:
        mine = {a.trigger: a for a in wf.engine.available(session, iid, AUTHOR)}
    assert list(mine) == ["send", "withdraw"]
    assert mine["send"].allowed is False
    assert mine["send"].reasons == ("still to be submitted: Manuscript",)
    assert mine["send"].dests == ("review",)

    other = AUTHOR.__class__("bo@r2.example.org", "author", subjects=frozenset({"R2"}))
    with wf.db.read() as session:
        theirs = wf.engine.available(session, iid, other)
    assert [a.allowed for a in theirs] == [False, False]
    assert all("is not assigned to R1" in a.reasons[0] for a in theirs)
    assert len(wf.history(iid)) == 1
