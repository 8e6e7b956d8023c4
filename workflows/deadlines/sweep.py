"""The sweep: due reminders become one digest per OPD and one escalation per coordinator a day.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session
from sqlmodel import select as mselect

from engine import DeadlineRecord, Records, WorkflowDefinition
from notifications.queue import queue_numbered_email
from workflows import roles
from workflows.access import links
from workflows.deadlines.reminders import (
    BEFORE,
    CANCELLED,
    ESCALATION,
    NATIONAL_TZ,
    OVERDUE,
    PLANNED,
    QUEUED,
    REMINDER,
    local_date,
)
from workflows.directory.models import Opd, Person, Region
from workflows.emails.catalogue import EMAILS
from workflows.programme import Programme
from workflows.zones import local, zone_of

SWEEP_BATCH = 5000


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


_ACTION = {
    "id": ("Unggah: {}", "Tidak ada dokumen yang menunggu Anda; koordinator menutup tahap ini"),
    "en": ("Submit: {}", "Nothing is waiting for you; the coordinator closes this stage"),
}


class _Sweep:
    def __init__(self, prog: Programme, session: Session, now: datetime) -> None:
        self.prog = prog
        self.session = session
        self.records = Records(session)
        self.now = now
        self.settings = prog.settings
        self.locale = prog.settings.mail_locale
        self._regions: dict[str, Region | None] = {}

    def region(self, code: str) -> Region | None:
        if code not in self._regions:
            self._regions[code] = self.session.get(Region, code)
        return self._regions[code]

    def tz(self, code: str) -> str:
        region = self.region(code)
        return region.tz if region is not None else NATIONAL_TZ

    def definition(self, d: DeadlineRecord) -> WorkflowDefinition:
        return self.prog.engine.workflow(self.session, d.definition_key, d.definition_version)

    def _queue(self, prefix: str, kind: str, recipient: str, context: dict[str, Any]) -> int:
        return queue_numbered_email(self.session, self.settings, EMAILS, kind=kind,
                                    recipient=recipient, context=context, prefix=prefix,
                                    now=self.now, locale=self.locale)

    # -- digests -------------------------------------------------------------------------

    def digest_item(self, d: DeadlineRecord, opd: Opd, tz: str) -> dict[str, Any]:
        definition = self.definition(d)
        submitted = self.records.submitted(d.instance_id)
        pending = [definition.deliverables[name].label
                   for name in definition.owed(d.state, roles.OPD, opd.code, submitted)]
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
            # Opens the OPD's page at this item, signed in, once (workflows.access.links).
            "link": links.make_url(self.settings, opd.email, f"/opd#deadline-{d.id}",
                                   self.now),
        }

    def digest(self, opd: Opd, reminder_ids: list[int]) -> str | None:
        """Queue the OPD's digest of today; None when its region has nothing open."""
        region = self.region(opd.region_code)
        tz = self.tz(opd.region_code)
        open_deadlines = self.records.open_deadlines(subjects=[opd.region_code])
        if not open_deadlines:
            return None
        context = {
            "recipient_name": opd.name,
            "region_name": region.name if region else opd.region_code,
            "region_code": opd.region_code,
            "zone": zone_of(tz),
            "items": [self.digest_item(d, opd, tz) for d in open_deadlines],
            "app_url": links.make_url(self.settings, opd.email, "/opd", self.now),
        }
        prefix = f"digest:{opd.email}:{local_date(self.now, tz).isoformat()}"
        outbox_id = self._queue(prefix, "reminder_digest", opd.email, context)
        self._mark(reminder_ids, outbox_id)
        return prefix

    # -- escalations ---------------------------------------------------------------------

    def escalation(self, person: Person, deadlines: list[DeadlineRecord],
                   reminder_ids: list[int]) -> str:
        tz = self.tz(person.region_code) if person.region_code else NATIONAL_TZ
        codes = list(dict.fromkeys(d.subject for d in deadlines))
        regions = [self.region(c) for c in codes]
        names = [r.name if r else c for r, c in zip(regions, codes, strict=True)]
        items = []
        for d in deadlines:
            stage = self.definition(d).state_label(d.state)
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
        outbox_id = self._queue(prefix, "escalation", person.email, context)
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
        found = Records(session).open_deadlines(
            ids=sorted({r.deadline_id for r in due}), include_closed=True)
        deadlines = {d.id: d for d in found}
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
