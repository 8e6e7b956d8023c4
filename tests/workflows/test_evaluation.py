"""Evaluation windows, returns, extensions, scores, the index and the ranking, on SQLite and
PostgreSQL, moving the simulated clock instead of sleeping.

Default settings: windows 06-01/06-30 and 11-01/11-30 in WIB, scale 1-4, weights
10/20/30/30/10 % for baseline/output/outcome/impact/quick_win.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import func, select

from engine import (
    GuardFailed,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    TransitionNotAllowed,
)
from workflows.directory import registration
from workflows.evaluation import returns as evaluation_returns
from workflows.evaluation import scores, windows
from workflows.evaluation.models import EvaluationReturn, EvaluationScore, EvaluationWindow

BALIKPAPAN = "64.71"  # WITA
JAYAPURA = "91.71"  # WIT
DENPASAR = "51.71"  # WITA
SEMARANG = "33.74"  # WIB

H1_OPENS = datetime(2026, 5, 31, 17, 0, tzinfo=UTC)  # 2026-06-01 00:00 WIB
H1_CLOSES = datetime(2026, 6, 30, 16, 59, 59, tzinfo=UTC)  # 2026-06-30 23:59:59 WIB
H2_OPENS = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
H2_CLOSES = datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC)

WORKED = {"baseline": 3, "output": 4, "outcome": 3, "impact": 2, "quick_win": 4}


def at(clock: Any, when: datetime) -> None:
    clock.now = when


def implementing(world: Any, *codes: str) -> dict[str, Any]:
    """Regions selected into the cohort and driven to implementation."""
    seeded = {}
    for code in codes:
        seeded[code] = r = world.region(code)
        world.drive(r, "implementation")
    return seeded


def score_all(prog: Any, code: str, values: Mapping[str, float], who: str, window: str = "2026-H1",
              dimension: str | None = None) -> None:
    for part, value in values.items():
        scores.score(prog, code, window, part, value, who, dimension=dimension)


def returns(prog: Any) -> list[tuple[str, str, str, datetime]]:
    with prog.db.read() as session:
        return [(w, r.region_code, r.submitted_by, r.submitted_at) for r, w in session.execute(
            select(EvaluationReturn, EvaluationWindow.name).join(EvaluationWindow)
            .order_by(EvaluationReturn.region_code)).all()]


# -- windows -------------------------------------------------------------------------------

def test_windows_are_created_from_the_settings_in_utc_and_idempotently(prog: Any) -> None:
    made = windows.ensure_windows(prog, 2026)
    assert [(w.name, w.opens_at, w.closes_at, w.status) for w in made] == [
        ("2026-H1", H1_OPENS, H1_CLOSES, "scheduled"),
        ("2026-H2", H2_OPENS, H2_CLOSES, "scheduled"),
    ]
    again = windows.ensure_windows(prog, 2026)
    assert [w.id for w in again] == [w.id for w in made]
    with prog.db.read() as session:
        stored = windows.windows(session, 2026)
        assert [(w.name, w.opens_at, w.closes_at) for w in stored] == [
            (w.name, w.opens_at, w.closes_at) for w in made]
        assert session.execute(select(func.count()).select_from(EvaluationWindow)).scalar_one() == 2


def test_window_specs_cross_the_year_and_leap_days_and_bad_ones_are_refused(
    make_prog: Any,
) -> None:
    prog = make_prog(evaluation_windows=("12-15/01-15", "02-29/03-10"))
    made = windows.ensure_windows(prog, 2027)
    assert [(w.name, w.opens_at, w.closes_at) for w in made] == [
        ("2027-H1", datetime(2027, 2, 27, 17, tzinfo=UTC),
         datetime(2027, 3, 10, 16, 59, 59, tzinfo=UTC)),
        ("2027-H2", datetime(2027, 12, 14, 17, tzinfo=UTC),
         datetime(2028, 1, 15, 16, 59, 59, tzinfo=UTC)),
    ]
    with pytest.raises(InvalidInputError, match=r"not MM-DD/MM-DD"):
        windows.ensure_windows(make_prog(evaluation_windows=("June",)), 2026)
    with pytest.raises(InvalidInputError, match=r"no day 06-31"):
        windows.ensure_windows(make_prog(evaluation_windows=("06-01/06-31",)), 2026)


def test_windows_open_and_close_at_their_moments_idempotently(world: Any, clock: Any) -> None:
    prog = world.prog
    implementing(world, BALIKPAPAN)
    world.region(SEMARANG)  # selected but still in assessment: not announced
    windows.ensure_windows(prog, 2026)

    at(clock, datetime(2026, 5, 31, 16, 59, 59, tzinfo=UTC))
    assert windows.open_due_windows(prog) == []
    at(clock, H1_OPENS)
    opened = windows.open_due_windows(prog)
    assert [(c.window.name, c.window.status, c.window.opened_at, c.regions)
            for c in opened] == [("2026-H1", "open", H1_OPENS, [BALIKPAPAN])]
    assert windows.open_due_windows(prog) == []  # the scheduler calling twice
    assert windows.close_due_windows(prog) == []

    at(clock, datetime(2026, 6, 30, 16, 59, 58, tzinfo=UTC))
    assert windows.close_due_windows(prog) == []
    at(clock, datetime(2026, 6, 30, 17, 3, tzinfo=UTC))  # the next scheduler tick after close
    closed = windows.close_due_windows(prog)
    assert [(c.window.name, c.window.status, c.window.closed_at, c.regions)
            for c in closed] == [("2026-H1", "closed", clock.now, [BALIKPAPAN])]
    assert windows.close_due_windows(prog) == []
    assert windows.open_due_windows(prog) == []  # a closed window never reopens

    # The scheduler down for the whole of H2: the window is closed, never announced open.
    at(clock, datetime(2026, 12, 2, tzinfo=UTC))
    assert windows.open_due_windows(prog) == []
    assert [c.window.name for c in windows.close_due_windows(prog)] == ["2026-H2"]
    with prog.db.read() as session:
        assert [(w.name, w.status, w.opened_at is None) for w in windows.windows(session)] == [
            ("2026-H1", "closed", False), ("2026-H2", "closed", True)]


def test_run_due_creates_the_year_then_opens(world: Any, clock: Any) -> None:
    at(clock, H1_OPENS)
    opened, closed = windows.run_due(world.prog)
    assert [c.window.name for c in opened] == ["2026-H1"] and closed == []
    assert windows.run_due(world.prog) == ([], [])


# -- returns -------------------------------------------------------------------------------

def test_a_return_in_the_window_then_a_late_one_refused_clearly(world: Any, clock: Any) -> None:
    prog = world.prog
    bpn = implementing(world, BALIKPAPAN)[BALIKPAPAN]
    windows.ensure_windows(prog, 2026)

    at(clock, datetime(2026, 5, 31, 16, 0, tzinfo=UTC))
    with pytest.raises(GuardFailed, match=r"2026-H1 is not open yet: it opens "
                                          r"2026-06-01 01:00 WITA"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)

    at(clock, datetime(2026, 6, 10, 2, 0, tzinfo=UTC))  # before the scheduler ran: times decide
    first = evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)
    assert (first.resubmitted, first.extended_until) == (False, None)
    clock.advance(days=1)
    again = evaluation_returns.submit_return(prog, "Kota Balikpapan", "2026-H1", world.COORDINATOR)
    assert again.resubmitted
    assert returns(prog) == [("2026-H1", BALIKPAPAN, world.COORDINATOR, clock.now)]

    at(clock, datetime(2026, 6, 30, 16, 59, 58, tzinfo=UTC))  # the last second: accepted
    evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)
    at(clock, H1_CLOSES)
    before = returns(prog)
    with pytest.raises(GuardFailed) as refused:
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)
    assert str(refused.value) == (
        "cannot submit an evaluation return: window 2026-H1 closed 2026-07-01 00:59:59 WITA; "
        "a coordinator can extend it for 64.71 with 'smartcity evaluation extend 2026-H1 "
        "64.71 UNTIL'")
    assert returns(prog) == before


def test_an_extension_lets_one_region_submit_after_the_close(world: Any, clock: Any) -> None:
    prog = world.prog
    seeded = implementing(world, BALIKPAPAN, JAYAPURA)
    windows.ensure_windows(prog, 2026)
    at(clock, datetime(2026, 7, 2, tzinfo=UTC))
    until = datetime(2026, 7, 6, 15, 59, 59, tzinfo=UTC)  # 2026-07-06 23:59:59 WITA

    with pytest.raises(PermissionDenied, match=r"only coordinator may extend"):
        evaluation_returns.extend_window(prog, "2026-H1", BALIKPAPAN, until, seeded[BALIKPAPAN].opd)
    with pytest.raises(InvalidInputError, match=r"must end after"):
        evaluation_returns.extend_window(prog, "2026-H1", BALIKPAPAN,
                                 datetime(2026, 6, 30, tzinfo=UTC), world.COORDINATOR)
    with pytest.raises(NotFoundError, match=r"no evaluation window '2027-H1'; known windows: "
                                            r"2026-H1, 2026-H2"):
        evaluation_returns.extend_window(prog, "2027-H1", BALIKPAPAN, until, world.COORDINATOR)

    ext = evaluation_returns.extend_window(prog, "2026-H1", BALIKPAPAN,
                                   evaluation_returns.parse_time("2026-07-06", "Asia/Makassar"),
                                   world.COORDINATOR)
    assert ext.until == until
    late = evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", seeded[BALIKPAPAN].opd)
    assert late.extended_until == until
    with pytest.raises(GuardFailed, match=r"closed 2026-07-01 01:59:59 WIT; a coordinator can "
                                          r"extend it for 91.71"):
        evaluation_returns.submit_return(prog, JAYAPURA, "2026-H1", seeded[JAYAPURA].opd)

    at(clock, until)
    with pytest.raises(GuardFailed, match=r"the extension for 64.71 ended 2026-07-06 23:59 WITA"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", seeded[BALIKPAPAN].opd)
    assert [r[1] for r in returns(prog)] == [BALIKPAPAN]


def test_returns_are_for_regions_in_implementation_and_their_own_actors(
    world: Any, clock: Any,
) -> None:
    prog = world.prog
    bpn = implementing(world, BALIKPAPAN)[BALIKPAPAN]
    smg = world.region(SEMARANG)
    windows.ensure_windows(prog, 2026)
    at(clock, datetime(2026, 6, 10, tzinfo=UTC))
    with pytest.raises(TransitionNotAllowed, match=r"33.74 Kota Semarang is in stage "
                                                   r"'assessment', not 'implementation'"):
        evaluation_returns.submit_return(prog, SEMARANG, "2026-H1", smg.opd)
    with pytest.raises(PermissionDenied, match=r"not 64.71"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", smg.opd)
    with pytest.raises(PermissionDenied, match=r"only coordinator or opd may submit"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", world.ASSESSOR)
    with pytest.raises(PermissionDenied):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.mentor)
    assert returns(prog) == []
    pending = windows.pending_regions(prog, "2026-H1")
    assert pending == [BALIKPAPAN]


# -- scores, index, ranking ----------------------------------------------------------------

@pytest.fixture
def returned(world: Any, clock: Any) -> dict[str, Any]:
    """Balikpapan, Jayapura and Denpasar in implementation, each with a 2026-H1 return;
    Semarang selected but still in assessment."""
    seeded = implementing(world, BALIKPAPAN, JAYAPURA, DENPASAR)
    world.region(SEMARANG)
    windows.ensure_windows(world.prog, 2026)
    at(clock, datetime(2026, 6, 10, tzinfo=UTC))
    for code, r in seeded.items():
        evaluation_returns.submit_return(world.prog, code, "2026-H1", r.opd)
    return seeded


def test_scores_keep_to_the_scale_and_to_assessors(world: Any, returned: Any) -> None:
    prog = world.prog
    opd = returned[BALIKPAPAN].opd
    for bad in (4.5, 0.99, float("nan")):
        with pytest.raises(InvalidInputError, match=r"outside the evaluation scale 1 to 4"):
            scores.score(prog, BALIKPAPAN, "2026-H1", "output", bad, world.ASSESSOR)
    with pytest.raises(InvalidInputError, match=r"the parts are baseline, output, outcome, "
                                                 r"impact, quick_win"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "effort", 3, world.ASSESSOR)
    with pytest.raises(InvalidInputError, match=r"unknown dimension 'smart'"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "output", 3, world.ASSESSOR,
                         dimension="smart")
    with pytest.raises(PermissionDenied, match=r"only assessor or coordinator may score"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "output", 3, opd)
    with pytest.raises(PermissionDenied, match=r"only assessor or coordinator may score"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "output", 3, returned[BALIKPAPAN].mentor)
    with pytest.raises(NotFoundError, match=r"33.74 has no evaluation return in 2026-H1"):
        scores.score(prog, SEMARANG, "2026-H1", "output", 3, world.ASSESSOR)
    with prog.db.read() as session:
        assert session.execute(select(func.count()).select_from(EvaluationScore)).scalar_one() == 0

    low = scores.score(prog, BALIKPAPAN, "2026-H1", "output", 1, world.ASSESSOR)
    assert (low.value, low.mean, low.assessors) == (1.0, 1.0, 1)
    high = scores.score(prog, BALIKPAPAN, "2026-H1", "Quick-Win", 4, world.COORDINATOR)
    assert (high.part, high.mean) == ("quick_win", 4.0)


def test_the_index_of_a_worked_example_is_exact(world: Any, returned: Any) -> None:
    prog = world.prog
    parts = dict(WORKED)
    impact = parts.pop("impact")
    score_all(prog, BALIKPAPAN, parts, world.ASSESSOR)
    partial = scores.index(prog, "2026-H1", BALIKPAPAN)
    assert (partial.index, partial.missing) == (None, ["impact"])

    scores.score(prog, BALIKPAPAN, "2026-H1", "impact", impact, world.ASSESSOR)
    result = scores.index(prog, "2026-H1", BALIKPAPAN)
    # 0.1*3 + 0.2*4 + 0.3*3 + 0.3*2 + 0.1*4
    assert result.parts == {p: float(v) for p, v in WORKED.items()}
    assert (result.index, result.missing, result.per_dimension) == (3.0, [], {})

    # A second assessor's output of 2 averages with 4: output 3 -> index 3.0 - 0.2 = 2.8.
    registration.add_person(prog, "penilai2@komdigi.go.id", "Penilai Dua", "assessor", None)
    second = scores.score(prog, BALIKPAPAN, "2026-H1", "output", 2,
                              "penilai2@komdigi.go.id")
    assert (second.mean, second.assessors) == (3.0, 2)
    assert scores.index(prog, "2026-H1", BALIKPAPAN).index == 2.8
    # Scoring again replaces one's own score rather than adding one.
    again = scores.score(prog, BALIKPAPAN, "2026-H1", "output", 3, "penilai2@komdigi.go.id")
    assert (again.mean, again.assessors) == (3.5, 2)
    assert scores.index(prog, "2026-H1", BALIKPAPAN).index == 2.9


def test_the_index_per_dimension(world: Any, returned: Any) -> None:
    prog = world.prog
    score_all(prog, JAYAPURA, dict.fromkeys(WORKED, 4), world.ASSESSOR, dimension="governance")
    score_all(prog, JAYAPURA, WORKED, world.ASSESSOR, dimension="living")
    scores.score(prog, JAYAPURA, "2026-H1", "output", 1, world.ASSESSOR, dimension="economy")
    result = scores.index(prog, "2026-H1", JAYAPURA)
    assert set(result.per_dimension) == {"economy", "governance", "living"}
    assert result.per_dimension["governance"].index == 4.0
    assert result.per_dimension["living"].index == 3.0
    economy = result.per_dimension["economy"]
    assert (economy.index, economy.parts, economy.missing) == (
        None, {"output": 1.0}, ["baseline", "outcome", "impact", "quick_win"])
    # No overall scores: each part is the mean of its per-dimension means.
    assert result.parts == {"baseline": 3.5, "output": 3.0, "outcome": 3.5, "impact": 3.0,
                            "quick_win": 4.0}
    assert result.index == 3.3  # 0.35 + 0.6 + 1.05 + 0.9 + 0.4
    # An overall score of a part takes precedence over the per-dimension ones.
    scores.score(prog, JAYAPURA, "2026-H1", "output", 4, world.ASSESSOR)
    assert scores.index(prog, "2026-H1", JAYAPURA).parts["output"] == 4.0


def test_the_ranking_orders_by_index_with_ties_by_region_code(world: Any, returned: Any) -> None:
    prog = world.prog
    score_all(prog, JAYAPURA, dict.fromkeys(WORKED, 3.5), world.ASSESSOR)
    score_all(prog, BALIKPAPAN, WORKED, world.ASSESSOR)  # 3.0 through float weights
    score_all(prog, DENPASAR, dict.fromkeys(WORKED, 3), world.ASSESSOR)  # 3.0 as well
    rows = scores.ranking(prog, world.COHORT, "2026-H1")
    assert [(r.rank, r.region, r.result.index, r.returned) for r in rows] == [
        (1, JAYAPURA, 3.5, True),
        (2, DENPASAR, 3.0, True),
        (2, BALIKPAPAN, 3.0, True),
        (None, SEMARANG, None, False),
    ]
    assert (rows[0].province, rows[0].zone) == ("Papua", "WIT")
    assert rows[2].result.parts == {p: float(v) for p, v in WORKED.items()}

    # Denpasar's impact drops: it falls below Balikpapan, and Semarang stays unranked.
    scores.score(prog, DENPASAR, "2026-H1", "impact", 2, world.ASSESSOR)
    rows = scores.ranking(prog, "2026", "2026-H1")
    assert [(r.rank, r.region, r.result.index) for r in rows] == [
        (1, JAYAPURA, 3.5), (2, BALIKPAPAN, 3.0), (3, DENPASAR, 2.7), (None, SEMARANG, None)]


def test_two_schedulers_at_once_open_each_window_once(prog: Any, clock: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    windows.ensure_windows(prog, 2026)
    at(clock, H1_OPENS)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: windows.open_due_windows(prog), range(4)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
