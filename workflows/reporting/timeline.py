"""A region's timeline: every action on every cycle of its master plan, oldest first, whole
(exports, the printed report) or a keyset page at a time (the region page, the API).

Each entry is the engine's :class:`~engine.HistoryRecord` (who, in which role, which action,
from which stage to which, the comment, when in UTC); interfaces show the time in the
region's zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from config.messages import Message
from engine import HistoryRecord, NotFoundError, Records, WorkflowDefinition
from workflows.deadlines.models import ExtensionRequest
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme
from workflows.reporting.paging import Page, page_of
from workflows.zones import ZONES, Moment

#: A history entry, as every interface shows it.
HistoryRow = HistoryRecord


class Named(Protocol):
    """Whose timeline it is: a region, or any subject (:class:`~workflows.directory.
    subjects.Subject`)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


def history(session: Session, region_ref: str, key: str | None = None
            ) -> tuple[Region, list[HistoryRecord]]:
    """The region's timeline over all its cycles, oldest first: of workflow ``key``, or of
    every workflow it runs when None."""
    region = find_region(session, region_ref)
    return region, subject_history(session, region, key)


def subject_history(session: Session, subject: Named, key: str | None = None
                    ) -> list[HistoryRecord]:
    """The timeline of any subject (a region, a province) over all its cycles, oldest first:
    of workflow ``key``, or of every workflow it runs when None."""
    rows = Records(session).history(subject.code, key)
    if not rows:
        _none(subject, key)
    return rows


def history_page(session: Session, region_ref: str, *, limit: int,
                 after: tuple[int, int] | None = None, newest_first: bool = False,
                 key: str | None = None,
                 ) -> tuple[Region, Page[HistoryRecord, tuple[int, int]]]:
    """One keyset page of the region's timeline (oldest first, or newest first), read past
    the entry at ``after`` = (cycle, seq); the page's ``next`` is where the following starts.
    Of workflow ``key`` only, when given."""
    region = find_region(session, region_ref)
    return region, subject_page(session, region, limit=limit, after=after,
                                newest_first=newest_first, key=key)


def subject_page(session: Session, subject: Named, *, limit: int,
                 after: tuple[int, int] | None = None, newest_first: bool = False,
                 key: str | None = None) -> Page[HistoryRecord, tuple[int, int]]:
    """:func:`history_page` for any subject (a region, a province)."""
    rows = Records(session).history_page(subject.code, key, limit=limit + 1, after=after,
                                         newest_first=newest_first)
    if not rows and after is None:
        _none(subject, key)
    return page_of(rows, limit, lambda h: (h.cycle, h.seq))


def _none(subject: Named, key: str | None) -> None:
    """Refuse a timeline with nothing in it: the region never joined, or never ran ``key``."""
    named = f"{subject.code} {subject.name}"
    if key is None or key == MASTER_PLAN:
        raise NotFoundError("reporting.not_joined", region=named)
    raise NotFoundError("instances.no_history", region=named, key=key)


def action_of(row: HistoryRecord) -> str:
    """What a history entry did, as the command line shows it."""
    return f"submit {row.detail or row.trigger}" if row.kind == "submission" else row.trigger


#: The log lines written with history entries, read back for what names the record exactly
#: (several entries may share an actor and a moment): the engine's for a submission
#: ("questionnaire v1 for DINKES: kuesioner.pdf"), the extension tools' ("extension #3: ..."),
#: the deadline tools' ("Bimtek I: due 2026-02-10 23:59 WIB for ...").
_SUBMITTED = re.compile(r"^\S+ v(\d+)(?: for (.+?))?: ")
_REQUEST = re.compile(r"\bextension #(\d+)")
#: A migration's entry: "v3->v4 #12: ..." (engine.migration writes it).
_MIGRATED = re.compile(r"^v(\d+)->v(\d+) #(\d+):")
_DUE = re.compile(r"\bdue (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (WIB|WITA|WIT)\b")


