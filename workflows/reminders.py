"""Reminders: planned when a deadline is set or moved, turned into digest emails by the sweep.

Planning
--------
:func:`plan_deadline` writes ``reminder`` rows for one open deadline, in the transaction of
whatever set or moved it (the engine's automatic deadline on entering a state goes through
:class:`workflows.deadlines.DeadlineListener`, the coordinator's changes through
:mod:`workflows.deadlines`). For every OPD of the deadline's region:

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
planned rows of older versions (status ``cancelled``) and plans the new ones.

The sweep
---------
:func:`sweep` runs in one transaction: it selects the due rows (``status='planned' AND
due_at <= now``, through the ``(status, due_at)`` index, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), cancels those whose deadline was closed (the region left the state) or moved,
and groups the rest:

* one ``reminder_digest`` per OPD per local day (the OPD's region's zone), listing every open
  deadline of its region (overdue ones included), outbox key
  ``digest:{email}:{local date}:{n}``;
* one ``escalation`` per coordinator per local day, outbox key
  ``escalation:{email}:{local date}:{n}``;

``n`` is 1 for the day's first email and grows only when new reminders fall due after that
one was queued. The outbox rows and the reminders' ``queued`` status commit together, so a
reminder is queued exactly once: a crashed sweep queued nothing, a repeated one finds nothing
due, two concurrent ones take disjoint rows (and a clash on an outbox key rolls one back).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlmodel import col
from sqlmodel import select as mselect

from config.settings import Settings
from engine import outbox
from engine.models import Deadline, OutboxMessage, Reminder, Submission, WorkflowInstance
from notifications.message import outbox_fields
from notifications.render import render_email
from workflows import links
from workflows.models import Opd, Person, Region
from workflows.programme import Programme
from workflows.zones import ZONES, local, zone_of

REMINDER: Table = Reminder.__table__  # type: ignore[attr-defined]
DEADLINE: Table = Deadline.__table__  # type: ignore[attr-defined]
INSTANCE: Table = WorkflowInstance.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]

PLANNED, QUEUED, CANCELLED = "planned", "queued", "cancelled"
BEFORE, OVERDUE, ESCALATION = "before", "overdue", "escalation"
NATIONAL_TZ = ZONES["WIB"]
SWEEP_BATCH = 5000


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
            Person.role == "coordinator",
            or_(col(Person.region_code).is_(None), col(Person.region_code) == region_code),
        ).order_by(Person.email)
    ).all()
    coordinators = [(email, tz if code else NATIONAL_TZ) for email, code in people]
    return tz, opds, coordinators


def plan_deadline(session: Session, settings: Settings, deadline_id: int,
                  now: datetime) -> int:
    """Plan the reminders of an open deadline's current version; returns how many are new."""
    row = session.execute(
        select(DEADLINE.c.id, DEADLINE.c.due_at, DEADLINE.c.version, DEADLINE.c.closed_at,
               INSTANCE.c.subject)
        .join(INSTANCE, INSTANCE.c.id == DEADLINE.c.instance_id)
        .where(DEADLINE.c.id == deadline_id)
    ).one_or_none()
    if row is None or row.closed_at is not None:
        return 0
    tz, opds, coordinators = region_recipients(session, row.subject)
    planned = schedule(settings, row.due_at, tz, opds, coordinators, now)
    have = set(session.execute(
        select(REMINDER.c.key).where(REMINDER.c.deadline_id == deadline_id,
                                     REMINDER.c.deadline_version == row.version)
    ).scalars())
    rows = []
    for r in planned:
        key = reminder_key(deadline_id, row.version, r)
        if key in have:
            continue
        have.add(key)
        rows.append({"key": key, "deadline_id": deadline_id, "deadline_version": row.version,
                     "recipient": r.recipient, "kind": r.kind, "offset_days": r.offset_days,
                     "due_at": r.due_at, "status": PLANNED, "outbox_id": None,
                     "created_at": now})
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


def replan(session: Session, settings: Settings, deadline_id: int, now: datetime) -> int:
    """After a deadline moved (its version was bumped): cancel the old plan, make the new."""
    version = session.execute(
        select(DEADLINE.c.version).where(DEADLINE.c.id == deadline_id)).scalar_one()
    cancel_superseded(session, deadline_id, version)
    return plan_deadline(session, settings, deadline_id, now)


# -- the sweep ---------------------------------------------------------------------------

def due_reminders(now: datetime, limit: int = SWEEP_BATCH) -> Select[Any]:
    """The sweep's selection: due planned rows, oldest first, via ix_reminder_status_due."""
    return (
        select(REMINDER.c.id, REMINDER.c.deadline_id, REMINDER.c.deadline_version,
               REMINDER.c.recipient, REMINDER.c.kind, REMINDER.c.offset_days,
               REMINDER.c.due_at)
        .where(REMINDER.c.status == PLANNED, REMINDER.c.due_at <= now)
        .order_by(REMINDER.c.due_at, REMINDER.c.id)
        .limit(limit)
    )


