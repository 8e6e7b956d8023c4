"""The evaluation index per dimension over editions: per window, the mean over the cohort's
regions of each complete index (overall and per dimension), incomplete ones left out.

Kota Balikpapan (X) and Kota Jayapura (Y) of the 2026 cohort, and Kota Semarang (Z) of
another cohort, are driven to implementation and hand in returns in 2026-H1 (X, Y, Z) and
2026-H2 (X). Weights are the defaults: baseline 10 %, output 20 %, outcome 30 %, impact 30 %,
quick win 10 %.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from workflows.evaluation import returns, scores, windows
from workflows.reporting.analytics import facts
from workflows.reporting.analytics.evaluation_trend import trend

X, Y, Z = "64.71", "91.71", "33.74"
PARTS = ("baseline", "output", "outcome", "impact", "quick_win")


def score(world: Any, code: str, window: str, dimension: str, *values: float) -> None:
    for part, value in zip(PARTS, values, strict=False):
        scores.score(world.prog, code, window, part, value, world.ASSESSOR, dimension=dimension)


def test_the_cohorts_mean_index_per_dimension_and_window(world: Any, clock: Any) -> None:
    seeded = {X: world.region(X), Y: world.region(Y, opds=("DINKES",)),
              Z: world.region(Z, opds=("DISHUB",), cohort="Smart City 2027", year=2027)}
    for r in seeded.values():
        world.drive(r, "implementation")
    windows.ensure_windows(world.prog, 2026)
    clock.now = datetime(2026, 6, 10, tzinfo=UTC)
    for code, r in seeded.items():
        returns.submit_return(world.prog, code, "2026-H1", r.opd)
    score(world, X, "2026-H1", "governance", 3, 4, 3, 2, 4)  # 0.3+0.8+0.9+0.6+0.4 = 3.0
    score(world, X, "2026-H1", "living", 1)  # baseline only: incomplete
    score(world, Y, "2026-H1", "governance", 2, 2, 2, 2, 2)  # 2.0
    score(world, Y, "2026-H1", "living", 4, 4, 4, 4, 4)  # 4.0
    score(world, Z, "2026-H1", "governance", 1, 1, 1, 1, 1)  # 1.0, another cohort
    clock.now = datetime(2026, 11, 10, tzinfo=UTC)
    returns.submit_return(world.prog, X, "2026-H2", seeded[X].opd)
    score(world, X, "2026-H2", "governance", 4, 4, 4, 4, 4)  # 4.0
    clock.now = datetime(2026, 11, 20, tzinfo=UTC)

    with world.prog.db.read() as session:
        found = trend(world.prog, facts.load(world.prog, session, "Smart City 2026"), "All")
    assert found.windows == ["2026-H1", "2026-H2"]
    assert found.dimensions[0] == ("", "All")
    assert [code for code, _ in found.dimensions[1:]] == [
        d.code for d in world.prog.dimensions.dimensions]

    def point(window: str, dimension: str) -> tuple[float | None, int]:
        p = found.point(window, dimension)
        assert p is not None
        return p.mean, p.regions

    # H1 governance: X 3.0 and Y 2.0 -> 2.5 (Z's 1.0 is another cohort's)
    assert point("2026-H1", "governance") == (pytest.approx(2.5), 2)
    # H1 living: Y 4.0; X's is incomplete and left out (not counted as 0)
    assert point("2026-H1", "living") == (pytest.approx(4.0), 1)
    # H1 overall: a part scored only per dimension takes the mean of its dimension means.
    # X: baseline (3 + 1) / 2 = 2, output 4, outcome 3, impact 2, quick win 4
    #    -> 0.1*2 + 0.2*4 + 0.3*3 + 0.3*2 + 0.1*4 = 2.9
    # Y: baseline (2 + 4) / 2 = 3, the others (2 + 4) / 2 = 3 -> 3.0; mean (2.9 + 3.0) / 2
    assert point("2026-H1", "") == (pytest.approx(2.95), 2)
    # H2: only X returned: governance 4.0, overall 4.0; nobody for living (None, not 0).
    assert point("2026-H2", "governance") == (pytest.approx(4.0), 1)
    assert point("2026-H2", "") == (pytest.approx(4.0), 1)
    assert point("2026-H2", "living") == (None, 0)

    with world.prog.db.read() as session:
        mine = trend(world.prog, facts.load(world.prog, session, "2026", frozenset({X})))
    assert mine.point("2026-H1", "governance").regions == 1  # type: ignore[union-attr]
    assert mine.point("2026-H1", "").mean == pytest.approx(2.9)  # type: ignore[union-attr]
    with world.prog.db.read() as session:
        other = trend(world.prog, facts.load(world.prog, session, "Smart City 2027"))
    assert other.windows == ["2026-H1"]  # Z returned only in H1
    assert other.point("2026-H1", "governance").mean == pytest.approx(1.0)  # type: ignore[union-attr]
