"""Reminders: planned for every deadline version, in the transaction that sets or moves it.

:func:`plan_deadline` writes ``reminder`` rows for one open deadline: when a stage opens (the
:class:`ReminderPlanner` listener, in the action's transaction) and when a coordinator sets or
moves a deadline (:mod:`workflows.deadlines.setting`, :mod:`workflows.deadlines.extensions`).
For every OPD of the deadline's region:

* ``before``: ``settings.reminder_days`` days before the deadline's local date, at
  ``settings.reminder_hour`` in the *region's* zone (08:00 WITA is 00:00Z); a reminder whose
  time has already passed when it is planned is not planned at all;
* ``overdue``: at the first ``reminder_hour`` after the deadline passes (planned even when
  that is already in the past, so the next sweep sends it);

and for every coordinator (programme-wide ones at ``reminder_hour`` WIB, the region's own at
``reminder_hour`` in the region's zone) an ``escalation`` at the first ``reminder_hour`` at
least ``settings.escalation_days`` days after the deadline.

Each row's ``key`` is ``{deadline_id}:{deadline_version}:{kind}:{offset}:{recipient}``, so
planning twice plans once. Moving a deadline bumps its version: :func:`replan` cancels the
planned rows of older versions (status ``cancelled``) and plans the new ones. The sweep that
turns due rows into emails is :mod:`workflows.deadlines.sweep`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlmodel import col
from sqlmodel import select as mselect

from config.settings import Settings
from engine import ActionEvent, Records
from workflows import roles
from workflows.deadlines.models import Reminder
from workflows.directory.models import Opd, Person, Region
from workflows.zones import ZONES

REMINDER: Table = Reminder.__table__  # type: ignore[attr-defined]

PLANNED, QUEUED, CANCELLED = "planned", "queued", "cancelled"
BEFORE, OVERDUE, ESCALATION = "before", "overdue", "escalation"
NATIONAL_TZ = ZONES["WIB"]


# -- time arithmetic ---------------------------------------------------------------------

def at_hour(day: date, hour: int, tz: str) -> datetime:
    """``hour``:00 on the local ``day`` in ``tz``, as UTC."""
    return datetime.combine(day, time(hour), ZoneInfo(tz)).astimezone(UTC)


def first_hour_after(instant: datetime, hour: int, tz: str) -> datetime:
    """The first ``hour``:00 in ``tz`` strictly after ``instant``, as UTC."""
    day = instant.astimezone(ZoneInfo(tz)).date()
    candidate = at_hour(day, hour, tz)
    if candidate <= instant:
        candidate = at_hour(day + timedelta(days=1), hour, tz)
    return candidate


def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(ZoneInfo(tz)).date()


# -- planning ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    offset_days: int
    recipient: str
    due_at: datetime


def schedule(
    settings: Settings, due_at: datetime, region_tz: str, opds: Iterable[str],
    coordinators: Iterable[tuple[str, str]], now: datetime,
) -> list[PlannedReminder]:
    """The reminders of a deadline due at ``due_at`` (pure: no database).

    ``coordinators`` are (email, tz) pairs: the zone their 08:00 is in.
    """
    hour = settings.reminder_hour
    due_day = local_date(due_at, region_tz)
    out = []
    for email in opds:
        for days in sorted(set(settings.reminder_days), reverse=True):
            at = at_hour(due_day - timedelta(days=days), hour, region_tz)
            if now < at < due_at:
                out.append(PlannedReminder(BEFORE, days, email, at))
        out.append(PlannedReminder(OVERDUE, 0, email, first_hour_after(due_at, hour, region_tz)))
    k = settings.escalation_days
    for email, tz in coordinators:
        at = first_hour_after(due_at + timedelta(days=k), hour, tz)
        out.append(PlannedReminder(ESCALATION, k, email, at))
    return out


def reminder_key(deadline_id: int, version: int, r: PlannedReminder) -> str:
    return f"{deadline_id}:{version}:{r.kind}:{r.offset_days}:{r.recipient}"[:200]


def region_recipients(session: Session, region_code: str) -> tuple[
        str, list[str], list[tuple[str, str]]]:
    """(region tz, OPD emails, coordinator (email, tz)) for a region; WIB if unknown."""
    region = session.get(Region, region_code)
    tz = region.tz if region is not None else NATIONAL_TZ
    opds = list(session.execute(
        mselect(Opd.email).where(Opd.region_code == region_code).order_by(Opd.email)
    ).scalars())
    people = session.execute(
        mselect(Person.email, Person.region_code).where(
            Person.role == roles.COORDINATOR,
            or_(col(Person.region_code).is_(None), col(Person.region_code) == region_code),
        ).order_by(Person.email)
    ).all()
    coordinators = [(email, tz if code else NATIONAL_TZ) for email, code in people]
    return tz, opds, coordinators


def plan_deadline(session: Session, settings: Settings, deadline_id: int,
                  now: datetime) -> int:
    """Plan the reminders of an open deadline's current version; returns how many are new."""
    deadline = Records(session).deadline(deadline_id)
    if deadline is None or deadline.closed_at is not None:
        return 0
    tz, opds, coordinators = region_recipients(session, deadline.subject)
    planned = schedule(settings, deadline.due_at, tz, opds, coordinators, now)
    have = set(session.execute(
        select(REMINDER.c.key).where(REMINDER.c.deadline_id == deadline_id,
                                     REMINDER.c.deadline_version == deadline.version)
    ).scalars())
    rows = []
    for r in planned:
        key = reminder_key(deadline_id, deadline.version, r)
        if key in have:
            continue
        have.add(key)
        rows.append({"key": key, "deadline_id": deadline_id,
                     "deadline_version": deadline.version, "recipient": r.recipient,
                     "kind": r.kind, "offset_days": r.offset_days, "due_at": r.due_at,
                     "status": PLANNED, "outbox_id": None, "created_at": now})
    if rows:
        session.execute(insert(REMINDER), rows)
    return len(rows)


