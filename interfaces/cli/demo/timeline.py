"""When the demo's story happens: the script's calendar, moved so that it ends today.

The script (:mod:`interfaces.cli.demo.cast`) is written on a reference calendar, from January
2026 to 1 December 2027. A newcomer serves the demo's data right after running it, on the real
clock (``make demo && make serve``), so the story has to end on the day it is run: a server a
year behind or ahead of the demo would show windows "not open yet" that the demo has already
ranked, deadlines of the past as still to come, and mail from the future. So the demo moves
every date of the script by a whole number of weeks (a Friday deadline stays a Friday, a
Tuesday bimtek a Tuesday) to put the script's end in the week before today, and then lets the
clock run on to today itself. ``SMARTCITY_NOW`` pins "today", for a reproducible run (the
tests pin it to the reference end, where nothing moves); ``serve`` run with the same
``SMARTCITY_NOW`` then agrees with it.

Evaluation windows do not move with the script: they are the settings' yearly windows
(``SMARTCITY_EVALUATION_WINDOWS``), as in production. The script's two rounds of returns and
scores are written relative to a window (days after it opens, or after it closes), and
:meth:`Timeline.evaluations` picks the windows they fall in: the last two that open after the
master plans are adopted and whose scores are in before today (one when only one fits).

The last days before today have their own script (:data:`cast.LAST_DAYS`): late regions take
up their work again, so an OPD, a mentor and a head of region have work due in the days after
the demo, not only deadlines missed a year ago.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from workflows.evaluation import WIB
from workflows.evaluation.windows import planned_windows
from workflows.programme import Programme

#: The script's reference calendar: its first day, its last instant, its adoption day.
REFERENCE_START = datetime(2026, 1, 12, 2, 0, tzinfo=UTC)
REFERENCE_END = datetime(2027, 12, 1, 2, 0, tzinfo=UTC)
REFERENCE_ADOPTION = date(2026, 12, 22)
WEEK = timedelta(weeks=1)


def office_hours(day: date, minutes: int = 0) -> datetime:
    """09:00 WIB (10:00 WITA, 11:00 WIT: office hours everywhere) on ``day``, in UTC."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC) + timedelta(minutes=minutes)


@dataclass(frozen=True)
class Slot:
    """One round of returns and scores, relative to the window it falls in: each return as
    (region, whether counted from the window's first or last day, days after it)."""

    returns: tuple[tuple[str, str, int], ...]
    scored: tuple[str, int]


@dataclass(frozen=True)
class Evaluation:
    """A window of the settings and the round of returns the script plays in it."""

    name: str
    opens_at: datetime
    closes_at: datetime
    slot: Slot

    def day(self, anchor: str, days: int) -> datetime:
        """09:00 WIB ``days`` after the window's first (``"open"``) or last (``"close"``)
        day, moved off a weekend to the Monday after."""
        base = (self.opens_at if anchor == "open" else self.closes_at).astimezone(WIB).date()
        when = base + timedelta(days=days)
        while when.weekday() >= 5:
            when += timedelta(days=1)
        return office_hours(when)

    def returns(self) -> list[tuple[str, datetime]]:
        return [(code, self.day(anchor, days)) for code, anchor, days in self.slot.returns]

    def scored_at(self) -> datetime:
        return self.day(*self.slot.scored)

    def last(self) -> datetime:
        return max([self.scored_at(), *(at for _, at in self.returns())])


@dataclass(frozen=True)
class Timeline:
    """The reference calendar moved by ``shift`` (whole weeks), ending at ``end``."""

    shift: timedelta
    end: datetime

    @classmethod
    def ending(cls, now: datetime) -> Timeline:
        """The calendar whose reference end falls in the week up to ``now``."""
        weeks = math.floor((now - REFERENCE_END) / WEEK)
        return cls(weeks * WEEK, now.astimezone(UTC))

    @property
    def start(self) -> datetime:
        return REFERENCE_START + self.shift

    @property
    def cohort_year(self) -> int:
        return self.start.year

    @property
    def adopted(self) -> datetime:
        return office_hours(self.date(REFERENCE_ADOPTION))

    def at(self, day: str, minutes: int = 0) -> datetime:
        """A day of the script (``YYYY-MM-DD`` on the reference calendar), 09:00 WIB, moved."""
        return office_hours(date.fromisoformat(day), minutes) + self.shift

    def date(self, day: date) -> date:
        return day + self.shift

    def before_end(self, days: int) -> datetime:
        """09:00 WIB ``days`` before the end's day, on the working day (Monday to Friday) at
        or before it."""
        day = self.end.astimezone(WIB).date() - timedelta(days=days)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return office_hours(day)

    def evaluations(self, prog: Programme, slots: tuple[Slot, Slot]) -> list[Evaluation]:
        """The windows the script's rounds of returns are played in: the latest window
        opening after the adoptions whose second round is over by the end, and the latest
        one before it whose first round is over before that window opens. When only one
        window fits, it gets the first round if that is over by the end, else the second."""
        found = [(name, opens, closes)
                 for year in range(self.adopted.year, self.end.year + 1)
                 for name, opens, closes in planned_windows(prog, year)
                 if opens > self.adopted]
        first_slot, second_slot = slots

        def fits(slot: Slot, until: datetime) -> list[Evaluation]:
            candidates = [Evaluation(n, o, c, slot) for n, o, c in found]
            return [e for e in candidates if e.last() <= until]

        second = fits(second_slot, self.end)
        if not second:
            return []
        last = second[-1]
        first = [e for e in fits(first_slot, last.opens_at) if e.closes_at < last.opens_at]
        if first:
            return [first[-1], last]
        alone = [e for e in fits(first_slot, self.end) if e.name == last.name]
        return alone or [last]
