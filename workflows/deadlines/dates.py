"""Entering a deadline: a local date (and time) in a zone, optionally in working days, as UTC.

Times are stored in UTC and entered in a zone: national (cohort) dates in WIB unless told
otherwise, a region's own dates in its zone (WIB/WITA/WIT); a date without a time means
23:59 local. A deadline may also be given in working days after a date
(:class:`~workflows.deadlines.working_days.WorkingCalendar`: weekends, national holidays,
cuti bersama).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from config.settings import Settings
from engine import InvalidInputError
from workflows.deadlines.working_days import WorkingCalendar
from workflows.zones import ZONES, Moment

END_OF_DAY = time(23, 59)
NATIONAL_ZONE = "WIB"


def tz_of_zone(zone: str) -> str:
    """The IANA zone of a legal zone label (WIB, WITA, WIT)."""
    tz = ZONES.get(zone.strip().upper())
    if tz is None:
        raise InvalidInputError("deadlines.unknown_zone", zone=zone)
    return tz


def resolve_due(
    when: date | datetime, tz: str, *, working_days: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """A local date or date-time (naive: read in ``tz``) as UTC; a date alone is 23:59.

    With ``working_days`` the deadline is that many working days after ``when``'s date
    (at ``when``'s time, or 23:59).
    """
    if isinstance(when, datetime):
        if when.tzinfo is not None:
            when = when.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        day, at = when.date(), when.time()
    else:
        day, at = when, END_OF_DAY
    try:
        if working_days is not None:
            day = (calendar or WorkingCalendar()).add_working_days(day, working_days)
        return datetime.combine(day, at, ZoneInfo(tz)).astimezone(UTC)
    except (OverflowError, ValueError):  # past year 9999 (or before year 1) in UTC
        raise InvalidInputError("deadlines.date_out_of_range", day=day) from None


def working_calendar(settings: Settings) -> WorkingCalendar:
    """The working calendar with the configured collective leave (cuti bersama)."""
    return WorkingCalendar(settings.collective_leave)


def check_future(due_at: datetime, now: datetime, tz: str) -> None:
    """Refuse a deadline that has already passed."""
    if due_at <= now:
        raise InvalidInputError("deadlines.in_past", due=Moment(due_at, tz), now=Moment(now, tz))
