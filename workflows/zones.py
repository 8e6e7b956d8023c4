"""Showing UTC instants in Indonesia's three legal zones, always labelled (WIB/WITA/WIT).

Times are stored in UTC; people read them in their region's zone, and national dates in WIB.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
#: The zone national dates are announced in, and the programme's own people read mail in.
NATIONAL_TZ = ZONES["WIB"]


@cache
def zone_of(tz: str) -> str:
    """The legal zone label of an IANA zone used in Indonesia."""
    offset = datetime(2026, 1, 1, tzinfo=ZoneInfo(tz)).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 7
    return {7: "WIB", 8: "WITA", 9: "WIT"}.get(hours, tz)


def local(at: datetime, tz: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``at`` (aware) in zone ``tz``, with its label: ``2026-06-01 09:00 WIT``."""
    return f"{at.astimezone(ZoneInfo(tz)).strftime(fmt)} {zone_of(tz)}"


#: Babel's CLDR locale for each of our languages: English in day-month order with a 24-hour
#: clock (as Indonesians write it), Indonesian as CLDR has it ("Senin, 30 Juni 2027", "23.59").
CLDR_LOCALES = {"id": "id", "en": "en_GB"}


def spoken(at: datetime | None, tz: str = NATIONAL_TZ, *, lang: str | None = None,
           time: bool = True, weekday: bool = True, short: bool = False) -> str:
    """``at`` as a person reads it in zone ``tz`` and their language, with the zone's label:
    ``Senin, 30 Juni 2027 pukul 23.59 WIB`` (``Monday, 30 June 2027 at 23:59 WIB``).

    ``weekday=False`` drops the day's name, ``short`` abbreviates the month (tables: ``30 Jun
    2027 23.59 WIB``), ``time=False`` gives the date alone (no zone label then). Dates and
    times come from CLDR through Babel; the joining word is the catalogue's ``date.at_time``.
    """
    from config import language, messages

    if at is None:
        return "—"
    chosen = lang or language.current()
    width = "medium" if short else ("full" if weekday else "long")
    locale, day_pattern, clock_pattern = _cldr(chosen, width)
    iana = ZONES.get(tz, tz)
    shown = at.astimezone(_zone(iana))
    day = day_pattern.apply(shown, locale)
    if not time:
        return day
    key = "date.at_time_short" if short else "date.at_time"
    return messages.text(key, chosen, date=day, time=clock_pattern.apply(shown, locale),
                         zone=zone_of(iana))


@cache
def _cldr(lang: str, width: str) -> tuple[Any, Any, Any]:
    """The CLDR locale and the parsed date and time patterns of ``lang`` (parsed once: a page
    of 500 dates should not parse 500 patterns)."""
    from babel import Locale
    from babel.dates import parse_pattern

    locale = Locale.parse(CLDR_LOCALES.get(lang, lang))
    # CLDR's Indonesian pads the day ("05 Mei"); letters and documents write "5 Mei".
    day = parse_pattern(locale.date_formats[width].pattern.replace("dd", "d"))
    clock = parse_pattern("HH.mm" if lang == "id" else "HH:mm")
    return locale, day, clock


@cache
def _zone(iana: str) -> ZoneInfo:
    return ZoneInfo(iana)


class Moment:
    """An instant to be written as :func:`spoken` when it is shown, not when it is made: an
    error's parameter (``"{due} is in the past"``) reads "30 Juni 2027 pukul 23.59 WIB" on an
    Indonesian page and "30 June 2027 at 23:59 WIB" in an English API answer."""

    __slots__ = ("at", "time", "tz", "weekday")

    def __init__(self, at: datetime, tz: str = NATIONAL_TZ, *, time: bool = True,
                 weekday: bool = False) -> None:
        self.at, self.tz, self.time, self.weekday = at, tz, time, weekday

    def __str__(self) -> str:
        return spoken(self.at, self.tz, weekday=self.weekday, time=self.time)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Moment({self.at.isoformat()}, {self.tz!r})"

