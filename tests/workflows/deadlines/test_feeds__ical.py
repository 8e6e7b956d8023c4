"""The iCalendar feed: one event per open deadline, at its UTC instant, updatable.

The feed parses back as iCalendar; the event's start is the deadline's instant; its UID is
stable and its SEQUENCE is the deadline's version; the description shows the region's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from config import language
from engine import NotFoundError
from workflows.deadlines import feeds
from workflows.directory import cohorts, registration
from workflows.master_plan import actions

ASSESSOR = "penilai@komdigi.go.id"


def _region_in_mou(prog: Any, clock: Any, tmp_path: Path, code: str) -> None:
    cohorts.create_cohort(prog, "Smart City 2026", 2026)
    cohorts.add_members(prog, "Smart City 2026", [code])
    registration.add_person(prog, ASSESSOR, "Penilai", "assessor", None)
    doc = tmp_path / "hasil.pdf"
    doc.write_bytes(b"%PDF-1.4 assessment")
    actions.submit(prog, code, "assessment_result", doc, ASSESSOR)
    actions.advance(prog, code, "assess", ASSESSOR)


def test_feed_has_the_open_deadline_in_utc_with_the_local_time(
    prog: Any, clock: Any, tmp_path: Path
) -> None:
    _region_in_mou(prog, clock, tmp_path, "94.04")  # Kabupaten Mimika, WIT
    with prog.db.read() as session, language.using("id"):  # a calendar app asks in none
        feed = feeds.region_feed(prog, session, "94.04")
    calendar = Calendar.from_ical(feed)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    # The MoU stage's 120 days from the day it was entered, at 23:59 in the region's zone.
    due = datetime(2026, 5, 5, 14, 59, tzinfo=UTC)  # 23:59 WIT on a Tuesday
    assert event.decoded("dtstart") == due
    assert event.decoded("dtstart").tzinfo is not None
    assert str(event["summary"]) == "Batas waktu Penandatanganan MoU: Kabupaten Mimika"
    assert str(event["description"]).endswith("Selasa, 5 Mei 2026 pukul 23.59 WIT.")
    assert int(event["sequence"]) == 1
    assert str(event["uid"]).startswith("deadline-")
    assert calendar["x-wr-calname"] == "Tenggat Kabupaten Mimika"


def test_feed_is_empty_when_no_deadline_is_open(prog: Any) -> None:
    cohorts.create_cohort(prog, "Smart City 2026", 2026)
    cohorts.add_members(prog, "Smart City 2026", ["64.71"])  # assessment has no deadline
    with prog.db.read() as session:
        feed = feeds.region_feed(prog, session, "Kota Balikpapan")
    assert Calendar.from_ical(feed).walk("VEVENT") == []


def test_opd_feed_names_the_opd_and_unknown_opd_is_refused(
    prog: Any, clock: Any, tmp_path: Path
) -> None:
    _region_in_mou(prog, clock, tmp_path, "64.71")
    registration.add_opd(prog, "64.71", "DINKES", "Dinas Kesehatan", "dinkes@balikpapan.go.id")
    with prog.db.read() as session:
        with language.using("id"):
            feed = feeds.opd_feed(prog, session, "DINKES@balikpapan.go.id")
        assert Calendar.from_ical(feed)["x-wr-calname"] == (
            "Tenggat Dinas Kesehatan (Kota Balikpapan)")
        with pytest.raises(NotFoundError, match=r"no OPD is registered as nobody@x\.go\.id"):
            feeds.opd_feed(prog, session, "nobody@x.go.id")
