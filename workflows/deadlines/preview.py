"""Who will receive which reminder on which morning: the sweep's own answer, ahead of time.

:func:`preview` runs the sweep's reasoning (:class:`workflows.deadlines.sweep.Round`: the same
schedule rows, reminder mornings, obligations and digest contents) over a span of days without
sending anything: one line per recipient per morning, the digest or escalation it would get
and what it would list, assuming nobody submits or acts meanwhile. A coordinator reads it
before a national deadline; a test checks the sweep then sends exactly that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from config.language import current
from engine import InvalidInputError, Records
from workflows.deadlines.mornings import Due, Window
from workflows.deadlines.occasions import local_date
from workflows.deadlines.reminders import SCHEDULE
from workflows.deadlines.sweep import Round
from workflows.directory.cohorts import find_cohort, members
from workflows.programme import Programme
from workflows.zones import NATIONAL_TZ, zone_of

DIGEST, ESCALATION = "reminder_digest", "escalation"
NATIONAL = ZoneInfo(NATIONAL_TZ)
LONGEST = timedelta(days=366)


def span(now: datetime, first: date | None, last: date | None) -> tuple[datetime, datetime]:
    """The UTC span from the start of ``first`` (default: now) to the end of ``last``
    (default: 7 days on), both calendar days in WIB, so that a morning in WITA or WIT on
    those days is inside it; at most a year."""
    begin = (datetime.combine(first, time(), NATIONAL).astimezone(UTC)
             if first is not None else now)
    if last is None:
        last = begin.astimezone(NATIONAL).date() + timedelta(days=7)
    finish = datetime.combine(last + timedelta(days=1), time(), NATIONAL).astimezone(UTC)
    if finish <= begin:
        raise InvalidInputError("deadlines.last_before_first")
    if finish - begin > LONGEST:
        raise InvalidInputError("deadlines.span_too_long")
    return begin, finish


@dataclass(frozen=True)
class Item:
    """One line of a previewed email: a region's stage and what is owed (or who is late)."""

    region: str  # code
    stage: str
    what: str  # "OPD questionnaire", or in an escalation "BAPPEDA (OPD questionnaire)"

    def __str__(self) -> str:
        return f"{self.region} - {self.stage}: {self.what}"


@dataclass(frozen=True)
class Morning:
    """One email the sweep will send: to whom, which kind, on which local day and when."""

    day: date  # in the recipient's zone
    at: datetime  # UTC
    kind: str
    email: str
    name: str
    role: str
    zone: str
    items: tuple[Item, ...]

    @property
    def regions(self) -> frozenset[str]:
        return frozenset(i.region for i in self.items)


def preview(prog: Programme, session: Session, start: datetime, end: datetime, *,
            cohort: str | None = None, regions: Collection[str] | None = None
            ) -> list[Morning]:
    """The digests and escalations due after ``start`` up to ``end``, by time and address:
    for every region, or those of ``cohort`` and (for a region's own coordinator) among
    ``regions``; an email about several regions lists only the items of those."""
    subjects: list[str] | None = None
    if cohort is not None:
        subjects = members(session, find_cohort(session, cohort).id or 0)
    if regions is not None:
        subjects = sorted(set(regions) if subjects is None else set(subjects) & set(regions))
    open_now = Records(session).open_deadlines(subjects=subjects)
    rows = {r.deadline_id: r for r in session.execute(select(SCHEDULE).where(
        SCHEDULE.c.deadline_id.in_([d.id for d in open_now]))).all()} if open_now else {}
    windows = {i: Window(r.since, max(r.done_until, start)) for i, r in rows.items()}
    run = Round(prog, session, start)
    dues = run.due([d for d in open_now if d.id in rows], windows, end)
    groups: dict[tuple[str, str, date], list[Due]] = defaultdict(list)
    for due in dues:
        kind = ESCALATION if due.escalation else DIGEST
        groups[(due.party.email, kind, local_date(due.occasion.at, due.tz))].append(due)
    owed = run.owed_by_recipient([g[0] for (_, kind, _), g in groups.items() if kind == DIGEST])
    escalated = run.obligations.on_deadlines(
        list({d.deadline.id: d.deadline for d in dues if d.escalation}.values()))
    out = []
    for (email, kind, day), group in groups.items():
        first = min(group, key=lambda d: d.occasion.at)
        if kind == DIGEST:
            items = [Item(o.region, str(o.stage), o.label) for o in owed.get(email, [])
                     if o.deadline is not None]
        else:
            context = run.escalation_context(
                list({d.deadline.id: d for d in group}.values()), escalated, current())
            items = [Item(i["region_code"], i["stage"],
                          "; ".join(f"{x['who']} ({x['label']})" for x in i["late"]))
                     for i in context["items"]]
        if regions is not None:
            items = [i for i in items if i.region in regions]
        if items:
            out.append(Morning(day, first.occasion.at, kind, email, first.party.name,
                               first.party.role, zone_of(first.tz), tuple(items)))
    return sorted(out, key=lambda m: (m.at, m.email, m.kind))
