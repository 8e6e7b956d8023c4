"""Showing UTC instants in Indonesia's three legal zones, always labelled (WIB/WITA/WIT).

Times are stored in UTC; people read them in their region's zone, and national dates in WIB.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
#: The zone national dates are announced in, and the programme's own people read mail in.
NATIONAL_TZ = ZONES["WIB"]


def zone_of(tz: str) -> str:
    """The legal zone label of an IANA zone used in Indonesia."""
    offset = datetime(2026, 1, 1, tzinfo=ZoneInfo(tz)).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 7
    return {7: "WIB", 8: "WITA", 9: "WIT"}.get(hours, tz)


def local(at: datetime, tz: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``at`` (aware) in zone ``tz``, with its label: ``2026-06-01 09:00 WIT``."""
    return f"{at.astimezone(ZoneInfo(tz)).strftime(fmt)} {zone_of(tz)}"
