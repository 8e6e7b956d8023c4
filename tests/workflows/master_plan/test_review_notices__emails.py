"""Review emails: mentors are asked when a plan awaits them; OPDs are told when it is rejected
(with the comment and the date the revision is due) and when it is approved (with the comment
and the stage the region moves on to).

All are queued in the action's transaction (a refused action queues nothing) and carry a
signed single-use link that opens the exact page to act on.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select

from engine import GuardFailed, Records
from notifications.models import OutboxMessage
from workflows.access import links
from workflows.zones import spoken


def _mail(world: Any, kind: str) -> list[OutboxMessage]:
    with world.prog.db.read() as session:
        return list(session.execute(select(OutboxMessage).where(
            col(OutboxMessage.kind) == kind).order_by(col(OutboxMessage.id))).scalars())


def _link(mail: OutboxMessage) -> str:
    found = re.search(r"/l/([A-Za-z0-9_.\-]+)", mail.text_body)
    assert found, mail.text_body
    return found.group(1)


def test_entering_review_asks_the_regions_mentors_with_a_link_to_the_queue(world: Any) -> None:
    r = world.region()
    world.drive(r, "mentor_review")
    asked = _mail(world, "review_requested")
    assert [m.recipient for m in asked] == [r.mentor]
    assert "Kota Balikpapan" in asked[0].subject and "1" in asked[0].subject
    with world.prog.db.transaction() as session:
        opened = links.redeem(session, world.prog.settings, _link(asked[0]),
                              world.prog.engine.clock())
    assert (opened.email, opened.path) == (r.mentor, "/queue#region-64.71")


def test_rejection_tells_every_opd_with_the_comment_and_resubmission_asks_again(
        world: Any) -> None:
    r = world.region()
    world.drive(r, "mentor_review")
    world.reject(r, "Baseline 2025 <b>belum</b> ada")
    told = _mail(world, "review_rejected")
    assert sorted(m.recipient for m in told) == sorted(r.opds.values())
    assert "Baseline 2025 <b>belum</b> ada" in told[0].text_body
    with world.prog.db.read() as session:
        revision = Records(session).open_deadlines(subjects=[r.code])[0]
    assert revision.state == "revision"
    # The OPDs read Indonesian (no account of their own): the date as a letter writes it.
    due = spoken(revision.due_at, "Asia/Makassar", lang="id")
    assert due.endswith("pukul 23.59 WITA") and due in told[0].text_body
    assert "&lt;b&gt;belum&lt;/b&gt;" in told[0].html_body  # escaped in HTML
    with world.prog.db.transaction() as session:
        opened = links.redeem(session, world.prog.settings, _link(told[0]),
                              world.prog.engine.clock())
    assert opened.path == "/opd"
    world.revise(r)
    asked = _mail(world, "review_requested")
    assert len(asked) == 2 and "2" in asked[1].subject  # round 2


def test_approval_tells_every_opd_with_the_comment_and_the_next_stage(world: Any) -> None:
    r = world.region()
    world.drive(r, "mentor_review")
    world.leave(r, "mentor_review")  # approved: "Layak dilaksanakan"
    told = _mail(world, "review_approved")
    assert sorted(m.recipient for m in told) == sorted(r.opds.values())
    assert all("Layak dilaksanakan" in m.text_body and "Presentasi kepala daerah" in m.text_body
               for m in told)
    assert _mail(world, "review_rejected") == []


def test_a_refused_action_queues_nothing(world: Any) -> None:
    r = world.region()
    world.drive(r, "mentor_review")
    world.reject(r, "Perlu revisi")
    with pytest.raises(GuardFailed):  # no new plan version since the rejection
        world.fire(r.code, "resubmit", r.opd)
    assert len(_mail(world, "review_requested")) == 1
