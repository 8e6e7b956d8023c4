"""Exports for reporting: a cohort's progress and a region's history as CSV files.

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
snapshot). Who may export what is decided by the caller (the coordinator pages). The
printable report of a region is :mod:`workflows.reporting.report`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlmodel import Session

from engine import Records
from workflows.directory.cohorts import find_cohort
from workflows.programme import Programme
from workflows.reporting.status import status
from workflows.reporting.timeline import action_of, history
from workflows.zones import local

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

COHORT_HEADER = (
    "region_code", "region", "province", "zone", "stage_code", "stage", "cycle", "version",
    "entered_utc", "entered_local", "deadline_utc", "deadline_local", "deadline_origin",
    "review_round",
)


def cohort_csv(prog: Programme, session: Session, cohort_ref: str,
               regions: frozenset[str] | None = None) -> tuple[str, bytes]:
    """The cohort's progress (only ``regions`` when given) as ``(file name, CSV bytes)``."""
    cohort = find_cohort(session, cohort_ref)
    body = to_csv(COHORT_HEADER, (
        (r.code, r.name, r.province, r.zone, r.state, r.stage, r.cycle, r.version,
         utc_iso(r.entered_at), local_text(r.entered_at, r.tz), utc_iso(r.due_at),
         local_text(r.due_at, r.tz), r.origin, r.review_round)
        for r in status(prog, session, cohort.name, regions, review_rounds=True)))
    return file_name("cohort", cohort.name), body


# -- a region's history --------------------------------------------------------------------

#: ``workflow`` is the definition's key (as the audit export writes it): a region's history
#: holds the entries of every workflow it runs, the master plan's and any other programme's.
HISTORY_HEADER = (
    "workflow", "cycle", "when_utc", "when_local", "who", "role", "action", "from", "to", "comment",
    "detail",
)


def history_csv(session: Session, region_ref: str) -> tuple[str, bytes]:
    """The region's timeline over all its cycles and workflows as ``(file name, CSV bytes)``."""
    region, rows = history(session, region_ref)
    records = Records(session)  # a region runs a handful of instances: one read each
    keys = {i: records.instance(i).definition_key for i in {h.instance_id for h in rows}}
    body = to_csv(HISTORY_HEADER, (
        (keys[h.instance_id], h.cycle, utc_iso(h.at), local_text(h.at, region.tz), h.actor,
         h.role, action_of(h), h.from_state, h.to_state, h.comment, h.detail)
        for h in rows))
    return file_name("history", region.code, region.name), body
