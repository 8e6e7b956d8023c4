"""Mentors' workload and review turnaround (sent for review -> decision), on the fixed
history of ``analyticskit``; mentor A is assigned to A and B, mentor B to B."""

from __future__ import annotations

from typing import Any

import pytest

from workflows.reporting.analytics import facts
from workflows.reporting.analytics.mentors import reviews
from workflows.reporting.analytics.stats import Spread

A, B, C, D = "64.71", "91.71", "33.74", "51.71"


def test_workload_and_turnaround_per_mentor_and_for_the_cohort(history: Any) -> None:
    with history.prog.db.read() as session:
        found = reviews(facts.load(history.prog, session, "Smart City 2026"))
    got = {m.email: m for m in found.mentors}
    assert list(got) == sorted(got)
    mentor_a = got[history.mentor(A)]
    # A's plan: sent day 36, rejected by mentor A day 39 (3 days); resent day 41, approved
    # day 46 (5 days) -> median 4, p90 3 + 0.9 * 2 = 4.8. Assigned A and B; B waits in
    # review now -> 1 pending.
    assert (mentor_a.regions, mentor_a.done, mentor_a.pending) == (2, 2, 1)
    assert mentor_a.turnaround == Spread(2, 4, pytest.approx(4.8))
    mentor_b = got[history.mentor(B)]
    # B's plan: sent day 20, rejected day 22 (2); resent day 24, rejected day 28 (4)
    # -> median 3, p90 2 + 0.9 * 2 = 3.8; B waits for it too.
    assert (mentor_b.regions, mentor_b.done, mentor_b.pending) == (1, 2, 1)
    assert mentor_b.turnaround == Spread(2, 3, pytest.approx(3.8))
    mentor_c = got[history.mentor(C)]
    assert (mentor_c.regions, mentor_c.done, mentor_c.pending, mentor_c.turnaround) == (
        1, 0, 0, Spread(0, None, None))
    # The cohort: [3, 5, 2, 4] -> median 3.5, p90 rank 2.7 -> 4 + 0.7 = 4.7; one region (B)
    # waits for a review now (its third, sent day 33).
    assert found.turnaround == Spread(4, 3.5, pytest.approx(4.7))
    assert found.pending == 1
