"""The demo's story ends on the day it is run, whatever that day is.

:class:`Timeline` moves the script's reference calendar by whole weeks so its end falls in the
week up to "today", and picks the evaluation windows of the settings its two rounds of returns
are played in. Checked for every day of two years (no demo run: the plan alone), and for the
reference day itself, where nothing moves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from config.settings import Settings
from interfaces.cli.demo import cast
from interfaces.cli.demo.timeline import REFERENCE_END, REFERENCE_START, Timeline

PROG: Any = SimpleNamespace(settings=Settings(database_url=None))
DAYS = [datetime(2026, 1, 1, 3, 0, tzinfo=UTC) + timedelta(days=n) for n in range(731)]


def test_on_the_reference_day_nothing_moves() -> None:
    t = Timeline.ending(REFERENCE_END)
    assert t.shift == timedelta(0) and t.start == REFERENCE_START and t.cohort_year == 2026
    first, second = t.evaluations(PROG, cast.SLOTS)
    assert (first.name, second.name) == ("2027-H1", "2027-H2")
    assert [(code, f"{at:%Y-%m-%d}") for code, at in first.returns()] == [
        ("64.71", "2027-06-08"), ("35.10", "2027-06-21"), ("51.71", "2027-07-02")]
    assert f"{first.scored_at():%Y-%m-%d}" == "2027-07-06"
    assert second.scored_at() == REFERENCE_END


def test_any_day_gets_a_story_ending_that_day() -> None:
    for today in DAYS:
        _check(today)


def _check(today: datetime) -> None:
    t = Timeline.ending(today)
    assert t.shift % timedelta(weeks=1) == timedelta(0)  # weekdays stay weekdays
    assert today - timedelta(weeks=1) < REFERENCE_END + t.shift <= today
    assert t.end == today and t.start < t.adopted < t.end
    evaluations = t.evaluations(PROG, cast.SLOTS)
    assert 1 <= len(evaluations) <= 2
    for e in evaluations:
        # Windows open after the adoptions; every return and score is in before today.
        assert t.adopted < e.opens_at < e.closes_at
        assert all(t.adopted < at <= t.end and at.weekday() < 5 for _, at in e.returns())
        assert e.scored_at() > e.closes_at and e.last() <= t.end
    if len(evaluations) == 2:
        assert evaluations[0].last() < evaluations[1].opens_at
    # The last days' events fall after the adoptions, on working days, before today.
    for days in (cast.RESTART_DAYS_BEFORE, cast.EXTENSION_ASKED_DAYS_BEFORE,
                 cast.EXTENSION_DECIDED_DAYS_BEFORE, cast.LATE_REVIEW_DAYS_BEFORE):
        at = t.before_end(days)
        assert t.adopted < at < t.end and at.weekday() < 5
        assert t.end - at < timedelta(days=days + 3)
    assert t.before_end(cast.EXTENSION_ASKED_DAYS_BEFORE) < t.before_end(
        cast.EXTENSION_DECIDED_DAYS_BEFORE)


def test_dates_of_the_script_move_with_it() -> None:
    t = Timeline.ending(datetime(2026, 12, 7, 3, 16, tzinfo=UTC))
    assert t.shift == timedelta(weeks=-52) and t.cohort_year == 2025
    assert f"{t.at('2026-01-19'):%Y-%m-%d %a}" == "2025-01-20 Mon"
    assert t.date(date(2026, 7, 10)) == date(2025, 7, 11)  # a Friday stays a Friday
    assert [e.name for e in t.evaluations(PROG, cast.SLOTS)] == ["2026-H1", "2026-H2"]
