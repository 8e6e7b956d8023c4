"""The cohort funnel over time: per national month, how many regions had entered each stage
by the month's end, on the fixed history of ``analyticskit``.

January 2026 ends at 1 Feb 00:00 WIB = 31 Jan 17:00 UTC = T0 + 26.625 days, so days 0-26 of
the timeline fall in January and days 27-50 in February (now: day 50, 24 Feb).
"""

from __future__ import annotations

from typing import Any

from workflows.reporting.analytics import facts
from workflows.reporting.analytics.funnel import funnel
from workflows.reporting.analytics.months import Month


def test_regions_that_had_reached_each_stage_by_each_months_end(history: Any) -> None:
    with history.prog.db.read() as session:
        found = funnel(facts.load(history.prog, session, "Smart City 2026"))
    assert [str(m.month) for m in found.months] == ["2026-01", "2026-02"]
    assert [s for s, _ in found.stages][:2] == ["assessment", "mou"]
    january, february = (m.reached for m in found.months)
    # January (first entries on days 0-26):
    assert january == {
        "assessment": 4,  # all four joined on day 0
        "mou": 4,  # A 3, B 1, C 2, D 1
        "institutions": 3,  # A 13, B 5, C 9 (D was withdrawn on day 5)
        "bimtek_1": 3,  # A 15, B 9, C 14
        "bimtek_2": 2,  # A 22, B 12
        "bimtek_3": 2,  # A 26, B 14
        "bimtek_4": 1,  # B 16 (A only on day 30)
        "quick_win_submission": 1,  # B 18
        "mentor_review": 1,  # B 20
        "revision": 1,  # B 22
        "review_escalated": 0, "presentation": 0, "adoption": 0, "implementation": 0,
        "renewed": 0,
        "withdrawn": 1,  # D 5
    }
    # February adds A's bimtek_4 (30), quick-win submission (34), mentor review (36),
    # revision (39) and presentation (46); B's later visits to review and revision count
    # nothing new: a region reaches a stage once.
    assert february == {**january, "bimtek_4": 2, "quick_win_submission": 2,
                        "mentor_review": 2, "revision": 2, "presentation": 1}
    assert found.at(Month(2026, 2)) is found.latest
    assert found.at(Month(2025, 12)) is None
