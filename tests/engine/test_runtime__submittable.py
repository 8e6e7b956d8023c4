"""``submittable()`` names the deliverables an actor may submit now: the checks ``submit()``
makes (scope, role, state), asked without writing, so pages offer only uploads that would be
accepted.

Proves on both databases: the list follows the actor's role and the instance's state; an actor
bound to other subjects may submit nothing; everything listed is then accepted by ``submit()``,
and asking writes nothing.
"""

from __future__ import annotations

from wfkit import AUTHOR, COORDINATOR, REVIEWER, manuscript

from engine.contracts import Actor


def test_the_list_follows_role_and_state(workflow):
    wf = workflow()
    iid = wf.start("R1")
    version = wf.instance(iid).version
    with wf.db.read() as session:
        instance = wf.engine.get_instance(session, iid)
        asked = {who.role: wf.engine.submittable(session, instance, who)
                 for who in (AUTHOR, COORDINATOR, REVIEWER)}
    assert asked == {"author": ["manuscript"], "coordinator": ["manuscript"], "reviewer": []}
    assert wf.instance(iid).version == version  # asking wrote nothing

    wf.submit(iid, AUTHOR, manuscript())
    wf.fire(iid, "send")
    with wf.db.read() as session:
        instance = wf.engine.get_instance(session, iid)
        assert wf.engine.submittable(session, instance, AUTHOR) == ["response"]
        assert wf.engine.submittable(session, instance, COORDINATOR) == []
    assert wf.submit(iid, AUTHOR, manuscript("r.pdf", deliverable="response",
                                             party="lab_a")) == 1


def test_an_actor_of_another_subject_may_submit_nothing(workflow):
    wf = workflow()
    iid = wf.start("R1")
    stranger = Actor("eve@r2.example.org", "author", subjects=frozenset({"R2"}), party="lab_z")
    with wf.db.read() as session:
        instance = wf.engine.get_instance(session, iid)
        assert wf.engine.submittable(session, instance, stranger) == []
