"""Reminder schedules: one row per open deadline saying when its reminders are next due.

Nothing about recipients is written ahead: who is reminded, and of what, is worked out when a
reminder morning comes, from what each party owes then (:mod:`workflows.deadlines.sweep`), so
a party added later (a new OPD, a mentor assigned, a head of region registered) is reminded
from the next morning on, and a submission that settles what someone owed stops their
reminders without anything to cancel.

A deadline that opens (the :func:`schedule_opened` listener, in the action's transaction)
or moves (a coordinator's date, a granted extension: :func:`reschedule`) writes one row,
due at once: the sweep's next run works out its first reminder morning
(:mod:`workflows.deadlines.occasions`) and keeps ``next_at`` on it from then on. A closed
deadline's row is dropped by the sweep when it next comes up.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from config.settings import Settings
from engine import ActionEvent, DeadlineRecord
from workflows.deadlines import occasions
from workflows.deadlines.models import ReminderSchedule
from workflows.zones import NATIONAL_TZ

SCHEDULE: Table = ReminderSchedule.__table__  # type: ignore[attr-defined]

_INSERT = insert(SCHEDULE)


def reschedule(session: Session, deadline_id: int, version: int, now: datetime) -> None:
    """After a deadline opened or moved to ``version``: its reminders count from ``now``."""
    values = {"version": version, "since": now, "done_until": now, "next_at": now}
    moved = session.execute(update(SCHEDULE).where(SCHEDULE.c.deadline_id == deadline_id)
                            .values(**values))
    if not moved.rowcount:  # type: ignore[attr-defined]
        session.execute(_INSERT, {"deadline_id": deadline_id, **values})


def zones(region_tz: str) -> tuple[str, ...]:
    """The zones a region's reminders go out in: its own, and WIB for the programme's people."""
    return (region_tz,) if region_tz == NATIONAL_TZ else (region_tz, NATIONAL_TZ)


def next_reminders(session: Session, settings: Settings, deadlines: Collection[DeadlineRecord],
                   region_tz: dict[str, str], now: datetime) -> dict[int, datetime | None]:
    """When each open deadline's next reminder or escalation goes out, after ``now``."""
    ids = [d.id for d in deadlines if d.closed_at is None]
    if not ids:
        return {}
    rows = {r.deadline_id: r for r in session.execute(
        select(SCHEDULE).where(SCHEDULE.c.deadline_id.in_(ids))).all()}
    out: dict[int, datetime | None] = {}
    for d in deadlines:
        row = rows.get(d.id)
        if d.closed_at is not None or row is None:
            continue
        tz = region_tz.get(d.subject, NATIONAL_TZ)
        out[d.id] = occasions.next_after(settings, d.due_at, d.tz or tz, zones(tz), row.since,
                                         max(now, row.done_until))
    return out


def schedule_opened(event: ActionEvent) -> None:
    """The engine listener that gives the deadline a stage opens its schedule row, in the
    transaction of the action that entered the stage (one row, whatever the number of OPDs)."""
    if event.opened is not None:
        event.session.execute(_INSERT, {
            "deadline_id": event.opened.id, "version": 1, "since": event.at,
            "done_until": event.at, "next_at": event.at})
