"""Calendar months as the programme reports them: national months, in WIB.

A month is written ``YYYY-MM``; it begins at 00:00 WIB on its first day and ends where the
next one begins, whatever the zone of the regions it counts (a ministry report speaks of
the national calendar). :func:`parse_month` reads a month typed in an address and refuses
anything else with a sentence saying what to type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from engine import InvalidInputError
from workflows.reporting.analytics.stats import utc
from workflows.zones import NATIONAL_TZ

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_NATIONAL = ZoneInfo(NATIONAL_TZ)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        """00:00 WIB on the first day, as an aware moment."""
        return datetime(self.year, self.month, 1, tzinfo=_NATIONAL)

    @property
    def end(self) -> datetime:
        """Where the month ends: the start of the next one (excluded)."""
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def holds(self, at: datetime) -> bool:
        return self.start <= utc(at) < self.end


def month_of(at: datetime) -> Month:
    """The national month a moment falls in."""
    local = utc(at).astimezone(_NATIONAL)
    return Month(local.year, local.month)


def months_between(first: Month, last: Month) -> Iterator[Month]:
    """Every month from ``first`` to ``last``, both included."""
    month = first
    while month <= last:
        yield month
        month = month.next()


def parse_month(text: str, now: datetime) -> Month:
    """A month written ``YYYY-MM`` (2000-01 up to the current month), or a refusal that
    says so."""
    given = text.strip()
    found = _MONTH.fullmatch(given)
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
        raise InvalidInputError("analytics.bad_month", value=given[:20])
    month = Month(int(found[1]), int(found[2]))
    if month > month_of(now):
        raise InvalidInputError("analytics.future_month", value=str(month),
                                current=str(month_of(now)))
    return month
