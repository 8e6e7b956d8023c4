"""Evaluation scores, the weighted index and the cohort's ranking.

``workflows.evaluation.scores`` keeps each assessor's score of a part of a region's return on
the scale (1-4 by default), per dimension or overall; the index weighs the parts' means
(default 10/20/30/30/10 % for baseline/output/outcome/impact/quick_win), exactly, overall and
per dimension; the ranking orders a cohort's regions by index, ties by region code, unreturned
ones unranked. On SQLite and PostgreSQL, each test on the returns of the ``returned`` fixture.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from evaluationkit import (  # type: ignore[import-not-found]
    BALIKPAPAN,
    DENPASAR,
    JAYAPURA,
    SEMARANG,
)
from sqlmodel import func, select

from engine import InvalidInputError, NotFoundError, PermissionDenied
from workflows.directory import registration
from workflows.evaluation import scores
from workflows.evaluation.models import EvaluationScore

WORKED = {"baseline": 3, "output": 4, "outcome": 3, "impact": 2, "quick_win": 4}


def score_all(prog: Any, code: str, values: Mapping[str, float], who: str, window: str = "2026-H1",
              dimension: str | None = None) -> None:
    for part, value in values.items():
        scores.score(prog, code, window, part, value, who, dimension=dimension)


def test_scores_keep_to_the_scale_and_to_assessors(world: Any, returned: Any) -> None:
    prog = world.prog
    opd = returned[BALIKPAPAN].opd
    for bad in (4.5, 0.99, float("nan")):
        with pytest.raises(InvalidInputError, match=r"outside the evaluation scale 1 to 4"):
            scores.score(prog, BALIKPAPAN, "2026-H1", "output", bad, world.ASSESSOR)
    with pytest.raises(InvalidInputError, match=r"the parts are baseline, output, outcome, "
                                                 r"impact, quick_win"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "effort", 3, world.ASSESSOR)
    with pytest.raises(InvalidInputError, match=r"unknown dimension “smart”"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "output", 3, world.ASSESSOR,
                         dimension="smart")
    with pytest.raises(PermissionDenied, match=r"(?i)only assessor or coordinator may score"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "output", 3, opd)
    with pytest.raises(PermissionDenied, match=r"(?i)only assessor or coordinator may score"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "output", 3, returned[BALIKPAPAN].mentor)
    with pytest.raises(NotFoundError, match=r"33.74 has no evaluation return in Semester I 2026"):
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
