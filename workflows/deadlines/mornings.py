"""Reminder mornings: which party is due a reminder, and which coordinator an escalation, in a
span of time. The one answer the sweep sends by and the preview shows.

For each open deadline and each party that owes something on it
(:class:`workflows.obligations.Owed`), the party's reminder mornings in its own zone
(:mod:`workflows.deadlines.occasions`) that fall in the span are due; and when anyone other
than a coordinator still owes something on it, the escalation morning of each coordinator the
region escalates to (:mod:`workflows.directory.parties`) that falls in the span is due too.
The span of a deadline starts no earlier than the moment its reminders were last handled
(``done_until`` of its schedule row), so nothing is due twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from config.settings import Settings
from engine import DeadlineRecord
from workflows import roles
from workflows.deadlines import occasions
from workflows.deadlines.occasions import ESCALATION, Occasion
from workflows.directory.parties import Party, RegionParties
from workflows.obligations import Owed
from workflows.zones import NATIONAL_TZ


@dataclass(frozen=True)
class Window:
    """How far a deadline's reminders were handled: due ones lie in ``(after, until]``."""

    since: datetime  # when this version of the deadline was set
    after: datetime


@dataclass(frozen=True)
class Due:
    """A reminder (or an escalation) due to a party about one deadline, at ``occasion.at``."""

    party: Party
    tz: str  # the party's zone: the region's for its own people, WIB for the programme's
    region: str
    deadline: DeadlineRecord
    occasion: Occasion

    @property
    def escalation(self) -> bool:
        return self.occasion.kind == ESCALATION


def party_tz(party: Party, region_tz: str) -> str:
    return region_tz if party.bound else NATIONAL_TZ


def late(owed: Iterable[Owed]) -> list[Owed]:
    """What an escalation names: everything owed except the coordinators' own part (they are
    told of that in their reminders)."""
    return [o for o in owed if o.role != roles.COORDINATOR]


def due(settings: Settings, deadlines: Sequence[DeadlineRecord], windows: Mapping[int, Window],
        owed: Iterable[Owed], parties: Mapping[str, RegionParties],
        region_tz: Mapping[str, str], until: datetime) -> list[Due]:
    """Every reminder and escalation of ``deadlines`` due in their window up to ``until``."""
    by_deadline: dict[int, list[Owed]] = defaultdict(list)
    for o in owed:
        if o.deadline is not None:
            by_deadline[o.deadline.id].append(o)
    out: list[Due] = []
    for d in deadlines:
        window = windows.get(d.id)
        if window is None or d.closed_at is not None or window.after >= until:
            continue
        tz = region_tz.get(d.subject, NATIONAL_TZ)
        in_window = _Mornings(settings, d, d.tz or tz, window, until)
        owing = by_deadline.get(d.id, [])
        told: set[str] = set()  # a party owing two things here is reminded once
        for o in owing:
            if o.party is None or o.party.email in told:
                continue
            told.add(o.party.email)
            zone = party_tz(o.party, tz)
            out += [Due(o.party, zone, d.subject, d, at) for at in in_window.of(zone)]
        if late(owing):
            for person in parties[d.subject].escalation:
                zone = party_tz(person, tz)
                at = occasions.escalation(settings, d.due_at, zone, window.since)
                if window.after < at.at <= until:
                    out.append(Due(person, zone, d.subject, d, at))
    return out


class _Mornings:
    """A deadline's reminder mornings in the window, per zone, each zone computed once."""

    def __init__(self, settings: Settings, d: DeadlineRecord, announced: str, window: Window,
                 until: datetime) -> None:
        self.settings, self.d, self.announced = settings, d, announced
        self.window, self.until = window, until
        self._found: dict[str, list[Occasion]] = {}

    def of(self, zone: str) -> list[Occasion]:
        if zone not in self._found:
            self._found[zone] = [
                o for o in occasions.reminders(self.settings, self.d.due_at, self.announced,
                                               zone, self.window.since)
                if self.window.after < o.at <= self.until]
        return self._found[zone]
