"""A cohort's status: its regions by stage, each with the deadline of its current stage.

``progress.status`` (``workflows.reporting.status``) lists every region of a cohort ordered by
stage (the definition's order), then by code, with the open deadline of its current stage
(entered + the state's ``deadline`` days; a new visit of a stage, a new deadline). Every time
comes back as an aware UTC datetime with the region's zone, and ``workflows.zones.local``
renders it with the right WIB/WITA/WIT label. On SQLite and PostgreSQL, with the simulated clock
of ``tests/conftest.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workflows.deadlines.working_days import WorkingCalendar
from workflows.reporting import status as progress
from workflows.zones import local

BALIKPAPAN = "64.71"  # Kota Balikpapan, Kalimantan Timur, WITA
MIMIKA = "94.04"  # Kabupaten Mimika, Papua Tengah, WIT
KOTIM = "62.02"  # Kabupaten Kotawaringin Timur, Kalimantan Tengah, WIB (Asia/Pontianak)
BANGGAI = "72.01"  # Kabupaten Banggai, Sulawesi Tengah, WITA
JAYAPURA = "91.71"  # Kota Jayapura, Papua, WIT
SAMARINDA = "64.72"  # Kota Samarinda, another cohort
T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 WIB, 10:00 WITA, 11:00 WIT
DAY = timedelta(days=1)


def _status(world: Any, cohort: str = "Smart City 2026") -> list[progress.StatusRow]:
    with world.prog.db.read() as session:
        return progress.status(world.prog, session, cohort)


def _days_on(clock: Any, days: int, code: str) -> str:
    """``days`` after today (in WITA), moved to a working day, at 23:59 WITA."""
    calendar = WorkingCalendar()
    day = calendar.add_working_days(
        clock.now.astimezone(ZoneInfo("Asia/Makassar")).date() + timedelta(days=days), 0)
    assert code == BALIKPAPAN
    return f"{day.isoformat()} 23:59 WITA"


def _is_utc(value: datetime | None) -> bool:
    return value is not None and value.utcoffset() == timedelta(0)


def test_status_orders_by_stage_with_due_dates(world: Any, clock: Any) -> None:
    mimika = world.region(MIMIKA)
    kotim = world.region(KOTIM)
    balikpapan = world.region(BALIKPAPAN)
    banggai = world.region(BANGGAI)
    world.region(JAYAPURA)
    world.region(SAMARINDA, cohort="Smart City 2025", year=2025)
    clock.now = T0 + DAY
    world.drive(kotim, "mou")
    clock.now = T0 + 2 * DAY
    world.drive(balikpapan, "bimtek_2")
    clock.now = T0 + 3 * DAY
    world.drive(banggai, "mentor_review")
    assert world.state(mimika.code) == "assessment"

    rows = _status(world)
    assert [(r.code, r.name, r.province, r.zone, r.tz, r.state, r.stage, r.stage_index, r.cycle)
            for r in rows] == [
        (JAYAPURA, "Kota Jayapura", "Papua", "WIT", "Asia/Jayapura", "assessment",
         "Invited / assessment", 0, 1),
        (MIMIKA, "Kabupaten Mimika", "Papua Tengah", "WIT", "Asia/Jayapura", "assessment",
         "Invited / assessment", 0, 1),
        (KOTIM, "Kabupaten Kotawaringin Timur", "Kalimantan Tengah", "WIB", "Asia/Pontianak",
         "mou", "MoU", 1, 1),
        (BALIKPAPAN, "Kota Balikpapan", "Kalimantan Timur", "WITA", "Asia/Makassar",
         "bimtek_2", "Bimtek II", 4, 1),
        (BANGGAI, "Kabupaten Banggai", "Sulawesi Tengah", "WITA", "Asia/Makassar",
         "mentor_review", "Mentor review", 8, 1),
    ]
    # The stage's days from the local day it was entered, at 23:59 in the region's zone, on a
    # working day.
    assert [(r.code, r.entered_at, r.due_at and local(r.due_at, r.tz)) for r in rows] == [
        (JAYAPURA, T0, None),  # assessment has no deadline
        (MIMIKA, T0, None),
        (KOTIM, T0 + DAY, "2026-05-06 23:59 WIB"),  # 120 days after 6 January
        # 45 days after 7 January is Saturday 21 February: the Monday after
        (BALIKPAPAN, T0 + 2 * DAY, "2026-02-23 23:59 WITA"),
        (BANGGAI, T0 + 3 * DAY, "2026-01-29 23:59 WITA"),  # 21 days after 8 January
    ]
    assert all(_is_utc(r.entered_at) for r in rows)
    assert all(_is_utc(r.due_at) for r in rows if r.due_at is not None)
    assert [r.code for r in _status(world, "2025")] == [SAMARINDA]


def test_status_shows_the_deadline_of_the_current_visit(world: Any, clock: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "mentor_review")
    clock.advance(days=5)
    world.reject(r, "Tambahkan data dasar")
    (row,) = _status(world)
    assert (row.state, local(row.due_at, row.tz)) == ("revision", _days_on(clock, 30, r.code))
    clock.advance(days=9)
    world.revise(r)
    (row,) = _status(world)
    assert (row.state, row.entered_at, local(row.due_at, row.tz)) == (
        "mentor_review", clock.now, _days_on(clock, 21, r.code))
    clock.advance(days=2)
    world.reject(r, "Nama OPD penanggung jawab")
    (row,) = _status(world)
    assert (row.state, local(row.due_at, row.tz)) == ("revision", _days_on(clock, 30, r.code))


def test_times_render_in_the_region_zone_with_its_label(world: Any, clock: Any) -> None:
    for code in (BALIKPAPAN, MIMIKA, KOTIM):
        world.region(code)
    rendered = {r.code: (local(r.entered_at, r.tz), r.zone) for r in _status(world)}
    assert rendered == {
        KOTIM: ("2026-01-05 09:00 WIB", "WIB"),
        BALIKPAPAN: ("2026-01-05 10:00 WITA", "WITA"),
        MIMIKA: ("2026-01-05 11:00 WIT", "WIT"),
    }
    clock.now = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)  # after 23:00 WIB: next day east
    world.drive(world.region(BANGGAI), "mou")
    row = next(r for r in _status(world) if r.code == BANGGAI)
    assert local(row.entered_at, row.tz) == "2026-07-01 00:30 WITA"
    # 120 days after 1 July local, not 30 June as in WIB, at the end of that day.
    assert local(row.due_at, row.tz) == "2026-10-29 23:59 WITA"
    assert local(row.due_at, "Asia/Jakarta", "%d %b %Y %H:%M") == "29 Oct 2026 22:59 WIB"