@dataclass
class SweepReport:
    due: int = 0
    cancelled: int = 0
    queued: int = 0
    digests: list[str] = field(default_factory=list)  # outbox keys
    escalations: list[str] = field(default_factory=list)
    more: bool = False  # the batch was full: sweep again


@dataclass(frozen=True)
class _OpenDeadline:
    id: int
    version: int
    instance_id: int
    definition_key: str
    definition_version: int
    subject: str
    state: str
    due_at: datetime
    closed_at: datetime | None


def _deadlines(session: Session, where: Any) -> list[_OpenDeadline]:
    rows = session.execute(
        select(DEADLINE.c.id, DEADLINE.c.version, DEADLINE.c.instance_id,
               INSTANCE.c.definition_key, INSTANCE.c.definition_version, INSTANCE.c.subject,
               DEADLINE.c.state, DEADLINE.c.due_at, DEADLINE.c.closed_at)
        .join(INSTANCE, INSTANCE.c.id == DEADLINE.c.instance_id)
        .where(where).order_by(DEADLINE.c.due_at, DEADLINE.c.id)
    ).all()
    return [_OpenDeadline(*r) for r in rows]


def mail_domain(settings: Settings) -> str:
    address = parseaddr(settings.mail_from)[1]
    return address.rpartition("@")[2] or "smartcity.local"


_ACTION = {
    "id": ("Unggah: {}", "Tidak ada dokumen yang menunggu Anda; koordinator menutup tahap ini"),
    "en": ("Submit: {}", "Nothing is waiting for you; the coordinator closes this stage"),
}


class _Sweep:
    def __init__(self, prog: Programme, session: Session, now: datetime) -> None:
        self.prog = prog
        self.session = session
        self.now = now
        self.settings = prog.settings
        self.locale = prog.settings.mail_locale
        self.domain = mail_domain(prog.settings)
        self._regions: dict[str, Region | None] = {}

    def region(self, code: str) -> Region | None:
        if code not in self._regions:
            self._regions[code] = self.session.get(Region, code)
        return self._regions[code]

    def tz(self, code: str) -> str:
        region = self.region(code)
        return region.tz if region is not None else NATIONAL_TZ

    def definition(self, d: _OpenDeadline) -> Any:
        return self.prog.engine.definition(self.session, d.definition_key,
                                           d.definition_version).definition

    def _enqueue(self, prefix: str, kind: str, recipient: str, context: dict[str, Any]) -> int:
        """Render and enqueue under the first free ``prefix:n``; returns the outbox id."""
        existing = self.session.execute(
            select(func.count()).select_from(OUTBOX).where(OUTBOX.c.key.like(f"{prefix}:%"))
        ).scalar_one()
        rendered = render_email(kind, self.locale, context)
        n = existing + 1
        while True:
            key = f"{prefix}:{n}"
            fields = outbox_fields(key=key, recipient=recipient, rendered=rendered,
                                   sender=self.prog.settings.mail_from, domain=self.domain,
                                   date=self.now)
            if outbox.enqueue(self.session, key=key, kind=kind, due_at=self.now, now=self.now,
                              **fields):
                return int(self.session.execute(
                    select(OUTBOX.c.id).where(OUTBOX.c.key == key)).scalar_one())
            n += 1

    # -- digests -------------------------------------------------------------------------

    def digest_item(self, d: _OpenDeadline, opd: Opd, tz: str) -> dict[str, Any]:
        definition = self.definition(d)
        submitted = {(name, party) for name, party in self.session.execute(
            mselect(Submission.deliverable, Submission.party).where(
                Submission.instance_id == d.instance_id)).all()}
        pending = [definition.deliverables[name].label
                   for name in definition.owed(d.state, "opd", opd.code, submitted)]
        todo, nothing = _ACTION[self.locale]
        stage = definition.state_label(d.state)
        days_left = (local_date(d.due_at, tz) - local_date(self.now, tz)).days
        return {
            "label": f"{stage}: {', '.join(pending)}" if pending else stage,
            "stage": stage,
            "deadline_local": local(d.due_at, tz),
            "deadline_wib": local(d.due_at, NATIONAL_TZ),
            "days_left": days_left,
            "kind": OVERDUE if d.due_at <= self.now else BEFORE,
            "action": todo.format(", ".join(pending)) if pending else nothing,
            # Opens the OPD's page at this item, signed in, once (workflows.links).
            "link": links.make_url(self.prog.settings, opd.email, f"/opd#deadline-{d.id}",
                                   self.now),
        }

    def digest(self, opd: Opd, reminder_ids: list[int]) -> str | None:
        """Queue the OPD's digest of today; None when its region has nothing open."""
        region = self.region(opd.region_code)
        tz = self.tz(opd.region_code)
        open_deadlines = _deadlines(self.session, and_(
            INSTANCE.c.subject == opd.region_code, DEADLINE.c.closed_at.is_(None)))
        if not open_deadlines:
            return None
        context = {
            "recipient_name": opd.name,
            "region_name": region.name if region else opd.region_code,
            "region_code": opd.region_code,
            "zone": zone_of(tz),
            "items": [self.digest_item(d, opd, tz) for d in open_deadlines],
            "app_url": links.make_url(self.prog.settings, opd.email, "/opd", self.now),
        }
        prefix = f"digest:{opd.email}:{local_date(self.now, tz).isoformat()}"
        outbox_id = self._enqueue(prefix, "reminder_digest", opd.email, context)
        self._mark(reminder_ids, outbox_id)
        return prefix

    # -- escalations ---------------------------------------------------------------------

    def escalation(self, person: Person, deadlines: list[_OpenDeadline],
                   reminder_ids: list[int]) -> str:
        tz = self.tz(person.region_code) if person.region_code else NATIONAL_TZ
        codes = list(dict.fromkeys(d.subject for d in deadlines))
        regions = [self.region(c) for c in codes]
        names = [r.name if r else c for r, c in zip(regions, codes, strict=True)]
        items = []
        for d in deadlines:
            definition = self.definition(d)
            stage = definition.state_label(d.state)
            opd_names = list(self.session.execute(
                mselect(Opd.name).where(Opd.region_code == d.subject).order_by(Opd.code)
            ).scalars())
            region = self.region(d.subject)
            items.append({
                "label": f"{region.name if region else d.subject} ({d.subject}): {stage}",
                "stage": stage,
                "deadline_local": local(d.due_at, tz),
                "days_overdue": max(1, (local_date(self.now, tz) - local_date(d.due_at, tz)).days),
                "opd_name": ", ".join(opd_names) or "-",
            })
        context = {
            "recipient_name": person.name,
            "region_name": ", ".join(names),
            "region_code": ", ".join(codes),
            "zone": zone_of(tz),
            "items": items,
        }
        prefix = f"escalation:{person.email}:{local_date(self.now, tz).isoformat()}"
        outbox_id = self._enqueue(prefix, "escalation", person.email, context)
        self._mark(reminder_ids, outbox_id)
        return prefix

    def _mark(self, ids: list[int], outbox_id: int) -> None:
        self.session.execute(update(REMINDER).where(REMINDER.c.id.in_(ids))
                             .values(status=QUEUED, outbox_id=outbox_id))


