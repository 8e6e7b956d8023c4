"""Indonesia's working calendar: weekends, national holidays and collective leave are skipped.

Two sources, on purpose:

* **National holidays** (hari libur nasional: Idul Fitri, Nyepi, Waisak, 17 Agustus, ...) come
  from the maintained ``holidays`` library (``holidays.Indonesia``), computed per year as
  needed. Lunar holidays in future years are the library's estimates until it is updated.
* **Collective leave** (cuti bersama) is decreed each year by a joint ministerial decree (SKB
  3 Menteri) and is *not* in the library: it is configuration, ``settings.collective_leave``
  (``SMARTCITY_COLLECTIVE_LEAVE='["2026-03-20","2026-03-23"]'``), updated when the decree
  is published.

Saturday and Sunday are the weekend for government offices everywhere in Indonesia.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays

from engine import InvalidInputError

WEEKEND = (5, 6)  # Saturday, Sunday
MAX_WORKING_DAYS = 2000


class WorkingCalendar:
    """Which days government offices work, and counting in working days."""

    def __init__(self, collective_leave: Iterable[date] = ()) -> None:
        self.collective_leave = frozenset(collective_leave)
        self._national = holidays.Indonesia(years=())

    def holiday_name(self, day: date) -> str | None:
        """Why ``day`` is a day off ("Idul Fitri", "cuti bersama", "weekend"), or None."""
        if day in self.collective_leave:
            return "cuti bersama"
        name = self._national.get(day)  # fills in day.year on demand
        if name:
            return str(name)
        if day.weekday() in WEEKEND:
            return "weekend"
        return None

    def is_working_day(self, day: date) -> bool:
        return self.holiday_name(day) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (a local date); ``start`` itself is not
        counted, so ``n=1`` is the next working day. ``n=0`` returns ``start`` moved forward to
        a working day if it is not one."""
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise InvalidInputError("deadlines.working_days_range", max=MAX_WORKING_DAYS, n=n)
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def days_off(self, first: date, last: date) -> list[tuple[date, str]]:
        """Every non-working day from ``first`` to ``last`` inclusive, with its reason."""
        out = []
        day = first
        while day <= last:
            reason = self.holiday_name(day)
            if reason is not None:
                out.append((day, reason))
            day += timedelta(days=1)
        return out
