"""The printable monthly report, on the fixed history of ``analyticskit``: January 2026 is
days 0-26 of its timeline (it ends at 1 Feb 00:00 WIB = T0 + 26.625 days) and is counted as
of that moment; February (days 27-50) as of now, day 50."""

from __future__ import annotations

from typing import Any

import pytest
from analyticskit import A, B, C, D, day  # type: ignore[import-not-found]

from config import language
from workflows.reporting.analytics.monthly import monthly_report
from workflows.reporting.analytics.months import Month
from workflows.reporting.analytics.stats import Spread


@pytest.fixture(scope="module")
def january(history: Any) -> Any:
    """The report of January, its labels in English (the language fixture is per test)."""
    with language.using("en"), history.prog.db.read() as session:
        return monthly_report(history.prog, session, "Smart City 2026", Month(2026, 1))


def test_januarys_movements(january: Any) -> None:
    assert january.as_of == day(26.625) and january.regions == 4
    # 4 regions joined on day 0; then A 3, 13, 15, 22, 26 (5 moves); B 1, 5, 9, 12, 14, 16,
    # 18, 20, 22, 24 (10); C 2, 9, 14 (3); D 1, 5 (2): 4 + 20 = 24 rows, oldest first.
    assert len(january.movements) == 24
    first, last = january.movements[0], january.movements[-1]
    assert (first.from_label, first.to_label, first.actor) == (
        None, "Invited / assessment", None)
    assert (last.at, last.region, last.from_label, last.to_label) == (
        day(26), A, "Bimtek II", "Bimtek III")
    withdrawal = next(m for m in january.movements if m.region == D and m.from_label == "MoU")
    assert (withdrawal.at, withdrawal.to_label) == (day(5), "Withdrawn")
    moves = {m.state: (m.entered, m.left) for m in january.moves}
    assert moves == {
        "assessment": (4, 4),  # all joined and left it
        "mou": (4, 4),  # entered A 3, B 1, C 2, D 1; left A 13, B 5, C 9, D 5
        "institutions": (3, 3),  # entered A 13, B 5, C 9; left A 15, B 9, C 14
        "bimtek_1": (3, 2),  # entered A 15, B 9, C 14; left A 22, B 12
        "bimtek_2": (2, 2),  # entered A 22, B 12; left A 26, B 14
        "bimtek_3": (2, 1),  # entered A 26, B 14; left B 16
        "bimtek_4": (1, 1), "quick_win_submission": (1, 1),  # B 16 -> 18 -> 20
        "mentor_review": (2, 1),  # B entered 20 and 24, left 22
        "revision": (1, 1),  # B 22 -> 24
        "withdrawn": (1, 0),  # D 5
    }
    assert january.funnel is not None and january.funnel.reached["bimtek_4"] == 1


def test_januarys_deadlines_late_parties_and_reviews(january: Any) -> None:
    # Due in January: C institutions (day 12, met 14: late), C bimtek_1 (day 18, open at the
    # month's end: overdue), A bimtek_1 (day 20, met 22: late), D MoU (day 3: void, the
    # region was withdrawn). Every definition deadline falls due later.
    got = {r.state: (r.on_time, r.late, r.overdue, r.pending, r.rate) for r in january.on_time}
    assert got == {"institutions": (0, 1, 0, 0, 0.0), "bimtek_1": (0, 1, 1, 0, 0.0),
                   "": (0, 2, 1, 0, 0.0)}
    assert [(r.region, r.late, r.overdue) for r in january.late_regions] == [
        (C, 1, 1), (A, 1, 0)]
    # BAPPEDA's questionnaire came on day 22, after the day-20 deadline but before the
    # month's end: late. DISHUB's had not come by the month's end: overdue.
    assert [(o.region, o.opd, o.late, o.overdue) for o in january.late_opds] == [
        (C, "DISHUB", 0, 1), (A, "BAPPEDA", 1, 0)]
    # One decision in January: B's plan rejected by mentor B on day 22, round 1, after 2 days.
    assert [(r.region, r.round, r.decision, r.days) for r in january.reviews] == [
        (B, 1, "rejected", 2)]
    assert january.turnaround == Spread(1, 2, 2)
    assert january.decisions == {"approved": 0, "rejected": 1}


def test_februarys_reviews(history: Any) -> None:
    with history.prog.db.read() as session:
        february = monthly_report(history.prog, session, "Smart City 2026", Month(2026, 2))
    assert february.as_of == history.clock.now  # the current month: as of now
    # B rejected day 28 (its round 2, after 4 days); A rejected day 39 (round 1, 3 days) and
    # approved day 46 (round 2, 5 days): [4, 3, 5] -> median 4, p90 rank 1.8 -> 4 + 0.8 = 4.8
    assert [(r.region, r.round, r.decision, r.days) for r in february.reviews] == [
        (B, 2, "rejected", 4), (A, 1, "rejected", 3), (A, 2, "approved", 5)]
    assert february.turnaround == Spread(3, 4, pytest.approx(4.8))
    assert february.decisions == {"approved": 1, "rejected": 2}
    # B's second revision (due day 31, met day 33) is late in February.
    assert (B, 1, 0) in [(r.region, r.late, r.overdue) for r in february.late_regions]
    # Nothing moved in a month before the cohort began.
    with history.prog.db.read() as session:
        before = monthly_report(history.prog, session, "Smart City 2026", Month(2025, 12))
    assert (before.movements, before.moves, before.on_time, before.reviews,
            before.funnel) == ([], [], [], [], None)
