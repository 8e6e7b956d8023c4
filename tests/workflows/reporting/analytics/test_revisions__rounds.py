"""Revision rounds per region (rejections of the quick-win plan) and their distribution, on
the fixed history of ``analyticskit``."""

from __future__ import annotations

from typing import Any

from workflows.reporting.analytics import facts
from workflows.reporting.analytics.revisions import distribution, region_rounds

A, B = "64.71", "91.71"


def test_rounds_per_region_and_how_many_regions_had_each(history: Any) -> None:
    with history.prog.db.read() as session:
        found = region_rounds(facts.load(history.prog, session, "Smart City 2026"))
    # A: rejected day 39, approved day 46 -> 1 round, approved. B: rejected days 22 and 28,
    # waiting for its third review -> 2 rounds, not approved. C and D were never reviewed.
    assert [(r.region, r.cycle, r.rounds, r.approved) for r in found] == [
        (A, 1, 1, True), (B, 1, 2, False)]
    # 0 rounds: nobody; 1: A; 2: B.
    assert distribution(found) == [(0, 0), (1, 1), (2, 1)]
    assert distribution([]) == []
