"""Version 4 of the master plan says its rules as data and behaves exactly like version 3.

Version 3 named the programme's Python guards; version 4 names the engine's conditions with
arguments (``all_parties_submitted``, ``latest_items_tagged``, ``rounds_left``,
``revised_since``, ``time_in_state``). Two regions walk the same scenario, one running on
version 3 (the shipped text of that version, ``data/master_plan_v3.yaml``) and one on version 4:
the bimtek I questionnaire gate, sending the plan to the mentors without one, rejections until
the review escalates, a grant of one more round, a resubmission without a new version, and
renewing before and after the cycle. Every step must end in the same state with the same
reasons, word for word. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from engine import WorkflowError, load_definition
from engine.models import WorkflowInstance
from workflows.master_plan import actions

V3 = Path(__file__).parent / "data" / "master_plan_v3.yaml"
COORDINATOR = "koordinator@komdigi.go.id"
ADOPTED = datetime(2026, 12, 22, 2, 0, tzinfo=UTC)
FIVE_YEARS = timedelta(days=1826)


def _on_version_3(world: Any, code: str) -> None:
    """Publish version 3 and put the region's running instance on it, as a region that
    started before version 4 was published would be."""
    prog = world.prog
    with prog.db.transaction() as session:
        prog.engine.publish(session, load_definition(V3.read_text("utf-8"), "v3", prog.guards))
        instance = prog.current_instance(session, code)
        session.execute(update(WorkflowInstance).where(WorkflowInstance.id == instance.id)
                        .values(definition_version=3))
    with prog.db.read() as session:
        instance = prog.current_instance(session, code)
        assert prog.definition_of(session, instance).version == 3
        assert instance.definition_version == 3


def _scenario(world: Any, clock: Any, r: Any) -> list[str]:
    code, seen = r.code, []

    def step(name: str, act: Callable[[], Any]) -> None:
        try:
            act()
            seen.append(f"{name}: {world.state(code)}")
        except WorkflowError as refused:
            seen.append(f"{name}: {type(refused).__name__}: {refused}")

    def reject(comment: str) -> Callable[[], Any]:
        return lambda: world.reject(r, comment)

    world.drive(r, "bimtek_1")
    world.submit(code, "questionnaire", r.opds["DINKES"])
    step("close early", lambda: world.fire(code, "close_bimtek_1", COORDINATOR))
    for opd in ("DISKOMINFO", "BAPPEDA", "DISHUB"):
        world.submit(code, "questionnaire", r.opds[opd])
    step("close", lambda: world.fire(code, "close_bimtek_1", COORDINATOR))
    world.drive(r, "quick_win_submission")
    step("send without a plan", lambda: world.fire(code, "submit_for_review", r.opd))
    world.submit_plan(r)
    step("send", lambda: world.fire(code, "submit_for_review", r.opd))
    step("reject 1", reject("Lengkapi anggaran"))
    step("resubmit unrevised", lambda: world.fire(code, "resubmit", r.opd))
    step("revise 1", lambda: world.revise(r))
    step("reject 2", reject("Indikator belum terukur"))
    step("revise 2", lambda: world.revise(r))
    step("reject 3", reject("Masih kurang"))
    step("grant", lambda: world.fire(code, "grant_extra_round", COORDINATOR,
                                     comment="Satu putaran lagi"))
    step("revise 3", lambda: world.revise(r))
    step("reject 4", reject("Belum juga"))
    step("grant again", lambda: world.fire(code, "grant_extra_round", COORDINATOR,
                                           comment="Terakhir"))
    step("revise 4", lambda: world.revise(r))
    step("approve", lambda: actions.review(world.prog, code, "approve", r.mentor,
                                           comment="Layak"))
    world.leave(r, "presentation")
    clock.now = ADOPTED
    world.leave(r, "adoption")
    clock.now = ADOPTED + FIVE_YEARS - timedelta(seconds=1)
    step("renew early", lambda: world.fire(code, "renew", COORDINATOR))
    clock.now = ADOPTED + FIVE_YEARS
    step("renew", lambda: world.fire(code, "renew", COORDINATOR))
    return seen


def test_version_4_behaves_as_version_3(world: Any, clock: Any) -> None:
    opds = ("DISKOMINFO", "BAPPEDA", "DINKES", "DISHUB")
    old, new = world.region("64.71", opds=opds), world.region("64.72", opds=opds)
    _on_version_3(world, old.code)
    start = clock.now
    on_v3 = _scenario(world, clock, old)
    clock.now = start
    on_v4 = _scenario(world, clock, new)
    # The regions' names differ only where the region is named (nowhere in these reasons).
    assert on_v3 == on_v4
    with world.prog.db.read() as session:
        versions = [world.prog.current_instance(session, c).definition_version
                    for c in (old.code, new.code)]
    assert versions == [4, 4]  # both renewed: the next cycle starts on the latest version
    assert on_v4[0] == (
        "close early: GuardFailed: cannot close bimtek I: 3 of 4 OPDs have not submitted the "
        "questionnaire: Badan Perencanaan Pembangunan Daerah (BAPPEDA), Dinas Perhubungan "
        "(DISHUB), Dinas Komunikasi dan Informatika (DISKOMINFO)")
    assert on_v4[1] == "close: bimtek_2"
    assert "no quick-win plan has been submitted" in on_v4[2]
    assert on_v4[3:5] == ["send: mentor_review", "reject 1: revision"]
    assert "round 1 asked: Lengkapi anggaran" in on_v4[5]
    assert on_v4[6:9] == ["revise 1: mentor_review", "reject 2: revision",
                          "revise 2: mentor_review"]
    assert on_v4[9:13] == ["reject 3: review_escalated", "grant: revision",
                           "revise 3: mentor_review", "reject 4: review_escalated"]
    assert on_v4[13:15] == ["grant again: revision", "revise 4: mentor_review"]
    assert on_v4[15] == "approve: presentation"
    assert "runs until 22 December 2031" in on_v4[16]
    assert on_v4[17] == "renew: bimtek_1"  # the next cycle's first stage
