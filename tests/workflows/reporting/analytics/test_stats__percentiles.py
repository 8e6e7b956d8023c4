"""Medians and 90th percentiles interpolate between the nearest ranks (PERCENTILE.INC); no
value has no median (None, never 0); months are national (WIB) and a month typed in an
address is read strictly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import InvalidInputError
from workflows.reporting.analytics.months import Month, month_of, months_between, parse_month
from workflows.reporting.analytics.stats import Spread, days_between, percentile, rate


def test_percentiles_interpolate_between_the_nearest_ranks() -> None:
    assert percentile([3, 1, 2], 0.5) == 2  # the middle value
    assert percentile([4, 1, 3, 2], 0.5) == 2.5  # the mean of the two middle ones
    # p90 of [1, 2, 3, 4]: rank (4 - 1) * 0.9 = 2.7 -> 3 + 0.7 * (4 - 3) = 3.7
    assert percentile([1, 2, 3, 4], 0.9) == pytest.approx(3.7)
    # p90 of [4, 7, 10]: rank 1.8 -> 7 + 0.8 * 3 = 9.4
    assert percentile([10, 4, 7], 0.9) == pytest.approx(9.4)
    assert percentile([5], 0.9) == 5 and percentile([], 0.5) is None
    assert Spread.of([]) == Spread(0, None, None)
    assert Spread.of([2, 5]) == Spread(2, 3.5, pytest.approx(4.7))  # 2 + 0.9 * 3


def test_days_and_rates() -> None:
    start = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    assert days_between(start, datetime(2026, 1, 6, 14, 0, tzinfo=UTC)) == 1.5
    assert days_between(start.replace(tzinfo=None), start) == 0  # a naive moment is UTC
    assert rate(1, 3) == pytest.approx(1 / 3) and rate(0, 0) is None


def test_months_are_national() -> None:
    # 31 Jan 2026 17:00 UTC is 1 Feb 00:00 WIB: February already.
    assert month_of(datetime(2026, 1, 31, 16, 59, tzinfo=UTC)) == Month(2026, 1)
    assert month_of(datetime(2026, 1, 31, 17, 0, tzinfo=UTC)) == Month(2026, 2)
    assert [str(m) for m in months_between(Month(2025, 11), Month(2026, 2))] == [
        "2025-11", "2025-12", "2026-01", "2026-02"]
    assert Month(2026, 12).end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)


def test_a_month_is_read_strictly() -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    assert parse_month(" 2026-03 ", now) == Month(2026, 3)
    for bad in ("2026-13", "2026-00", "2026-3", "Maret 2026", "1999-12", "２０２６-０３"):
        with pytest.raises(InvalidInputError, match="write the year and month as YYYY-MM"):
            parse_month(bad, now)
    with pytest.raises(InvalidInputError, match="2026-04 has not come yet; choose 2026-03"):
        parse_month("2026-04", now)
