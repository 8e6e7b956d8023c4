"""The audit export: exactly the history entries of a period (dates in WIB, both included).

Proves, on SQLite and PostgreSQL: entries written one second before 1 March 00:00 WIB and at
1 April 00:00 WIB are left out, those at 1 March 00:00 WIB and at 31 March 23:59:59 WIB are in,
across regions, in the order written, read a page at a time (a page of two here); each entry
carries its id, UTC time, region code and name, workflow, action, stages, who and comment;
the CSV has the reader's language in its header and guarded cells, the JSON lines stable
English names; malformed or reversed dates are refused, and so are dates outside 2000-01-01 ..
2100-12-31 (``9999-12-31`` has no next day for the period to end at), while both bounds are in.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from config import language
from engine import InvalidInputError, Records
from workflows.reporting import audit

#: The period's edges in UTC, written out (WIB is UTC+7): the oracle the code's WIB reading
#: must agree with.
BEFORE = datetime(2026, 2, 28, 16, 59, 59, tzinfo=UTC)   # 28 Feb 23:59:59 WIB
FIRST = datetime(2026, 2, 28, 17, 0, 0, tzinfo=UTC)      # 1 Mar 00:00:00 WIB
LAST = datetime(2026, 3, 31, 16, 59, 59, tzinfo=UTC)     # 31 Mar 23:59:59 WIB
AFTER = datetime(2026, 3, 31, 17, 0, 0, tzinfo=UTC)      # 1 Apr 00:00:00 WIB
JAYAPURA = "91.71"


@pytest.fixture
def history(world: Any, clock: Any) -> dict[str, Any]:
    """Two regions with entries on both sides of each edge of March (WIB)."""
    clock.now = datetime(2026, 2, 20, 3, 0, tzinfo=UTC)
    r = world.region()
    other = world.region(JAYAPURA)
    clock.now = BEFORE
    world.submit(r.code, "assessment_result", world.ASSESSOR)
    clock.now = FIRST
    world.fire(r.code, "assess", world.ASSESSOR, comment="=HYPERLINK(\"x\") dinilai")
    world.submit(other.code, "assessment_result", world.ASSESSOR)
    clock.now = datetime(2026, 3, 15, 5, 0, tzinfo=UTC)
    world.submit(r.code, "signed_mou", r.head)
    clock.now = LAST
    world.fire(r.code, "sign_mou", r.head)
    clock.now = AFTER
    world.fire(other.code, "assess", world.ASSESSOR)
    with world.prog.db.read() as session:
        records = Records(session)
        every = [*records.history(r.code), *records.history(other.code)]
    inside = sorted((h for h in every if FIRST <= h.at <= LAST), key=lambda h: h.at)
    return {"region": r, "other": other, "every": every, "inside": inside}


def test_exactly_the_entries_of_the_period_in_the_order_written(world: Any,
                                                                 history: dict[str, Any]
                                                                 ) -> None:
    rows = list(audit.entries(world.prog, audit.period("2026-03-01", "2026-03-31"), page=2))
    inside = history["inside"]
    assert len(inside) == 4 and len(history["every"]) > len(inside)  # both sides exist
    assert [(r["region_code"], r["at"], r["action"], r["to_state"]) for r in rows] == [
        (h.subject, h.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
         f"submit {h.trigger}" if h.kind == "submission" else h.trigger, h.to_state)
        for h in inside]
    assert rows[0]["at"] == "2026-02-28T17:00:00Z" and rows[-1]["at"] == "2026-03-31T16:59:59Z"
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assessed = rows[0]
    assert assessed == {
        "id": assessed["id"], "at": "2026-02-28T17:00:00Z", "region_code": "64.71",
        "region_name": "Kota Balikpapan", "workflow": "master_plan", "cycle": 1,
        "kind": "transition", "action": "assess", "from_state": "assessment",
        "to_state": "mou", "actor": world.ASSESSOR, "role": "assessor",
        "comment": "=HYPERLINK(\"x\") dinilai", "detail": None}
    assert {r["region_name"] for r in rows} == {"Kota Balikpapan", "Kota Jayapura"}
    # One day on each side: the entry of 28 Feb and the one of 1 April alone.
    feb = list(audit.entries(world.prog, audit.period("2026-02-28", "2026-02-28")))
    assert [r["at"] for r in feb] == ["2026-02-28T16:59:59Z"]
    april = list(audit.entries(world.prog, audit.period("2026-04-01", "2026-04-01")))
    assert [r["at"] for r in april] == ["2026-03-31T17:00:00Z"]
    assert list(audit.entries(world.prog, audit.period("2026-05-01", "2026-05-31"))) == []


def test_csv_in_the_readers_language_and_jsonl_with_english_names(
        world: Any, history: dict[str, Any]) -> None:
    chosen = audit.period("2026-03-01", "2026-03-31")
    out = io.StringIO()
    with language.using("id"):
        count = audit.write_csv(audit.entries(world.prog, chosen, page=3), out)
    table = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert count == 4 and len(table) == 5 and out.getvalue().count("\r\n") == 5
    assert table[0][:5] == ["ID entri", "Waktu (UTC)", "Kode daerah", "Daerah", "Alur kerja"]
    header = table[0]
    first = dict(zip(header, table[1], strict=True))
    assert first["Komentar"] == "'=HYPERLINK(\"x\") dinilai"  # not run as a formula
    assert first["Oleh"] == world.ASSESSOR and first["Ke tahap"] == "mou"

    lines = io.StringIO()
    assert audit.write_jsonl(audit.entries(world.prog, chosen), lines) == 4
    parsed = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert list(parsed[0]) == list(audit.FIELDS)
    assert parsed[0]["comment"] == "=HYPERLINK(\"x\") dinilai"
    assert [p["at"] for p in parsed] == [row[1] for row in table[1:]]


@pytest.mark.parametrize(("first", "last", "says"), [
    ("2026-3-1", "2026-03-31", "2026-3-1 is not a valid date"),
    ("2026-03-01", "31/03/2026", "31/03/2026 is not a valid date"),
    ("2026-02-30", "2026-03-31", "2026-02-30 is not a valid date"),
    ("2026-04-01", "2026-03-31", "--to 2026-03-31 is before --from 2026-04-01"),
    ("2026-03-01", "9999-12-31", "9999-12-31 is outside the dates an export covers; choose "
                                 "dates from 2000-01-01 to 2100-12-31"),
    ("0001-01-01", "2026-03-31", "0001-01-01 is outside the dates an export covers"),
    ("1999-12-31", "2026-03-31", "1999-12-31 is outside"),
    ("2026-03-01", "2101-01-01", "2101-01-01 is outside"),
])
def test_malformed_or_reversed_dates_are_refused(first: str, last: str, says: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        audit.period(first, last)
    assert says in str(caught.value)


def test_the_bounds_themselves_are_in() -> None:
    whole = audit.period("2000-01-01", "2100-12-31")
    assert (whole.first, whole.last) == (audit.EARLIEST, audit.LATEST)
    assert whole.start < whole.end
