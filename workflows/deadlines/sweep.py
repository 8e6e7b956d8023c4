"""The sweep: due reminder mornings become one digest per recipient per day, and escalations.

Every minute (and at once after downtime) :func:`sweep` takes the schedule rows whose next
reminder is due (``next_at <= now``, through its index; ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), a batch of deadlines per transaction, and for each batch:

1. drops the rows of deadlines that have closed (the region left the stage);
2. works out who is due a reminder or an escalation since the deadline was last handled
   (:mod:`workflows.deadlines.mornings`, from what each party owes now:
   :mod:`workflows.obligations`);
3. queues one ``reminder_digest`` per due recipient, listing *everything* that recipient owes
   on every open deadline (a whole recipient, never part of one), under the outbox key
   ``digest:{email}:{local date}``: a recipient already sent today's digest (by an earlier
   batch, an earlier run, a concurrent sweep) is not sent another, and loses nothing, since
   that digest listed everything it owed;
4. queues one ``escalation`` per due coordinator (``escalation:{email}:{local date}``) naming,
   per missed deadline, who is late and with what;
5. moves each row on: handled up to now, next due at its next reminder morning (a row with
   none left, after the escalation, is deleted; moving the deadline adds it again).

The emails and the rows commit together: a crashed sweep queued nothing and moved nothing, a
repeated one finds nothing due, and backlog after downtime becomes one digest per recipient.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from engine import DeadlineRecord, Records
from notifications import outbox
from notifications.queue import Email, queue_emails
from workflows import roles
from workflows.access.languages import languages_of
from workflows.deadlines import digests, mornings, occasions
from workflows.deadlines.digests import Region
from workflows.deadlines.mornings import Due, Window
from workflows.deadlines.occasions import local_date
from workflows.deadlines.reminders import SCHEDULE, zones
from workflows.directory import models as directory
from workflows.directory.subjects import subjects
from workflows.emails.catalogue import EMAILS
from workflows.obligations import Obligations, Owed
from workflows.programme import Programme

#: Deadlines per transaction. Small enough that on SQLite (one writer at a time) a national
#: morning of thousands of digests never holds the write lock for more than a second or so:
#: an OPD's upload at 08:00 waits briefly instead of timing out behind the sweep.
SWEEP_BATCH = 100

_MOVE_ON = (update(SCHEDULE).where(SCHEDULE.c.deadline_id == bindparam("b_id"))
            .values(done_until=bindparam("b_done"), next_at=bindparam("b_next")))


@dataclass
class SweepReport:
    deadlines: int = 0  # schedule rows handled
    dropped: int = 0  # rows of deadlines that had closed
    digests: list[str] = field(default_factory=list)  # outbox keys queued
    escalations: list[str] = field(default_factory=list)
    covered: int = 0  # due again the same day: today's digest already listed everything

    @property
    def queued(self) -> int:
        return len(self.digests) + len(self.escalations)


class Round:
    """One look at open deadlines at a moment: their regions, parties and what is owed, read
    set-wise and kept (the sweep and the preview both work through one)."""

    def __init__(self, prog: Programme, session: Session, now: datetime) -> None:
        self.prog = prog
        self.session = session
        self.now = now
        self.settings = prog.settings
        self.obligations = Obligations(prog, session)
        self._regions: dict[str, Region] = {}

    def regions(self, codes: Iterable[str]) -> dict[str, Region]:
        missing = set(codes) - self._regions.keys()
        if missing:  # regions and provinces alike, each named and in its own zone
            for code, found in subjects(self.session, missing).items():
                self._regions[code] = Region(code, found.name, found.tz)
        return self._regions

    def region_tz(self, deadlines: Iterable[DeadlineRecord]) -> dict[str, str]:
        found = self.regions(d.subject for d in deadlines)
        return {code: region.tz for code, region in found.items()}

    def due(self, deadlines: Sequence[DeadlineRecord], windows: dict[int, Window],
            until: datetime) -> list[Due]:
        """Who is due a reminder or an escalation about ``deadlines`` up to ``until``."""
        tz = self.region_tz(deadlines)
        settings = self.settings
        waiting = [d for d in deadlines if d.id in windows and any(
            windows[d.id].after < o.at <= until
            for o in occasions.every(settings, d.due_at, d.tz or tz[d.subject],
                                     zones(tz[d.subject]), windows[d.id].since))]
        if not waiting:
            return []
        owed = self.obligations.on_deadlines(waiting)
        parties = self.obligations.parties(d.subject for d in waiting)
        return mornings.due(settings, waiting, windows, owed, parties, tz, until)

    def owed_by_recipient(self, dues: Collection[Due]) -> dict[str, list[Owed]]:
        """Everything each digest recipient among ``dues`` owes on open deadlines: in its
        region, in the regions assigned to a mentor, everywhere for the programme's people."""
        wanted = {d.party.email for d in dues if not d.escalation}
        regions = {d.region for d in dues if not d.escalation}
        mentors = {d.party.email for d in dues if not d.escalation
                   and d.party.role == roles.MENTOR}
        if mentors:
            regions |= set(self.session.execute(
                select(col(directory.MentorAssignment.region_code))
                .join(directory.Person,
                      col(directory.Person.id) == col(directory.MentorAssignment.person_id))
                .where(col(directory.Person.email).in_(sorted(mentors)))).scalars())
        if any(not d.escalation and not d.party.bound and d.party.role != roles.MENTOR
               for d in dues):
            regions |= {d.subject for d in Records(self.session).open_deadlines()}
        out: dict[str, list[Owed]] = defaultdict(list)
        for o in self.obligations.in_regions(regions):
            if o.party is not None and o.party.email in wanted:
                out[o.party.email].append(o)
        return out

    def digest_context(self, due: Due, owed: list[Owed], locale: str) -> dict[str, Any]:
        regions = self.regions(o.region for o in owed)
        return digests.digest(self.settings, locale, due.party, due.tz, owed, regions,
                              self.now)

    def escalation_context(self, dues: list[Due], owed: list[Owed],
                           locale: str) -> dict[str, Any]:
        by_deadline: dict[int, list[Owed]] = defaultdict(list)
        for o in mornings.late(owed):
            if o.deadline is not None:
                by_deadline[o.deadline.id].append(o)
        missed = [(d.deadline, by_deadline.get(d.deadline.id, [])) for d in dues]
        regions = self.regions(d.deadline.subject for d in dues)
        return digests.escalation(locale, dues[0].party, dues[0].tz, missed, regions,
                                  self.now, lambda d: self.obligations.definition(
                                      d.definition_key, d.definition_version))


