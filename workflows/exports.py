"""Exports for reporting: a cohort's progress and a region's history as CSV, and the data of a
region's printable report.

The CSV files are meant to be opened in a spreadsheet by programme staff, so they are written
with the :mod:`csv` module as UTF-8 *with a byte-order mark* (Excel, the usual tool at the
ministry and in the regions, otherwise reads the file as Windows-1252 and mangles names such as
"Kabupaten Pangkajene dan Kepulauan" written with non-ASCII characters and every comment in
Indonesian with quotes or dashes). Every time is given twice: in UTC (ISO 8601, for sorting and
for other tools) and in the region's own zone, labelled WIB/WITA/WIT (for people).

Comments, reasons and file names are typed by users, and a spreadsheet runs a cell that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula (CSV injection: ``=HYPERLINK(...)`` or worse).
:func:`safe_cell` neutralises such a cell with a leading apostrophe, which spreadsheets show as
text and do not display.

Nothing here writes; the functions read inside the caller's session (one consistent
snapshot). Who may export what is decided by the caller (the coordinator pages).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from engine.models import Deadline, ReviewDecision
from workflows import deadlines, reports
from workflows.directory import find_cohort
from workflows.models import Cohort, CohortMember, ExtensionRequest, Province, Region
from workflows.programme import Programme
from workflows.zones import local, zone_of

#: A spreadsheet treats a cell starting with one of these as a formula (tab and carriage
#: return too: some spreadsheets strip them and then read the formula behind).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A value as CSV cell text that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file (comma separated, CRLF, every cell guarded) as UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def file_name(*parts: str, ext: str = "csv") -> str:
    """A download's file name made only of ASCII letters, digits, dots, dashes and
    underscores (safe in a Content-Disposition header and on every file system)."""
    slug = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", p).strip("-").lower() for p in parts if p)
    slug = re.sub(r"-{2,}", "-", slug).strip("-") or "export"
    return f"{slug[:120]}.{ext}"


def utc_iso(at: datetime | None) -> str:
    """``2026-03-05T15:59:00Z``, or empty."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at is not None else ""


def local_text(at: datetime | None, tz: str) -> str:
    """``2026-03-05 23:59 WITA`` in ``tz``, or empty."""
    return local(at, tz) if at is not None else ""


# -- a cohort's progress -------------------------------------------------------------------

@dataclass(frozen=True)
class CohortRow:
    """One region of a cohort as exported: where it is and what it is due to do."""

    code: str
    name: str
    province: str
    zone: str
    tz: str
    state: str
    stage: str
    cycle: int
    version: int
    entered_at: datetime
    due_at: datetime | None
    origin: str | None
    review_round: int  # the last mentor-review round decided in the current cycle, 0 if none


COHORT_HEADER = (
    "region_code", "region", "province", "zone", "stage_code", "stage", "cycle", "version",
    "entered_utc", "entered_local", "deadline_utc", "deadline_local", "deadline_origin",
    "review_round",
)


def _review_rounds(session: Session, instance_ids: Sequence[int]) -> dict[int, int]:
    if not instance_ids:
        return {}
    rows = session.execute(
        select(col(ReviewDecision.instance_id), func.max(col(ReviewDecision.round)))
        .where(col(ReviewDecision.instance_id).in_(instance_ids))
        .group_by(col(ReviewDecision.instance_id))
    ).all()
    return {int(i): int(r) for i, r in rows}


def cohort_rows(prog: Programme, session: Session, cohort_ref: str,
                regions: frozenset[str] | None = None) -> tuple[Cohort, list[CohortRow]]:
    """Every region of the cohort (only ``regions`` when given), by stage then code, with its
    current deadline (the open one in the stage it is in) and review round."""
    cohort = find_cohort(session, cohort_ref)
    status = [r for r in reports.status(prog, session, cohort.name)
              if regions is None or r.code in regions]
    instances = {r.code: prog.current_instance(session, r.code) for r in status}
    rounds = _review_rounds(session, [i.id for i in instances.values()])
    out = []
    for r in status:
        instance = instances[r.code]
        current = deadlines.open_deadline(session, instance.id, instance.state)
        out.append(CohortRow(
            r.code, r.name, r.province, r.zone, r.tz, r.state, r.stage, r.cycle, r.version,
            r.entered_at, current.due_at if current else None,
            current.origin if current else None, rounds.get(instance.id, 0)))
    return cohort, out


