"""A region's timeline: its history oldest first, every time in UTC and shown in its zone.

``timeline.history`` (``workflows.reporting.timeline``) finds the region by name and returns
its history rows -- the start, submissions, transitions with their comments -- with actor,
role and UTC time; ``workflows.zones.local`` renders them in the region's zone (WIT here). On
SQLite and PostgreSQL, with the simulated clock of ``tests/conftest.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.reporting import timeline
from workflows.zones import local

MIMIKA = "94.04"  # Kabupaten Mimika, Papua Tengah, WIT
T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 WIB, 10:00 WITA, 11:00 WIT


def _is_utc(value: datetime | None) -> bool:
    return value is not None and value.utcoffset() == timedelta(0)


def test_history_is_the_timeline_oldest_first(world: Any, clock: Any) -> None:
    r = world.region(MIMIKA)
    clock.advance(hours=3)
    world.submit(r.code, "assessment_result", "penilai@komdigi.go.id")
    clock.advance(days=2)
    world.fire(r.code, "assess", "penilai@komdigi.go.id", comment="Siap mengikuti program")
    with world.prog.db.read() as session:
        region, rows = timeline.history(session, "Kabupaten Mimika")
    assert (region.code, region.zone, region.tz) == (MIMIKA, "WIT", "Asia/Jayapura")
    assert [(h.cycle, h.seq, h.at, h.actor, h.role, h.kind, h.trigger, h.from_state, h.to_state)
            for h in rows] == [
        (1, 1, T0, "system", "coordinator", "start", "start", None, "assessment"),
        (1, 2, T0 + timedelta(hours=3), "penilai@komdigi.go.id", "assessor", "submission",
         "assessment_result", "assessment", "assessment"),
        (1, 3, T0 + timedelta(days=2, hours=3), "penilai@komdigi.go.id", "assessor",
         "transition", "assess", "assessment", "mou"),
    ]
    assert rows[2].comment == "Siap mengikuti program"
    assert all(_is_utc(h.at) for h in rows)
    assert [local(h.at, region.tz) for h in rows] == [
        "2026-01-05 11:00 WIT", "2026-01-05 14:00 WIT", "2026-01-07 14:00 WIT"]
