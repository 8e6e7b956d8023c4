"""The evaluation API: windows, returns gated by the window's times, a coordinator's
extension, assessors' scores, a region's index and the cohort's ranking."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import select
from webkit import Web  # type: ignore[import-not-found]

from workflows.evaluation.models import EvaluationReturn, EvaluationScore, EvaluationWindow

EVAL = "/api/v1/evaluation"
SCORES = {"baseline": 3.0, "output": 4.0, "outcome": 3.0, "impact": 2.0, "quick_win": 4.0}



def implementing(web: Web) -> None:
    web.world.drive(web.region, "implementation")


def test_windows_are_created_from_the_settings_once(web: Web) -> None:
    api = web.api(web.region.opd)
    listed = api.get(f"{EVAL}/windows", params={"year": 2026})
    assert listed.status_code == 200
    assert [(w["name"], w["status"], w["opens_wib"], w["closes_wib"]) for w in listed.json()] == [
        ("2026-H1", "scheduled", "2026-06-01 00:00 WIB", "2026-06-30 23:59 WIB"),
        ("2026-H2", "scheduled", "2026-11-01 00:00 WIB", "2026-11-30 23:59 WIB")]
    assert listed.json()[0]["opens_at"] == "2026-05-31T17:00:00Z"
    # This year (in WIB) by default, and asking again creates nothing new.
    assert [w["name"] for w in api.get(f"{EVAL}/windows").json()] == ["2026-H1", "2026-H2"]
    with web.prog.db.read() as session:
        assert len(session.execute(select(EvaluationWindow)).scalars().all()) == 2
    assert api.get(f"{EVAL}/windows", params={"year": 1990}).status_code == 422


def test_return_is_gated_by_the_window_and_an_extension_lets_one_region_in(
    web: Web, clock: Any,
) -> None:
    implementing(web)
    r = web.region
    opd, coordinator = web.api(r.opd), web.api(web.world.COORDINATOR)
    coordinator.get(f"{EVAL}/windows", params={"year": 2026})
    url = f"{EVAL}/windows/2026-H1/returns"
    early = opd.post(url, json={"region": r.code})
    assert early.status_code == 409 and "not open yet" in early.json()["detail"]
    missing = opd.post(f"{EVAL}/windows/2031-H1/returns", json={"region": r.code})
    assert missing.status_code == 404 and "known windows" in missing.json()["detail"]
    clock.now = datetime(2026, 6, 10, 3, 0, tzinfo=UTC)
    # Tokens last 90 days: new ones for the new date.
    opd, coordinator = web.api(r.opd), web.api(web.world.COORDINATOR)
    assert web.api(r.mentor).post(url, json={"region": r.code}).status_code == 403
    first = opd.post(url, json={"region": r.code})
    assert first.status_code == 201, first.text
    assert (first.json()["resubmitted"], first.json()["submitted_local"]) == (
        False, "2026-06-10 11:00 WITA")
    second = opd.post(url, json={"region": "Kota Balikpapan"})
    assert second.status_code == 200 and second.json()["resubmitted"] is True
    with web.prog.db.read() as session:
        [row] = session.execute(select(EvaluationReturn)).scalars().all()
        assert (row.region_code, row.submitted_by) == ("64.71", r.opd)
    # After the close only an extension lets the region in.
    clock.now = datetime(2026, 7, 2, 3, 0, tzinfo=UTC)
    closed = opd.post(url, json={"region": r.code})
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    extend = f"{EVAL}/windows/2026-H1/extensions"
    assert opd.post(extend, json={"region": r.code, "until": "2026-07-15"}).status_code == 403
    short = coordinator.post(extend, json={"region": r.code, "until": "2026-06-20"})
    assert short.status_code == 422 and "already runs until" in short.json()["detail"]
    for bad in ["soon", "0001-01-01 00:00", "2026-13-45"]:
        assert coordinator.post(extend, json={"region": r.code, "until": bad}
                                ).status_code == 422, bad
    granted = coordinator.post(extend, json={"region": r.code, "until": "2026-07-15 16:00"})
    assert granted.status_code == 201, granted.text
    assert (granted.json()["until_local"], granted.json()["until_wib"]) == (
        "2026-07-15 16:00 WITA", "2026-07-15 15:00 WIB")
    late = opd.post(url, json={"region": r.code})
    assert late.status_code == 200 and late.json()["extended_until"] == "2026-07-15T08:00:00Z"


def test_scores_make_the_index_and_the_ranking(web: Web, clock: Any) -> None:
    implementing(web)
    r = web.region
    assessor, coordinator = web.api(web.world.ASSESSOR), web.api(web.world.COORDINATOR)
    coordinator.get(f"{EVAL}/windows", params={"year": 2026})
    url = f"{EVAL}/windows/2026-H1/scores"
    nothing = assessor.post(url, json={"region": r.code, "part": "output", "value": 3})
    assert nothing.status_code == 404 and "no evaluation return" in nothing.json()["detail"]
    clock.now = datetime(2026, 6, 10, 3, 0, tzinfo=UTC)
    # Tokens last 90 days: new ones for the new date.
    assessor, coordinator = web.api(web.world.ASSESSOR), web.api(web.world.COORDINATOR)
    assert web.api(r.opd).post(f"{EVAL}/windows/2026-H1/returns",
                               json={"region": r.code}).status_code == 201
    assert web.api(r.opd).post(url, json={"region": r.code, "part": "output", "value": 3}
                               ).status_code == 403
    for bad in [{"region": r.code, "part": "vibes", "value": 3},
                {"region": r.code, "part": "output", "value": 9},
                {"region": r.code, "part": "output", "value": 3, "dimension": "nowhere"},
                {"region": r.code, "part": "output"}]:
        assert assessor.post(url, json=bad).status_code == 422, bad
    for part, value in SCORES.items():
        scored = assessor.post(url, json={"region": r.code, "part": part, "value": value})
        assert scored.status_code == 201, scored.text
    two = coordinator.post(url, json={"region": r.code, "part": "output", "value": 2})
    assert (two.json()["mean"], two.json()["assessors"]) == (3.0, 2)
    per_dim = assessor.post(url, json={"region": r.code, "part": "impact", "value": 4,
                                       "dimension": "governance"})
    assert per_dim.status_code == 201 and per_dim.json()["dimension"] == "governance"
    with web.prog.db.read() as session:
        assert len(session.execute(select(EvaluationScore)).scalars().all()) == 7
    index = web.api(r.head).get(f"{EVAL}/windows/2026-H1/index/{r.code}").json()
    # output averages 4 and 2; 0.1*3 + 0.2*3 + 0.3*3 + 0.3*2 + 0.1*4 = 2.8
    assert (index["index"], index["missing"], index["parts"]["output"]) == (2.8, [], 3.0)
    assert index["per_dimension"]["governance"]["missing"] == [
        "baseline", "output", "outcome", "quick_win"]
    samarinda = web.world.region("64.72", opds=("DINKES",))
    hidden = web.api(samarinda.opd).get(f"{EVAL}/windows/2026-H1/index/{r.code}")
    assert hidden.status_code == 403
    ranking_url = f"{EVAL}/windows/2026-H1/ranking/{web.world.COHORT}"

    def ranked(who: str) -> list[tuple[Any, ...]]:
        answer = web.api(who).get(ranking_url)
        assert answer.status_code == 200, answer.text
        return [(row["rank"], row["region"], row["index"], row["returned"])
                for row in answer.json()]

    # Programme-wide roles see the whole cohort; the others only the regions they act for.
    everyone = [(1, "64.71", 2.8, True), (None, "64.72", None, False)]
    assert ranked(web.world.COORDINATOR) == ranked(web.world.ASSESSOR) == everyone
    assert ranked(r.head) == ranked(r.mentor) == [(1, "64.71", 2.8, True)]
    assert ranked(samarinda.opd) == [(None, "64.72", None, False)]
    # Samarinda, scored lower, keeps its rank in the cohort (2nd), not 1st of its own list.
    web.world.drive(samarinda, "implementation")
    assert web.api(samarinda.opd).post(f"{EVAL}/windows/2026-H1/returns",
                                       json={"region": samarinda.code}).status_code == 201
    for part in SCORES:
        assert web.api(web.world.ASSESSOR).post(
            url, json={"region": samarinda.code, "part": part, "value": 1}).status_code == 201
    assert ranked(samarinda.opd) == ranked(samarinda.head) == [(2, "64.72", 1.0, True)]
    assert ranked(r.opd) == [(1, "64.71", 2.8, True)]
    assert [row[:2] for row in ranked(web.world.COORDINATOR)] == [(1, "64.71"), (2, "64.72")]