def cohort_csv(prog: Programme, session: Session, cohort_ref: str,
               regions: frozenset[str] | None = None) -> tuple[str, bytes]:
    """The cohort's progress as ``(file name, CSV bytes)``."""
    cohort, rows = cohort_rows(prog, session, cohort_ref, regions)
    body = to_csv(COHORT_HEADER, (
        (r.code, r.name, r.province, r.zone, r.state, r.stage, r.cycle, r.version,
         utc_iso(r.entered_at), local_text(r.entered_at, r.tz), utc_iso(r.due_at),
         local_text(r.due_at, r.tz), r.origin, r.review_round)
        for r in rows))
    return file_name("cohort", cohort.name), body


# -- a region's history --------------------------------------------------------------------

HISTORY_HEADER = (
    "cycle", "when_utc", "when_local", "who", "role", "action", "from", "to", "comment",
    "detail",
)


def action_of(row: reports.HistoryRow) -> str:
    """What a history entry did, as the command line shows it."""
    return f"submit {row.detail or row.trigger}" if row.kind == "submission" else row.trigger


def history_csv(session: Session, region_ref: str) -> tuple[str, bytes]:
    """The region's timeline over all its cycles as ``(file name, CSV bytes)``."""
    region, rows = reports.history(session, region_ref)
    body = to_csv(HISTORY_HEADER, (
        (h.cycle, utc_iso(h.at), local_text(h.at, region.tz), h.actor, h.role, action_of(h),
         h.from_state, h.to_state, h.comment, h.detail)
        for h in rows))
    return file_name("history", region.code, region.name), body


# -- a region's printable report -----------------------------------------------------------

@dataclass(frozen=True)
class DeadlineRow:
    state: str
    stage: str
    due_at: datetime
    origin: str
    version: int
    closed_at: datetime | None
    extensions: tuple[ExtensionRequest, ...]


@dataclass(frozen=True)
class ReviewRow:
    deliverable: str
    round: int
    decision: str
    comment: str | None
    reviewer: str
    decided_at: datetime


@dataclass(frozen=True)
class RegionReport:
    """Everything a region's printed status report shows, for its current cycle (the
    timeline covers every cycle)."""

    region: Region
    province: str
    zone: str
    cohort: str | None
    state: str
    stage: str
    cycle: int
    version: int
    entered_at: datetime
    history: list[reports.HistoryRow]
    submissions: list[reports.SubmissionRow]
    deadlines: list[DeadlineRow]
    reviews: list[ReviewRow]
    deliverable_labels: dict[str, str]
    stage_labels: dict[str, str]


def region_report(prog: Programme, session: Session, region_ref: str) -> RegionReport:
    """A region's current stage, timeline, submissions, deadlines and review comments."""
    region, history = reports.history(session, region_ref)
    instance = prog.current_instance(session, region.code)
    d = prog.engine.definition(session, instance.definition_key,
                               instance.definition_version).definition
    province = session.get(Province, region.province_code)
    cohort = session.execute(
        select(col(Cohort.name)).join(CohortMember, col(CohortMember.cohort_id) == Cohort.id)
        .where(col(CohortMember.region_code) == region.code)).scalar_one_or_none()
    rows = session.execute(
        select(Deadline).where(col(Deadline.instance_id) == instance.id)
        .order_by(col(Deadline.created_at), col(Deadline.id))).scalars().all()
    due = [DeadlineRow(x.state, d.state_label(x.state), x.due_at, x.origin, x.version,
                       x.closed_at, tuple(deadlines.extension_requests(session, x.id or 0)))
           for x in rows]
    reviews = [ReviewRow(x.deliverable, x.round, x.decision, x.comment, x.reviewer,
                         x.decided_at)
               for x in session.execute(
                   select(ReviewDecision).where(col(ReviewDecision.instance_id) == instance.id)
                   .order_by(col(ReviewDecision.deliverable), col(ReviewDecision.round))
               ).scalars().all()]
    labels = {key: spec.label or key for key, spec in d.deliverables.items()}
    return RegionReport(
        region, province.name if province else region.province_code, zone_of(region.tz),
        cohort, instance.state, d.state_label(instance.state), instance.cycle,
        instance.version, instance.entered_at, history,
        reports.submissions(prog, session, region.code), due, reviews, labels,
        {s: d.state_label(s) for s in d.states})