def sweep(prog: Programme, now: datetime | None = None, *,
          limit: int = SWEEP_BATCH) -> SweepReport:
    """Queue every due reminder as digest and escalation emails, in one transaction."""
    now = now or prog.engine.clock()
    report = SweepReport()
    with prog.db.transaction() as session:
        query = due_reminders(now, limit)
        if not prog.db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        due = session.execute(query).all()
        report.due = len(due)
        report.more = len(due) == limit
        if not due:
            return report
        deadline_ids = sorted({r.deadline_id for r in due})
        deadlines = {d.id: d for d in _deadlines(session, DEADLINE.c.id.in_(deadline_ids))}
        stale = [r.id for r in due
                 if deadlines[r.deadline_id].closed_at is not None
                 or deadlines[r.deadline_id].version != r.deadline_version]
        if stale:
            session.execute(update(REMINDER).where(REMINDER.c.id.in_(stale))
                            .values(status=CANCELLED))
        report.cancelled = len(stale)
        stale_set = set(stale)
        live = [r for r in due if r.id not in stale_set]
        run = _Sweep(prog, session, now)

        by_opd: dict[str, list[Any]] = defaultdict(list)
        by_coordinator: dict[str, list[Any]] = defaultdict(list)
        for r in live:
            (by_coordinator if r.kind == ESCALATION else by_opd)[r.recipient].append(r)
        _queue_digests(session, run, by_opd, report)
        for email, rows in sorted(by_coordinator.items()):
            person = session.execute(
                mselect(Person).where(Person.email == email)).scalar_one_or_none()
            ids = [r.id for r in rows]
            if person is None:  # removed since planning: nobody to tell
                _cancel(session, ids, report)
                continue
            chosen = list(dict.fromkeys(r.deadline_id for r in rows))
            report.escalations.append(
                run.escalation(person, [deadlines[i] for i in chosen], ids))
            report.queued += len(ids)
    return report


def _queue_digests(session: Session, run: _Sweep, by_opd: dict[str, list[Any]],
                   report: SweepReport) -> None:
    for email, rows in sorted(by_opd.items()):
        opd = session.execute(mselect(Opd).where(Opd.email == email)).scalar_one_or_none()
        ids = [r.id for r in rows]
        if opd is None:  # the OPD was removed or changed its address since planning
            _cancel(session, ids, report)
            continue
        key = run.digest(opd, ids)
        if key is None:  # the OPD moved to a region with nothing open
            _cancel(session, ids, report)
            continue
        report.digests.append(key)
        report.queued += len(ids)


def _cancel(session: Session, ids: Sequence[int], report: SweepReport) -> None:
    session.execute(update(REMINDER).where(REMINDER.c.id.in_(list(ids)))
                    .values(status=CANCELLED))
    report.cancelled += len(ids)


def planned_count(session: Session, deadline_id: int) -> int:
    return int(session.execute(
        select(func.count()).select_from(REMINDER).where(
            REMINDER.c.deadline_id == deadline_id, REMINDER.c.status == PLANNED)
    ).scalar_one())
