"""On-time rate per stage: a deadline is met when the region leaves the stage; on time, late,
overdue (open past due), pending (open, not yet due) or void (the region was withdrawn), on
the fixed history of ``analyticskit``.

The deadlines set by hand: A bimtek_1 due day 20, left day 22 (late); B's second revision due
day 31, left day 33 (late); C institutions due day 12, left day 14 (late); C bimtek_1 due day
18, still open on day 50 (overdue); D MoU due day 3, withdrawn day 5 (void). Every other
deadline is the definition's (21 days or more) and was met within days (on time), except A's
presentation (entered day 46, 60 days) and B's third mentor review (entered day 33, 21 days:
due about day 54), both still open and not yet due (pending).
"""

from __future__ import annotations

from typing import Any

import pytest

from workflows.reporting.analytics import facts
from workflows.reporting.analytics.punctuality import (
    LATE,
    ON_TIME,
    OVERDUE,
    PENDING,
    VOID,
    outcomes,
    rates,
)

A, B, C, D = "64.71", "91.71", "33.74", "51.71"


@pytest.fixture(scope="module")
def found(history: Any) -> facts.Facts:
    with history.prog.db.read() as session:
        return facts.load(history.prog, session, "Smart City 2026")


def test_each_deadline_has_one_outcome(found: facts.Facts) -> None:
    got: dict[tuple[str, str], list[str]] = {}
    for deadline, result in sorted(outcomes(found), key=lambda d: (d[0].created_at, d[0].id)):
        got.setdefault((deadline.subject, deadline.state), []).append(result)
    assert got[(A, "bimtek_1")] == [LATE]
    assert got[(C, "institutions")] == [LATE]
    assert got[(C, "bimtek_1")] == [OVERDUE]
    assert got[(D, "mou")] == [VOID]
    assert got[(B, "revision")] == [ON_TIME, LATE]
    assert got[(B, "mentor_review")] == [ON_TIME, ON_TIME, PENDING]
    assert got[(A, "presentation")] == [PENDING]
    assert (C, "assessment") not in got  # the assessment has no deadline


def test_the_rate_per_stage_and_in_all(found: facts.Facts) -> None:
    got = {r.state: (r.on_time, r.late, r.overdue, r.pending, r.rate) for r in rates(found)}
    assert list(got) == ["mou", "institutions", "bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4",
                         "quick_win_submission", "mentor_review", "revision", "presentation",
                         ""]  # stages with a deadline, in order, then all stages
    # mou: A, B, C on time; D void (not counted) -> 3 / 3
    assert got["mou"] == (3, 0, 0, 0, 1.0)
    # institutions: A, B on time, C late -> 2 / 3
    assert got["institutions"] == (2, 1, 0, 0, pytest.approx(2 / 3))
    # bimtek_1: B on time, A late, C overdue -> 1 / 3
    assert got["bimtek_1"] == (1, 1, 1, 0, pytest.approx(1 / 3))
    # bimtek_2..4 and the quick-win submission: A and B on time -> 2 / 2
    for state in ("bimtek_2", "bimtek_3", "bimtek_4", "quick_win_submission"):
        assert got[state] == (2, 0, 0, 0, 1.0)
    # mentor review: A 2 and B 2 on time, B's third pending (not counted) -> 4 / 4
    assert got["mentor_review"] == (4, 0, 0, 1, 1.0)
    # revision: A and B's first on time, B's second late -> 2 / 3
    assert got["revision"] == (2, 1, 0, 0, pytest.approx(2 / 3))
    # presentation: only pending -> no rate at all (None, not 0 %)
    assert got["presentation"] == (0, 0, 0, 1, None)
    # all: on time 3 + 2 + 1 + 2 * 4 + 4 + 2 = 20; late 1 + 1 + 1 = 3; overdue 1; pending 2
    # -> 20 / (20 + 3 + 1) = 0.8333
    assert got[""] == (20, 3, 1, 2, pytest.approx(20 / 24))
