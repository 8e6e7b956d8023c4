"""Time in each stage, per cohort and per region: median and p90 over completed stays, the
regions in a stage now and the longest of their stays, on the fixed history of
``analyticskit`` (its docstring has the timeline; days below are its day numbers)."""

from __future__ import annotations

from typing import Any

import pytest

from workflows.reporting.analytics import facts
from workflows.reporting.analytics.stage_times import region_stage_times, stage_times
from workflows.reporting.analytics.stats import Spread

A, B, C, D = "64.71", "91.71", "33.74", "51.71"


def spread(count: int, median: float | None, p90: float | None) -> Spread:
    return Spread(count, median, pytest.approx(p90) if p90 is not None else None)


@pytest.fixture(scope="module")
def found(history: Any) -> facts.Facts:
    with history.prog.db.read() as session:
        return facts.load(history.prog, session, "Smart City 2026")


def test_the_cohort_per_stage(found: facts.Facts) -> None:
    got = {s.state: s for s in stage_times(found)}
    # Final states are left out: nobody leaves them.
    assert "withdrawn" not in got and "renewed" not in got
    assert list(got)[:3] == ["assessment", "mou", "institutions"]  # the definition's order

    # assessment: A 0->3, B 0->1, C 0->2, D 0->1 = [1, 1, 2, 3]
    # median (1 + 2) / 2 = 1.5; p90 at rank 3 * 0.9 = 2.7 -> 2 + 0.7 * (3 - 2) = 2.7
    assert got["assessment"].completed == spread(4, 1.5, 2.7)
    # mou: A 3->13 = 10, B 1->5 = 4, C 2->9 = 7, D 1->5 = 4 (withdrawn: it left all the same)
    # [4, 4, 7, 10]: median 5.5; p90 rank 2.7 -> 7 + 0.7 * 3 = 9.1
    assert got["mou"].completed == spread(4, 5.5, 9.1)
    # institutions: A 13->15 = 2, B 5->9 = 4, C 9->14 = 5 -> median 4; rank 1.8 -> 4 + 0.8 = 4.8
    assert got["institutions"].completed == spread(3, 4, 4.8)
    # bimtek_1: A 15->22 = 7, B 9->12 = 3 -> median 5, p90 rank 0.9 -> 3 + 0.9 * 4 = 6.6;
    # C has been in it since day 14: one region now, 50 - 14 = 36 days.
    b1 = got["bimtek_1"]
    assert (b1.completed, b1.now_in, b1.longest_now) == (spread(2, 5, 6.6), 1, 36)
    # mentor_review: A 36->39 = 3 and 41->46 = 5, B 20->22 = 2 and 24->28 = 4 -> [2, 3, 4, 5]
    # median 3.5, p90 rank 2.7 -> 4 + 0.7 = 4.7; B back in it since day 33: 17 days.
    mr = got["mentor_review"]
    assert (mr.completed, mr.now_in, mr.longest_now) == (spread(4, 3.5, 4.7), 1, 17)
    # revision: A 39->41 = 2, B 22->24 = 2 and 28->33 = 5 -> [2, 2, 5]: median 2;
    # p90 rank 1.8 -> 2 + 0.8 * 3 = 4.4
    assert got["revision"].completed == spread(3, 2, 4.4)
    # presentation: A since day 46, nothing completed: no median (not 0), 4 days now.
    pres = got["presentation"]
    assert (pres.completed, pres.now_in, pres.longest_now) == (Spread(0, None, None), 1, 4)
    assert (got["adoption"].completed.count, got["adoption"].now_in) == (0, 0)


def test_each_region_per_stage(found: facts.Facts) -> None:
    rows = {(r.region, r.state): r for r in region_stage_times(found)}
    # B in mentor review: completed visits 2 and 4 days -> median 3, p90 2 + 0.9 * 2 = 3.8,
    # total 6; back in it for 17 days now.
    b = rows[(B, "mentor_review")]
    assert (b.completed, b.total, b.current) == (spread(2, 3, 3.8), 6, 17)
    # A in mentor review: 3 and 5 -> median 4, p90 3 + 0.9 * 2 = 4.8, total 8; not in it now.
    a = rows[(A, "mentor_review")]
    assert (a.completed, a.total, a.current) == (spread(2, 4, 4.8), 8, None)
    # C in bimtek_1 since day 14: no completed visit, 36 days so far.
    c = rows[(C, "bimtek_1")]
    assert (c.completed, c.total, c.current) == (Spread(0, None, None), 0, 36)
    # Only stages a region has been in; D's withdrawal (a final state) is not listed.
    assert [state for code, state in rows if code == D] == ["assessment", "mou"]
    assert rows[(D, "mou")].completed == spread(1, 4, 4)
    assert [code for code, _ in rows] == sorted(code for code, _ in rows)  # by region code


def test_a_viewers_scope_narrows_every_figure(history: Any) -> None:
    with history.prog.db.read() as session:
        mine = facts.load(history.prog, session, "2026", frozenset({A, D}))
    got = {s.state: s for s in stage_times(mine)}
    # assessment: A 3, D 1 -> median 2, p90 1 + 0.9 * 2 = 2.8
    assert got["assessment"].completed == spread(2, 2, 2.8)
    assert {r.region for r in region_stage_times(mine)} == {A, D}
