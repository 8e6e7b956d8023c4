"""Mentor review rounds are numbered, kept with their comments, and bounded by settings.

Each decision becomes a ``review_decision`` row (round 1, 2, 3, ...) on the plan version it
judged; :func:`workflows.reporting.submissions.submissions` shows the rounds per version. A
rejection goes to revision while rounds remain and escalates to a coordinator at the last round
(``max_review_rounds``); a coordinator may grant one more round; a resubmission needs a new
plan version. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine import GuardFailed, PermissionDenied, Records
from engine.models import Submission
from workflows.master_plan import actions
from workflows.reporting import submissions as sent
from workflows.reporting import timeline

BALIKPAPAN = "64.71"  # Kota Balikpapan, WITA
COORDINATOR = "koordinator@komdigi.go.id"
COMMENTS = [
    "Quick win 2 builds new infrastructure; quick wins must improve existing services.",
    "Add baseline figures for the ambulance call centre.",
    "Name the OPD responsible for each quick win.",
]


def _decisions(world: Any, code: str) -> list[tuple[int, str, str | None, str, int]]:
    """(round, decision, comment, reviewer, plan version judged) of the current cycle."""
    prog = world.prog
    with prog.db.read() as session:
        instance = prog.current_instance(session, code)
        versions = dict(session.execute(select(Submission.id, Submission.version).where(
            Submission.instance_id == instance.id)).all())
        return [(d.round, d.decision, d.comment, d.reviewer, versions[d.submission_id])
                for d in Records(session).reviews(instance.id, "quick_win_plan")]


def _plan_rows(world: Any, code: str) -> list[tuple[int, tuple[tuple[int, str, str | None], ...]]]:
    with world.prog.db.read() as session:
        return [(s.version, s.reviews) for s in sent.submissions(world.prog, session, code)
                if s.deliverable == "quick_win_plan"]


def test_three_rounds_are_numbered_and_kept_with_their_comments(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "mentor_review")
    assert world.reject(r, COMMENTS[0]).to_state == "revision"
    world.revise(r)
    assert world.reject(r, COMMENTS[1]).to_state == "revision"
    world.revise(r)
    # max_review_rounds is 3 by default: the third rejection is the last round
    assert world.reject(r, COMMENTS[2]).to_state == "review_escalated"

    assert _decisions(world, r.code) == [
        (1, "rejected", COMMENTS[0], r.mentor, 1),
        (2, "rejected", COMMENTS[1], r.mentor, 2),
        (3, "rejected", COMMENTS[2], r.mentor, 3),
    ]
    assert _plan_rows(world, r.code) == [
        (1, ((1, "rejected", COMMENTS[0]),)),
        (2, ((2, "rejected", COMMENTS[1]),)),
        (3, ((3, "rejected", COMMENTS[2]),)),
    ]
    assert world.state(r.code) == "review_escalated"


def test_an_extra_round_is_granted_then_the_plan_is_approved(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "mentor_review")
    for comment in COMMENTS:
        world.reject(r, comment)
        if world.state(r.code) == "revision":
            world.revise(r)
    assert world.state(r.code) == "review_escalated"

    with world.unchanged(r.code), pytest.raises(
            GuardFailed, match=r"(?i)^cannot grant one more revision round: a comment is "
                               r"required"):
        world.fire(r.code, "grant_extra_round", COORDINATOR)
    with world.unchanged(r.code), pytest.raises(
            PermissionDenied, match=r"(?i)^only coordinator may grant one more revision round; "
                                     r"Mentor 64\.71"):
        world.fire(r.code, "grant_extra_round", r.mentor, comment="please")

    granted = world.fire(r.code, "grant_extra_round", COORDINATOR,
                         comment="Round 4 agreed with the mentor team")
    assert granted.to_state == "revision"
    world.revise(r)
    approved = actions.review(world.prog, r.code, "approve", r.mentor, comment="Layak")
    assert approved.to_state == "presentation"
    assert _decisions(world, r.code)[-1] == (4, "approved", "Layak", r.mentor, 4)
    assert [v for v, _ in _plan_rows(world, r.code)] == [1, 2, 3, 4]
    assert _plan_rows(world, r.code)[-1] == (4, ((4, "approved", "Layak"),))


def test_the_last_round_follows_max_review_rounds(world: Any, make_prog: Any,
                                                  world_type: Any) -> None:
    two = world_type(make_prog(max_review_rounds=2), world.folder)
    assert two.prog.settings.max_review_rounds == 2
    r = two.region(BALIKPAPAN)
    two.drive(r, "mentor_review")
    assert two.reject(r, COMMENTS[0]).to_state == "revision"
    two.revise(r)
    last = two.reject(r, COMMENTS[1])
    assert (last.from_state, last.to_state) == ("mentor_review", "review_escalated")
    # one extra round: its rejection is the last one again
    two.fire(r.code, "grant_extra_round", COORDINATOR, comment="Satu putaran lagi")
    two.revise(r)
    assert two.reject(r, COMMENTS[2]).to_state == "review_escalated"
    assert [(d[0], d[1]) for d in _decisions(two, r.code)] == [
        (1, "rejected"), (2, "rejected"), (3, "rejected")]
    # the same database under the default setting would still have had rounds left
    assert world.prog.settings.max_review_rounds == 3


def test_the_escalating_rejection_is_recorded_like_any_other(world: Any, make_prog: Any,
                                                             world_type: Any) -> None:
    one = world_type(make_prog(max_review_rounds=1), world.folder)
    r = one.region(BALIKPAPAN)
    one.drive(r, "mentor_review")
    with one.unchanged(r.code), pytest.raises(GuardFailed, match="a comment is required"):
        actions.review(one.prog, r.code, "reject", r.mentor)
    assert one.reject(r, COMMENTS[0]).to_state == "review_escalated"
    with one.prog.db.read() as session:
        last = timeline.history(session, r.code)[1][-1]
    assert (last.trigger, last.from_state, last.to_state, last.comment, last.actor) == (
        "reject", "mentor_review", "review_escalated", COMMENTS[0], r.mentor)
    assert _decisions(one, r.code) == [(1, "rejected", COMMENTS[0], r.mentor, 1)]


def test_resubmitting_without_a_new_version_is_refused(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "mentor_review")
    world.reject(r, COMMENTS[0])
    with world.unchanged(r.code), pytest.raises(GuardFailed) as caught:
        world.fire(r.code, "resubmit", r.opd)
    assert [str(reason) for reason in caught.value.reasons] == [
        f"submit a revised quick-win plan first; round 1 asked: {COMMENTS[0]}"]
    # a new version (submitted during revision) makes the resubmission possible
    assert world.submit_plan(r).version == 2
    assert world.fire(r.code, "resubmit", r.opd).to_state == "mentor_review"


def test_approval_in_the_first_round_needs_no_comment(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "mentor_review")
    assert actions.review(world.prog, r.code, "approve", r.mentor).to_state == "presentation"
    assert _decisions(world, r.code) == [(1, "approved", None, r.mentor, 1)]
    assert _plan_rows(world, r.code) == [(1, ((1, "approved", None),))]