def cancel_superseded(session: Session, deadline_id: int, version: int) -> int:
    """Cancel the still-planned reminders of a deadline's older versions."""
    result = session.execute(
        update(REMINDER).where(REMINDER.c.deadline_id == deadline_id,
                               REMINDER.c.status == PLANNED,
                               REMINDER.c.deadline_version < version)
        .values(status=CANCELLED))
    return int(result.rowcount)  # type: ignore[attr-defined]


def replan(session: Session, settings: Settings, deadline_id: int, version: int,
           now: datetime) -> int:
    """After a deadline moved to ``version``: cancel the old plan, make the new one."""
    cancel_superseded(session, deadline_id, version)
    return plan_deadline(session, settings, deadline_id, now)


def planned_count(session: Session, deadline_id: int) -> int:
    return int(session.execute(
        select(func.count()).select_from(REMINDER).where(
            REMINDER.c.deadline_id == deadline_id, REMINDER.c.status == PLANNED)
    ).scalar_one())


def planned_counts(session: Session, deadline_ids: Iterable[int]) -> dict[int, int]:
    """Still-planned reminders per deadline, for many deadlines in one query."""
    ids = list(deadline_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(REMINDER.c.deadline_id, func.count()).where(
            REMINDER.c.deadline_id.in_(ids), REMINDER.c.status == PLANNED)
        .group_by(REMINDER.c.deadline_id)).all()
    return {int(i): int(n) for i, n in rows}


class ReminderPlanner:
    """The engine listener that plans the reminders of the deadline a stage opens with, in
    the transaction of the action that entered the stage."""

    def __init__(self, settings: Callable[[], Settings]) -> None:
        self.settings = settings

    def __call__(self, event: ActionEvent) -> None:
        if event.kind not in ("start", "transition") or event.from_state == event.to_state:
            return
        opened = Records(event.session).open_deadline(event.instance.id, event.to_state)
        if opened is not None:
            plan_deadline(event.session, self.settings(), opened.id, event.at)