def described(prog: Programme, session: Session, rows: Sequence[HistoryRecord],
              tz: str) -> dict[tuple[int, int], Message]:
    """What each submission, extension and deadline entry of ``rows`` did, keyed by
    ``(instance_id, seq)``, as messages written in the reader's language when shown (dates in
    zone ``tz``).

    The engine keeps a log line with each entry (``detail``: "questionnaire v1 for DINKES:
    kuesioner.pdf"), written once, in English, with raw keys: right for the API and the
    exports, wrong on a page. The pages say the same from the records instead: the
    submission's label, version, OPD and file; the extension request's stage and dates.
    """
    records = Records(session)
    instances = {r.instance_id for r in rows}
    every = [s for i in instances for s in records.submissions(i)]
    sent = {(s.instance_id, s.deliverable, s.party, s.version): s for s in every}
    when = {(s.instance_id, s.deliverable, s.submitted_by, _utc(s.submitted_at)): s
            for s in every}
    stage_of: dict[int, str] = {}
    for i in instances:
        stage_of.update((d.id, d.state) for d in records.deadlines(i))
    asked = list(session.execute(select(ExtensionRequest).where(
        col(ExtensionRequest.deadline_id).in_(list(stage_of)))).scalars()) if stage_of else []
    definitions = {i: prog.definition_of(session, records.instance(i)) for i in instances}
    out: dict[tuple[int, int], Message] = {}
    for row in rows:
        d = definitions[row.instance_id]
        found: Message | None = None
        if row.kind == "submission":
            logged = _SUBMITTED.match(row.detail or "")
            s = (sent.get((row.instance_id, row.trigger, logged[2] or "", int(logged[1])))
                 if logged else when.get((row.instance_id, row.trigger, row.actor,
                                          _utc(row.at))))
            what = d.deliverable_label(row.trigger)
            if s is None:
                found = Message("timeline.submitted_plain", what=what)
            elif s.party:
                found = Message("timeline.submitted_for", what=what, version=s.version,
                                party=s.party, file=s.file_name)
            else:
                found = Message("timeline.submitted", what=what, version=s.version,
                                file=s.file_name)
        elif row.kind == "extension":
            found = _extension(row, asked, stage_of, d, tz)
        elif row.kind == "deadline":
            stage = d.state_label(row.to_state)
            due = _DUE.search(row.detail or "")
            found = Message("timeline.deadline_set", stage=stage, due=Moment(
                datetime.fromisoformat(due[1]).replace(tzinfo=ZoneInfo(ZONES[due[2]])), tz))\
                if due else Message("timeline.deadline_set_plain", stage=stage)
        elif row.kind == "migration" and (moved := _MIGRATED.match(row.detail or "")):
            found = Message("migration.timeline", old=moved[1], new=moved[2], id=moved[3],
                            before=d.state_label(row.from_state or ""),
                            after=d.state_label(row.to_state))
        elif row.kind not in ("start", "transition"):
            found = Message("timeline.note")
        if found is not None:
            out[(row.instance_id, row.seq)] = found
    return out


def _utc(at: datetime | None) -> datetime | None:
    """A stored moment as an aware UTC one (SQLite hands some back without their zone)."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _extension(row: HistoryRecord, asked: Sequence[ExtensionRequest],
               stage_of: dict[int, str], d: WorkflowDefinition, tz: str) -> Message:
    """An extension request or decision, from the request it was about."""
    logged = _REQUEST.search(row.detail or "")
    if logged:
        request = next((q for q in asked if q.id == int(logged[1])), None)
    elif row.trigger == "request_extension":
        request = next((q for q in asked if q.requested_by == row.actor
                        and _utc(q.created_at) == _utc(row.at)), None)
    else:
        request = next((q for q in asked if q.decided_by == row.actor
                        and _utc(q.decided_at) == _utc(row.at)), None)
    if request is None:
        return Message("timeline.extension_other")
    stage = d.state_label(stage_of[request.deadline_id])
    until = Moment(request.requested_until, tz)
    key = {"request_extension": "timeline.extension_requested",
           "grant_extension": "timeline.extension_granted",
           "refuse_extension": "timeline.extension_refused"}.get(row.trigger,
                                                                 "timeline.extension_other")
    return Message(key, id=request.id, stage=stage, until=until)
