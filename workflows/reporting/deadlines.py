"""Deadlines as people read them: the one row type, open ones by region or cohort, and a
region's every deadline with its extension requests.

A row carries the stage's label, the region's zone, the zone its date was announced in, when
its next reminder goes out and the extension requests made on it, read with a fixed number of
queries; how it stands at a given moment (overdue, due soon, on time; days left in the
region's zone) is computed by the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from engine import DeadlineRecord, InstanceSnapshot, Records
from workflows.deadlines.extensions import PENDING, requests_by_deadline
from workflows.deadlines.models import ExtensionRequest
from workflows.deadlines.reminders import next_reminders
from workflows.directory.cohorts import find_cohort, members
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.programme import Programme
from workflows.zones import ZONES, zone_of

#: A deadline this close (or closer) is "due soon".
DUE_SOON = timedelta(days=7)
OK, SOON, LATE, NONE = "ok", "soon", "late", "none"


def deadline_tone(due_at: datetime | None, now: datetime) -> str:
    """How a stage's open deadline stands at ``now``: late, soon (<= 7 days), ok, or none."""
    if due_at is None:
        return NONE
    if due_at <= now:
        return LATE
    if due_at - now <= DUE_SOON:
        return SOON
    return OK


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline of a region's stage, as every interface shows it."""

    id: int
    region: str
    region_name: str
    tz: str
    state: str
    stage: str
    due_at: datetime
    origin: str
    version: int
    closed_at: datetime | None
    next_reminder: datetime | None  # the next reminder or escalation (None: none left)
    extensions: tuple[ExtensionRequest, ...]
    announced_tz: str | None = None  # the zone the date was announced in (None: the region's)

    @property
    def zone(self) -> str:
        return zone_of(self.tz)

    @property
    def announced_zone(self) -> str:
        """The zone the date was given in ("WIB" for a national date)."""
        return zone_of(self.announced_tz or self.tz)

    @property
    def pending_extensions(self) -> list[int]:
        return [r.id or 0 for r in self.extensions if r.status == PENDING]

    def tone(self, now: datetime) -> str | None:
        """Late, soon or ok while the deadline is open; None once closed."""
        return deadline_tone(self.due_at, now) if self.closed_at is None else None

    def standing(self, now: datetime, soon_days: int) -> str:
        """Late once due, soon within ``soon_days`` local days (the first reminder), else ok."""
        if self.due_at <= now:
            return LATE
        return SOON if self.days_left(now) <= soon_days else OK

    def days_left(self, now: datetime) -> int:
        """Whole days from today to the due day, both in the region's zone (negative: late)."""
        return (self._day(self.due_at) - self._day(now)).days

    def _day(self, at: datetime) -> date:
        return at.astimezone(ZoneInfo(self.tz)).date()


def rows(prog: Programme, session: Session, found: Sequence[DeadlineRecord]
         ) -> list[DeadlineRow]:
    """The rows of engine deadline records, in their order (four queries at most)."""
    ids = [d.id for d in found]
    codes = sorted({d.subject for d in found})
    regions = {r.code: r for r in session.execute(
        select(Region).where(col(Region.code).in_(codes))).scalars()} if codes else {}
    upcoming = next_reminders(session, prog.settings, found,
                              {code: r.tz for code, r in regions.items()}, prog.engine.clock())
    requests = requests_by_deadline(session, ids)
    out = []
    for d in found:
        region = regions.get(d.subject)
        definition = prog.engine.workflow(session, d.definition_key, d.definition_version)
        out.append(DeadlineRow(
            d.id, d.subject, region.name if region else d.subject,
            region.tz if region else ZONES["WIB"], d.state, definition.state_label(d.state),
            d.due_at, d.origin, d.version, d.closed_at, upcoming.get(d.id),
            tuple(requests.get(d.id, [])), d.tz))
    return out


def open_deadlines(prog: Programme, session: Session, *, region: str | None = None,
                   cohort: str | None = None) -> list[DeadlineRow]:
    """Open deadlines, soonest first: of one region, of a cohort's regions, or of everyone."""
    subjects: list[str] | None = None
    if region is not None:
        subjects = [find_region(session, region).code]
    if cohort is not None:
        found = find_cohort(session, cohort)
        in_cohort = members(session, found.id or 0)
        subjects = in_cohort if subjects is None else [s for s in subjects if s in in_cohort]
    return rows(prog, session, Records(session).open_deadlines(subjects=subjects))


def instance_deadlines(prog: Programme, session: Session,
                       instance: InstanceSnapshot) -> list[DeadlineRow]:
    """Every deadline the instance had, open and closed, in the order they were opened."""
    return rows(prog, session, Records(session).deadlines(instance.id))
