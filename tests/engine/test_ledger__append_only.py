"""History is append-only in the database itself: UPDATE and DELETE on workflow_history fail.

Proves on both databases that hand-written SQL cannot rewrite or remove a history row -- the
triggers installed by the migration refuse it, both on a raw connection and inside
``Database.transaction`` (where the refusal surfaces as one of the engine's errors) -- and
that the rows are unchanged afterwards while appending (the engine's own INSERT) still works.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from wfkit import COORDINATOR, manuscript

from engine.errors import WorkflowError

STATEMENTS = {
    "update": "UPDATE workflow_history SET comment = 'rewritten', actor = 'mallory' "
              "WHERE instance_id = :i",
    "delete": "DELETE FROM workflow_history WHERE instance_id = :i",
    "update-one": "UPDATE workflow_history SET seq = seq + 100 WHERE instance_id = :i "
                  "AND seq = 1",
}


@pytest.mark.parametrize("verb", sorted(STATEMENTS))
def test_raw_sql_cannot_change_history(workflow, verb):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, COORDINATOR, manuscript())
    before = wf.history(iid)
    assert len(before) == 2

    with pytest.raises(DBAPIError) as info, wf.db.engine.begin() as conn:
        conn.execute(text(STATEMENTS[verb]), {"i": iid})
    assert "workflow_history is append-only" in str(info.value)

    with pytest.raises(WorkflowError) as info, wf.db.transaction() as session:
        session.execute(text(STATEMENTS[verb]), {"i": iid})
    assert "append-only" in str(info.value)

    assert wf.history(iid) == before
    wf.fire(iid, "send", COORDINATOR)
    assert [r["seq"] for r in wf.history(iid)] == [1, 2, 3]


def test_the_refusal_rolls_back_the_rest_of_the_transaction(workflow):
    wf = workflow()
    iid = wf.start("R1")
    with pytest.raises(WorkflowError), wf.db.transaction() as session:
        wf.engine.fire(session, iid, "withdraw", COORDINATOR)
        session.execute(text("DELETE FROM workflow_history WHERE instance_id = :i"), {"i": iid})
    inst = wf.instance(iid)
    assert (inst.state, inst.version) == ("draft", 1)
    assert [r["trigger"] for r in wf.history(iid)] == ["start"]


def test_truncate_cannot_empty_history(workflow):
    wf = workflow()
    iid = wf.start("R1")
    before = wf.history(iid)
    if wf.db.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE (its DELETE is refused above)")
    with pytest.raises(DBAPIError) as info, wf.db.engine.begin() as conn:
        conn.execute(text("TRUNCATE workflow_history CASCADE"))
    assert "workflow_history is append-only" in str(info.value)
    assert wf.history(iid) == before
