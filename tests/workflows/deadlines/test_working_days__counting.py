"""Working days: weekends, national holidays (holidays.Indonesia) and cuti bersama (settings)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from engine import InvalidInputError
from workflows.deadlines import setting
from workflows.deadlines.working_days import WorkingCalendar
from workflows.reporting.deadlines import open_deadlines

NYEPI = date(2026, 3, 19)  # Hari Suci Nyepi, a Thursday (national holiday)
CUTI = date(2026, 3, 20)  # a Friday given as cuti bersama by configuration


def test_weekend_holiday_and_collective_leave_are_not_working_days() -> None:
    cal = WorkingCalendar([CUTI])
    assert cal.is_working_day(date(2026, 3, 18))
    assert not cal.is_working_day(NYEPI)
    assert not cal.is_working_day(CUTI)
    assert not cal.is_working_day(date(2026, 3, 21))  # Saturday
    assert cal.holiday_name(CUTI) == "cuti bersama"
    assert cal.holiday_name(date(2026, 8, 17))  # Independence Day, from the library


def test_counting_skips_the_holiday_the_leave_and_the_weekend() -> None:
    assert WorkingCalendar([CUTI]).add_working_days(date(2026, 3, 18), 1) == date(2026, 3, 23)
    # Without the configured leave, Friday the 20th counts.
    assert WorkingCalendar().add_working_days(date(2026, 3, 18), 1) == date(2026, 3, 20)
    assert WorkingCalendar().add_working_days(date(2026, 3, 21), 0) == date(2026, 3, 23)
    with pytest.raises(InvalidInputError):
        WorkingCalendar().add_working_days(date(2026, 3, 18), -1)


def test_years_are_loaded_as_needed() -> None:
    cal = WorkingCalendar()
    assert not cal.is_working_day(date(2031, 8, 17))
    assert not cal.is_working_day(date(2027, 1, 1))


def test_cohort_deadline_in_working_days_over_a_holiday_and_leave(
    make_prog: Any, world_type: Any, tmp_path: Any,
) -> None:
    prog = make_prog(collective_leave=(CUTI,))
    w = world_type(prog, tmp_path / "in")
    w.seed_people()
    r = w.region("32.73", opds=("DISKOMINFO",))  # Kota Bandung, WIB
    result = setting.set_cohort_deadline(
        prog, w.COHORT, "mou", date(2026, 3, 18), working_days=2, actor=w.COORDINATOR)
    # 18 March + 2 working days: skip Nyepi (19), cuti bersama (20), the weekend -> 24 March.
    assert result.due_at == datetime(2026, 3, 24, 16, 59, tzinfo=UTC)  # 23:59 WIB
    w.leave(r, "assessment")
    with prog.db.read() as session:
        [view] = open_deadlines(prog, session, region=r.code)
    assert (view.state, view.origin, view.due_at) == ("mou", "cohort", result.due_at)
