"""Summary statistics of durations: the median and the 90th percentile, in days.

Percentiles interpolate linearly between the two nearest ranks (the "inclusive" definition
of spreadsheets' PERCENTILE.INC and numpy's default): for sorted values ``v[0..n-1]`` the
q-th percentile sits at rank ``(n - 1) * q``, so the median is the middle value (the mean of
the two middle ones for an even count) and p90 of ``[1, 2, 3, 4]`` is ``3 + 0.7 * (4 - 3) =
3.7``. One value is its own median and p90; no value has neither (None, never zero).
Durations are in days as real numbers (seconds / 86,400); rounding is left to whoever shows
them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

DAY_SECONDS = 86_400.0


def percentile(values: Iterable[float], q: float) -> float | None:
    """The ``q``-th quantile (0 <= q <= 1) of ``values``, interpolated; None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Spread:
    """How many durations, their median and their 90th percentile (days; None when none)."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        found = list(values)
        if len(found) <= 1:  # most regions visit a stage once: its one value is both
            only = found[0] if found else None
            return cls(len(found), only, only)
        return cls(len(found), percentile(found, 0.5), percentile(found, 0.9))


def utc(at: datetime) -> datetime:
    """A stored moment as an aware UTC one (a backend may hand it back without its zone)."""
    if at.tzinfo is UTC:  # the usual case, and the cheap one: figures call this a lot
        return at
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def days_between(start: datetime, end: datetime) -> float:
    """The days from ``start`` to ``end`` as a real number."""
    return (utc(end) - utc(start)).total_seconds() / DAY_SECONDS


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None when ``whole`` is zero (no rate, not a rate of zero)."""
    return part / whole if whole else None
