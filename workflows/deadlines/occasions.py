"""When a deadline's reminders fall due, for a party in a given zone (pure: no database).

Every reminder goes out at ``settings.reminder_hour`` (08:00) in the zone of the party told:
the region's for its OPDs, head and own coordinators, WIB for the programme's people (mentors,
programme-wide coordinators).

* ``before``: ``settings.reminder_days`` (7, 3, 1) days before the deadline's *announced* day:
  the day it falls on in the zone it was announced in. A cohort date of 23:59 WIB on D is D for
  every region, so WIB, WITA and WIT are all reminded at 08:00 local on D-1, the same national
  day, although in WIT the deadline is already 01:59 on D+1. A region's own date counts in the
  zone it was given in (its own, by default).
* ``overdue``: the first reminder morning after the deadline has passed.
* ``escalation``: to coordinators, the first reminder morning at least
  ``settings.escalation_days`` after it passed.

``since`` is when the deadline (this version of it) was set: a reminder whose morning came
before that is not sent, but an overdue notice or an escalation that would already be past
goes out the next morning instead (a region entering a stage already late is told once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from config.settings import Settings

BEFORE, OVERDUE, ESCALATION = "before", "overdue", "escalation"


@dataclass(frozen=True, order=True)
class Occasion:
    """A reminder morning: ``at`` (UTC), its kind, and how many days before or after."""

    at: datetime
    kind: str
    days: int


def at_hour(day: date, hour: int, tz: str) -> datetime:
    """``hour``:00 on the local ``day`` in ``tz``, as UTC."""
    return datetime.combine(day, time(hour), ZoneInfo(tz)).astimezone(UTC)


def first_hour_after(instant: datetime, hour: int, tz: str) -> datetime:
    """The first ``hour``:00 in ``tz`` strictly after ``instant``, as UTC."""
    day = local_date(instant, tz)
    candidate = at_hour(day, hour, tz)
    if candidate <= instant:
        candidate = at_hour(day + timedelta(days=1), hour, tz)
    return candidate


def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(ZoneInfo(tz)).date()


def reminders(settings: Settings, due_at: datetime, announced_tz: str, tz: str,
              since: datetime) -> list[Occasion]:
    """The reminders of a party in ``tz`` about a deadline, in time order."""
    hour = settings.reminder_hour
    announced_day = local_date(due_at, announced_tz)
    out = []
    for days in sorted(set(settings.reminder_days), reverse=True):
        at = at_hour(announced_day - timedelta(days=days), hour, tz)
        if since < at < due_at:
            out.append(Occasion(at, BEFORE, days))
    out.append(Occasion(first_hour_after(max(due_at, since), hour, tz), OVERDUE, 0))
    return out


def escalation(settings: Settings, due_at: datetime, tz: str, since: datetime) -> Occasion:
    """When coordinators in ``tz`` are told the deadline was missed."""
    days = settings.escalation_days
    late = max(due_at + timedelta(days=days), since)
    return Occasion(first_hour_after(late, settings.reminder_hour, tz), ESCALATION, days)


def every(settings: Settings, due_at: datetime, announced_tz: str, zones: Iterable[str],
          since: datetime) -> list[Occasion]:
    """Every reminder and escalation morning of a deadline in any of ``zones``, in order."""
    found = set()
    for tz in set(zones):
        found.update(reminders(settings, due_at, announced_tz, tz, since))
        found.add(escalation(settings, due_at, tz, since))
    return sorted(found)


def next_after(settings: Settings, due_at: datetime, announced_tz: str, zones: Iterable[str],
               since: datetime, after: datetime) -> datetime | None:
    """The first morning of :func:`every` strictly after ``after`` (None: none is left)."""
    return next((o.at for o in every(settings, due_at, announced_tz, zones, since)
                 if o.at > after), None)