def sweep(prog: Programme, now: datetime | None = None, *,
          limit: int = SWEEP_BATCH) -> SweepReport:
    """Handle every due schedule row, ``limit`` deadlines per transaction."""
    now = now or prog.engine.clock()
    report = SweepReport()
    while _one_batch(prog, now, limit, report) == limit:
        pass
    return report


def _one_batch(prog: Programme, now: datetime, limit: int, report: SweepReport) -> int:
    """One transaction's worth of due schedule rows; how many rows it took."""
    with prog.db.transaction() as session:
        query = (select(SCHEDULE).where(SCHEDULE.c.next_at <= now)
                 .order_by(SCHEDULE.c.next_at, SCHEDULE.c.deadline_id).limit(limit))
        if not prog.db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        rows = session.execute(query).all()
        if not rows:
            return 0
        found = {d.id: d for d in Records(session).open_deadlines(
            ids=[r.deadline_id for r in rows], include_closed=True)}
        gone = [r.deadline_id for r in rows
                if r.deadline_id not in found or found[r.deadline_id].closed_at is not None]
        if gone:
            session.execute(delete(SCHEDULE).where(SCHEDULE.c.deadline_id.in_(gone)))
        live = [found[r.deadline_id] for r in rows if r.deadline_id not in set(gone)]
        windows = {r.deadline_id: Window(r.since, r.done_until) for r in rows}
        run = Round(prog, session, now)
        dues = run.due(live, windows, now)
        _send(run, dues, report)
        tz = run.region_tz(live)
        moves = [{
            "b_id": d.id, "b_done": now,
            "b_next": occasions.next_after(prog.settings, d.due_at, d.tz or tz[d.subject],
                                           zones(tz[d.subject]), windows[d.id].since, now),
        } for d in live]
        if any(m["b_next"] is not None for m in moves):
            session.execute(_MOVE_ON, [m for m in moves if m["b_next"] is not None])
        finished = [m["b_id"] for m in moves if m["b_next"] is None]
        if finished:  # escalated: nothing more to send until the deadline moves (re-added)
            session.execute(delete(SCHEDULE).where(SCHEDULE.c.deadline_id.in_(finished)))
        report.deadlines += len(live)
        report.dropped += len(gone)
        return len(rows)


