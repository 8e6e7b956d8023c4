"""Optimistic locking from the caller: an ``expected_version`` that is not current is refused.

Proves on both databases that fire and submit with a stale ``expected_version`` raise
ConflictError (``engine.stale``: the subject changed, reload and try again -- no version numbers,
which mean nothing to the person reading it) and write nothing (no history row, no submission
row, version unchanged); a version that never existed is bad input naming the versions there
are; the current version is accepted.
"""

from __future__ import annotations

import pytest
from wfkit import AUTHOR, COORDINATOR, manuscript

from engine.errors import ConflictError, InvalidInputError


def test_fire_with_a_stale_version_is_refused_and_writes_nothing(workflow):
    wf = workflow()
    iid = wf.start("R1")
    seen = wf.instance(iid).version  # what a page showed
    wf.submit(iid, AUTHOR, manuscript())  # someone else acted meanwhile

    with pytest.raises(ConflictError) as info:
        wf.fire(iid, "withdraw", COORDINATOR, expected_version=seen)

    assert info.value.code == "engine.stale"
    assert str(info.value) == "R1 changed since you looked; reload and try again"
    inst = wf.instance(iid)
    assert (inst.state, inst.version) == ("draft", 2)
    assert [r["seq"] for r in wf.history(iid)] == [1, 2]


def test_an_older_version_is_a_conflict(workflow):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript())
    with pytest.raises(ConflictError) as info:
        wf.fire(iid, "withdraw", COORDINATOR, expected_version=1)
    assert info.value.code == "engine.stale"
    assert wf.instance(iid).version == 2


@pytest.mark.parametrize("expected", [0, 3, 99])
def test_a_version_that_never_existed_is_bad_input(workflow, expected):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript())
    with pytest.raises(InvalidInputError, match=f"R1 has no version {expected} "
                                                r"\(versions run from 1 to 2\)"):
        wf.fire(iid, "withdraw", COORDINATOR, expected_version=expected)
    assert wf.instance(iid).version == 2


def test_submit_with_a_stale_version_is_refused_and_writes_nothing(workflow):
    wf = workflow()
    iid = wf.start("R1")
    wf.submit(iid, AUTHOR, manuscript())
    with pytest.raises(ConflictError) as info:
        wf.submit(iid, AUTHOR, manuscript("v2.pdf"), expected_version=1)
    assert info.value.code == "engine.stale"
    assert [s["file_name"] for s in wf.table("submission", instance_id=iid)] == ["paper.pdf"]
    assert len(wf.history(iid)) == 2


def test_the_current_version_is_accepted(workflow):
    wf = workflow()
    iid = wf.start("R1")
    assert wf.submit(iid, AUTHOR, manuscript(), expected_version=1) == 1
    result = wf.fire(iid, "send", AUTHOR, expected_version=2)
    assert (result.to_state, result.instance.version) == ("review", 3)
