"""Every transition of the master-plan workflow fires, with its deliverables, on both databases.

One journey is built per database (module scope) through the public functions: a region goes
from assessment through the four bimtek, two rejected review rounds (the second, with
``max_review_rounds=2``, escalates), an extra round granted by a coordinator, approval,
presentation, adoption, renewal after the five-year cycle, and a withdrawal of the new cycle
while its questionnaires are still missing. A test per transition of
``workflows/definitions/master_plan.yaml`` then checks that it was exercised, and further tests
check the exact order of the journey and what each step wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from config.settings import Settings
from engine import TransitionNotAllowed, WorkflowError
from engine.models import Submission
from workflows.master_plan import actions
from workflows.programme import Programme
from workflows.reporting import submissions as sent
from workflows.reporting import timeline

BALIKPAPAN = "64.71"  # Kota Balikpapan, WITA
START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)

DEFINITION = yaml.safe_load(
    (resources.files("workflows") / "definitions" / "master_plan.yaml").read_text("utf-8"))
TRANSITIONS = [
    pytest.param(t, id=f"{t['trigger']}->{t['dest']}") for t in DEFINITION["transitions"]
]

# (cycle, trigger, from, to) of every transition of the journey, in order.
EXPECTED_JOURNEY = [
    (1, "assess", "assessment", "mou"),
    (1, "sign_mou", "mou", "institutions"),
    (1, "establish_institutions", "institutions", "bimtek_1"),
    (1, "close_bimtek_1", "bimtek_1", "bimtek_2"),
    (1, "close_bimtek_2", "bimtek_2", "bimtek_3"),
    (1, "close_bimtek_3", "bimtek_3", "bimtek_4"),
    (1, "close_bimtek_4", "bimtek_4", "quick_win_submission"),
    (1, "submit_for_review", "quick_win_submission", "mentor_review"),
    (1, "reject", "mentor_review", "revision"),
    (1, "resubmit", "revision", "mentor_review"),
    (1, "reject", "mentor_review", "review_escalated"),
    (1, "grant_extra_round", "review_escalated", "revision"),
    (1, "resubmit", "revision", "mentor_review"),
    (1, "approve", "mentor_review", "presentation"),
    (1, "present", "presentation", "adoption"),
    (1, "adopt", "adoption", "implementation"),
    (1, "renew", "implementation", "renewed"),
    (2, "withdraw", "bimtek_1", "withdrawn"),
]


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Journey:
    prog: Programme
    region: Any  # the Seeded region
    results: dict[str, Any] = field(default_factory=dict)
    adopted_at: datetime | None = None
    renewed_at: datetime | None = None
    failure: str | None = None  # the refusal that stopped the journey early, if any

    def history(self) -> list[timeline.HistoryRow]:
        with self.prog.db.read() as session:
            return timeline.history(session, BALIKPAPAN)[1]

    def transitions(self) -> list[timeline.HistoryRow]:
        return [h for h in self.history() if h.kind == "transition"]


@pytest.fixture(scope="module")
def journey(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory, world_type: Any
) -> Iterator[Journey]:
    folder = tmp_path_factory.mktemp("journey")
    clock = Clock()
    prog = Programme(Settings(data_dir=folder, database_url=module_database_url,
                              max_review_rounds=2), clock=clock)
    w = world_type(prog, folder / "in")
    w.seed_people()
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO", "BAPPEDA", "DINKES"))
    j = Journey(prog, r)
    try:
        _walk(w, r, clock, j)
    except WorkflowError as exc:  # the per-transition tests then show what did fire
        j.failure = f"{type(exc).__name__}: {exc}"
    yield j
    prog.close()


def _walk(w: Any, r: Any, clock: Clock, j: Journey) -> None:
    def step(days: int = 1) -> None:
        clock.now += timedelta(days=days)

    for state in w.PATH[:8]:  # assessment .. quick_win_submission, one day per stage
        step()
        w.leave(r, state)
    step(10)
    j.results["reject_1"] = w.reject(r, "Quick win 2 builds new infrastructure; improve a service")
    step(10)
    w.revise(r)
    step(10)
    j.results["reject_2"] = w.reject(r, "Add baseline figures for the health quick win")
    step(3)
    j.results["grant"] = w.fire(BALIKPAPAN, "grant_extra_round", w.COORDINATOR,
                                comment="One more round agreed with the mentors")
    step(7)
    w.revise(r)
    step(5)
    j.results["approve"] = actions.review(w.prog, BALIKPAPAN, "approve", r.mentor)
    step(30)
    w.leave(r, "presentation")
    step(60)
    w.leave(r, "adoption")
    j.adopted_at = clock.now
    clock.now = j.adopted_at + timedelta(days=round(365.25 * 5))
    j.results["renew"] = w.fire(BALIKPAPAN, "renew", w.COORDINATOR)
    j.renewed_at = clock.now
    step(14)
    j.results["withdraw"] = w.fire(BALIKPAPAN, "withdraw", w.COORDINATOR,
                                   comment="The region left the programme")


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_transition_was_exercised(journey: Journey, transition: dict[str, Any]) -> None:
    sources = transition["source"]
    sources = [sources] if isinstance(sources, str) else sources
    fired = [(h.trigger, h.from_state, h.to_state) for h in journey.transitions()]
    matching = [f for f in fired if f[0] == transition["trigger"] and f[2] == transition["dest"]]
    assert matching, (f"{transition['trigger']} -> {transition['dest']} never fired; "
                      f"the journey stopped at: {journey.failure}")
    assert all(f[1] in sources for f in matching)


def test_every_transition_of_the_yaml_is_in_the_journey() -> None:
    covered = {(t, d) for _, t, _, d in EXPECTED_JOURNEY}
    declared = {(t["trigger"], t["dest"]) for t in DEFINITION["transitions"]}
    assert declared == covered
    assert len(DEFINITION["transitions"]) == 17


def test_journey_fires_in_order_across_both_cycles(journey: Journey) -> None:
    assert journey.failure is None
    assert [(h.cycle, h.trigger, h.from_state, h.to_state)
            for h in journey.transitions()] == EXPECTED_JOURNEY
    at = {h.trigger: h.at for h in journey.transitions()}
    assert at["assess"] == START + timedelta(days=1)
    assert at["adopt"] == journey.adopted_at
    assert at["renew"] == journey.renewed_at == at["adopt"] + timedelta(days=1826)


def test_each_transition_is_recorded_with_actor_role_and_comment(journey: Journey) -> None:
    rows = {(h.cycle, h.trigger, h.to_state): h for h in journey.transitions()}
    r = journey.region
    assert (rows[(1, "assess", "mou")].actor, rows[(1, "assess", "mou")].role) == (
        "penilai@komdigi.go.id", "assessor")
    assert (rows[(1, "sign_mou", "institutions")].actor,
            rows[(1, "sign_mou", "institutions")].role) == (r.head, "head_of_region")
    assert rows[(1, "submit_for_review", "mentor_review")].role == "opd"
    assert rows[(1, "submit_for_review", "mentor_review")].actor == r.opds["DISKOMINFO"]
    assert rows[(1, "reject", "revision")].comment == (
        "Quick win 2 builds new infrastructure; improve a service")
    assert rows[(1, "reject", "review_escalated")].comment == (
        "Add baseline figures for the health quick win")
    assert rows[(1, "reject", "review_escalated")].actor == r.mentor
    assert rows[(1, "grant_extra_round", "revision")].comment == (
        "One more round agreed with the mentors")
    assert rows[(1, "approve", "presentation")].role == "mentor"
    assert rows[(2, "withdraw", "withdrawn")].comment == "The region left the programme"
    assert rows[(2, "withdraw", "withdrawn")].role == "coordinator"


def test_every_required_deliverable_was_submitted_before_its_state_was_left(
    journey: Journey,
) -> None:
    requires = {name: spec.get("requires", []) for name, spec in DEFINITION["states"].items()}
    history = journey.history()
    checked = 0
    for move in (h for h in history if h.kind == "transition" and h.trigger != "withdraw"):
        earlier = {h.trigger for h in history
                   if h.cycle == move.cycle and h.kind == "submission" and h.seq < move.seq}
        for deliverable in requires[move.from_state or ""]:
            assert deliverable in earlier, f"{move.trigger} left without {deliverable}"
            checked += 1
    assert checked == 14  # requirement checks of the states the journey left normally
    # the three questionnaires (one per OPD) were submitted during bimtek I of cycle 1
    with journey.prog.db.read() as session:
        first = journey.prog.current_instance(session, BALIKPAPAN).predecessor_id
        rows = session.execute(select(Submission.party, Submission.state).where(
            Submission.instance_id == first, Submission.deliverable == "questionnaire",
        ).order_by(Submission.party)).all()
    assert [tuple(row) for row in rows] == [
        ("BAPPEDA", "bimtek_1"), ("DINKES", "bimtek_1"), ("DISKOMINFO", "bimtek_1")]


def test_fire_results_report_the_move(journey: Journey) -> None:
    res = journey.results
    assert (res["reject_1"].from_state, res["reject_1"].to_state) == ("mentor_review", "revision")
    assert res["reject_2"].to_state == "review_escalated"
    assert res["grant"].to_state == "revision"
    assert res["approve"].to_state == "presentation"
    assert res["renew"].to_state == "renewed"
    assert res["renew"].successor_id is not None
    assert res["withdraw"].instance.state == "withdrawn"
    assert res["withdraw"].instance.cycle == 2


def test_renewal_links_cycle_two_to_cycle_one(journey: Journey) -> None:
    with journey.prog.db.read() as session:
        current = journey.prog.current_instance(session, BALIKPAPAN)
        old = journey.prog.engine.get_instance(session, current.predecessor_id or 0)
    assert current.id == journey.results["renew"].successor_id
    assert (current.cycle, old.cycle) == (2, 1)
    assert old.state == "renewed"
    assert old.entered_at == journey.renewed_at
    starts = [h for h in journey.history() if h.cycle == 2 and h.kind == "start"]
    assert [(h.trigger, h.from_state, h.to_state, h.at) for h in starts] == [
        ("renew", None, "bimtek_1", journey.renewed_at)]


def test_withdrawal_skips_unmet_requirements_and_ends_everything(journey: Journey) -> None:
    with journey.prog.db.read() as session:  # cycle 2 was withdrawn with no questionnaire in
        assert sent.submissions(journey.prog, session, BALIKPAPAN) == []
    with pytest.raises(TransitionNotAllowed, match=r"it is in Withdrawn; possible now: none"):
        actions.advance(journey.prog, BALIKPAPAN, "close_bimtek_1", "koordinator@komdigi.go.id")


def test_history_is_gapless_and_chronological(journey: Journey) -> None:
    history = journey.history()
    for cycle in (1, 2):
        seqs = [h.seq for h in history if h.cycle == cycle]
        assert seqs == list(range(1, len(seqs) + 1))
    times = [h.at for h in history]
    assert times == sorted(times)
    assert all(t.utcoffset() == timedelta(0) for t in times)
    assert history[0].at == START  # joined the cohort at the clock's start
    assert history[0].actor == "system"