def _send(run: Round, dues: list[Due], report: SweepReport) -> None:
    """One digest per due recipient and one escalation per due coordinator, queued in one
    statement each; a recipient already sent today's is skipped before anything is built."""
    session, settings, now = run.session, run.settings, run.now
    first: dict[str, Due] = {}
    escalated: dict[str, list[Due]] = defaultdict(list)
    for due in dues:
        if due.escalation:
            escalated[due.party.email].append(due)
        else:
            first.setdefault(due.party.email, due)
    keys = {email: f"digest:{email}:{local_date(now, due.tz).isoformat()}"
            for email, due in first.items()}
    sent_today = outbox.existing_keys(session, keys.values())
    fresh = {email: due for email, due in first.items() if keys[email] not in sent_today}
    owed = run.owed_by_recipient(list(fresh.values())) if fresh else {}
    # Each recipient reads in their own language (their account's, else the programme's).
    langs = languages_of(session, settings, set(fresh) | set(escalated))
    digests = []
    for email, due in sorted(fresh.items()):
        context = run.digest_context(due, owed.get(email, []), langs[email])
        if context["items"]:  # else settled since: nothing to remind of
            digests.append(Email("reminder_digest", email, context, keys[email],
                                 langs[email]))
    queued = queue_emails(session, settings, EMAILS, digests, now)
    report.digests += sorted(queued)
    report.covered += len(first) - len(fresh) + len(digests) - len(queued)
    if not escalated:
        return
    keys = {email: f"escalation:{email}:{local_date(now, group[0].tz).isoformat()}"
            for email, group in escalated.items()}
    sent_today = outbox.existing_keys(session, keys.values())
    waiting = {email for email in escalated if keys[email] not in sent_today}
    if not waiting:
        return
    # A coordinator's one escalation of the day names every deadline due to be escalated to
    # them this morning, in this batch or a later one (whose rows are due but not yet taken):
    # a later batch finds the key sent and moves its rows on, and nothing is left unsaid.
    every = _escalations_due(run, waiting)
    deadlines = {due.deadline.id: due.deadline for group in every.values() for due in group}
    late = run.obligations.on_deadlines(list(deadlines.values()))
    emails = []
    for email in sorted(waiting):
        chosen = list({due.deadline.id: due for due in every.get(email, escalated[email])
                       }.values())
        emails.append(Email("escalation", email,
                            run.escalation_context(chosen, late, langs[email]), keys[email],
                            langs[email]))
    report.escalations += sorted(queue_emails(session, settings, EMAILS, emails, now))


def _escalations_due(run: Round, emails: Collection[str]) -> dict[str, list[Due]]:
    """The escalations due now to ``emails``, over every due schedule row (read, not taken)."""
    rows = run.session.execute(select(SCHEDULE).where(SCHEDULE.c.next_at <= run.now)).all()
    live = Records(run.session).open_deadlines(ids=[r.deadline_id for r in rows])
    windows = {r.deadline_id: Window(r.since, r.done_until) for r in rows}
    found: dict[str, list[Due]] = defaultdict(list)
    for due in run.due(live, windows, run.now):
        if due.escalation and due.party.email in emails:
            found[due.party.email].append(due)
    return found
