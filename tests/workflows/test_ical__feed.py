"""The iCalendar feed: one event per open deadline, at its UTC instant, updatable.

The feed parses back as iCalendar; the event's start is the deadline's instant; its UID is
stable and its SEQUENCE is the deadline's version; the description shows the region's zone.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from engine.errors import NotFoundError
from workflows import actions, directory, ical

ASSESSOR = "penilai@komdigi.go.id"


def _region_in_mou(prog: Any, clock: Any, tmp_path: Path, code: str) -> None:
    directory.create_cohort(prog, "Smart City 2026", 2026)
    directory.add_members(prog, "Smart City 2026", [code])
    directory.add_person(prog, ASSESSOR, "Penilai", "assessor", None)
    doc = tmp_path / "hasil.pdf"
    doc.write_bytes(b"%PDF-1.4 assessment")
    actions.submit(prog, code, "assessment_result", doc, ASSESSOR)
    actions.advance(prog, code, "assess", ASSESSOR)


def test_feed_has_the_open_deadline_in_utc_with_the_local_time(
    prog: Any, clock: Any, tmp_path: Path
) -> None:
    _region_in_mou(prog, clock, tmp_path, "94.04")  # Kabupaten Mimika, WIT
    with prog.db.read() as session:
        feed = ical.region_feed(prog, session, "94.04")
    calendar = Calendar.from_ical(feed)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    due = clock.now + timedelta(days=120)  # the MoU stage's relative deadline
    assert event.decoded("dtstart") == due
    assert event.decoded("dtstart").tzinfo is not None
    assert str(event["summary"]) == "Batas waktu MoU: Kabupaten Mimika"
    assert str(event["description"]).endswith(
        f"{(due + timedelta(hours=9)).strftime('%Y-%m-%d %H:%M')} WIT.")
    assert int(event["sequence"]) == 1
    assert str(event["uid"]).startswith("deadline-")
    assert calendar["x-wr-calname"] == "Tenggat Kabupaten Mimika"


def test_feed_is_empty_when_no_deadline_is_open(prog: Any) -> None:
    directory.create_cohort(prog, "Smart City 2026", 2026)
    directory.add_members(prog, "Smart City 2026", ["64.71"])  # assessment has no deadline
    with prog.db.read() as session:
        feed = ical.region_feed(prog, session, "Kota Balikpapan")
    assert Calendar.from_ical(feed).walk("VEVENT") == []


def test_opd_feed_names_the_opd_and_unknown_opd_is_refused(
    prog: Any, clock: Any, tmp_path: Path
) -> None:
    _region_in_mou(prog, clock, tmp_path, "64.71")
    directory.add_opd(prog, "64.71", "DINKES", "Dinas Kesehatan", "dinkes@balikpapan.go.id")
    with prog.db.read() as session:
        feed = ical.opd_feed(prog, session, "DINKES@balikpapan.go.id")
        assert Calendar.from_ical(feed)["x-wr-calname"] == (
            "Tenggat Dinas Kesehatan (Kota Balikpapan)")
        with pytest.raises(NotFoundError, match=r"no OPD is registered as nobody@x\.go\.id"):
            ical.opd_feed(prog, session, "nobody@x.go.id")
