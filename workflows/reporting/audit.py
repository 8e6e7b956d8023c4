"""The audit export: every history entry of a period, of every region and workflow.

An auditor asks "everything that happened in March": the export walks the append-only
history a page at a time (a keyset on the entry's id, :meth:`engine.Records.history_between`,
each page in its own short read), so a year of 100,000 entries streams to a file without being
held in memory or holding a transaction open for minutes. Entries come in the order they were
written.

The period is given as dates, both included, read in WIB (the programme's national zone,
the one its coordinators work in): ``2026-03-01``..``2026-03-31`` is every entry at or after
2026-03-01 00:00 WIB (2026-02-28T17:00Z) and before 2026-04-01 00:00 WIB. Times in the export
are UTC (ISO 8601, ``Z``).

Two formats: CSV for a spreadsheet (headers in the reader's language, cells guarded against
formula injection as in :mod:`workflows.reporting.exports`) and JSON lines for other tools
(one object a line, stable English field names: :data:`FIELDS`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlmodel import select

from config.messages import text
from engine import HistoryRecord, InvalidInputError, Records
from workflows.directory.models import Region
from workflows.programme import Programme
from workflows.reporting.exports import safe_cell, utc_iso
from workflows.zones import NATIONAL_TZ

#: The fields of an entry, in order: the JSON lines' names, the CSV's columns.
FIELDS = ("id", "at", "region_code", "region_name", "workflow", "cycle", "kind", "action",
          "from_state", "to_state", "actor", "role", "comment", "detail")
FORMATS = ("csv", "jsonl")
#: Entries read per query: large enough that round trips do not dominate, small in memory.
PAGE = 1000
#: The dates a period may name: every date the programme can have written an entry on, with
#: room to spare. A date further out is a typo (``9999-12-31`` has no next day to end at).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class Period:
    """Dates ``first``..``last`` (both included) in WIB, as the UTC instants [start, end)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), ZoneInfo(NATIONAL_TZ))

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), ZoneInfo(NATIONAL_TZ))


def period(first: str, last: str) -> Period:
    """The period of two ``YYYY-MM-DD`` dates; refused when malformed, outside
    :data:`EARLIEST`..:data:`LATEST` or in the wrong order."""
    dates = []
    for given in (first, last):
        try:
            dates.append(date.fromisoformat(given.strip()))
        except ValueError:
            raise InvalidInputError("audit.bad_date", given=given) from None
        if not EARLIEST <= dates[-1] <= LATEST:
            raise InvalidInputError("audit.date_out_of_range", given=given,
                                    earliest=EARLIEST.isoformat(), latest=LATEST.isoformat())
    if dates[1] < dates[0]:
        raise InvalidInputError("audit.period_reversed", first=first, last=last)
    return Period(dates[0], dates[1])


def entries(prog: Programme, chosen: Period, *, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every history entry of ``chosen``, in the order written, as a dict of :data:`FIELDS`."""
    with prog.db.read() as session:
        names = {code: name for code, name in session.execute(select(Region.code, Region.name))}
    after = 0
    while True:
        with prog.db.read() as session:
            rows = Records(session).history_between(chosen.start, chosen.end, limit=page,
                                                    after=after)
        for entry_id, workflow, h in rows:
            yield {"id": entry_id, "at": utc_iso(h.at), "region_code": h.subject,
                   "region_name": names.get(h.subject, ""), "workflow": workflow,
                   "cycle": h.cycle, "kind": h.kind, "action": _action(h),
                   "from_state": h.from_state, "to_state": h.to_state, "actor": h.actor,
                   "role": h.role, "comment": h.comment, "detail": h.detail}
        if len(rows) < page:
            return
        after = rows[-1][0]


def _action(h: HistoryRecord) -> str:
    """``submit <deliverable>`` for a submission, else the trigger (its log line, with the
    version and file name, is the ``detail`` field)."""
    return f"submit {h.trigger}" if h.kind == "submission" else h.trigger


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO,
              each: Callable[[], None] = lambda: None) -> int:
    """``rows`` as CSV (CRLF, headers in the reader's language, cells guarded); how many."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(text(f"audit.field.{f}")) for f in FIELDS])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(row[f]) for f in FIELDS])
        count += 1
        each()
    return count


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO,
                each: Callable[[], None] = lambda: None) -> int:
    """``rows`` as JSON lines (UTF-8, English field names, null for none); how many."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
        each()
    return count


WRITERS = {"csv": write_csv, "jsonl": write_jsonl}
