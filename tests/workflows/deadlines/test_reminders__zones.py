"""Reminder times at 08:00 in each region's own zone: WIB, WITA and WIT."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from notifications.models import OutboxMessage
from workflows.deadlines import reminders, setting, sweep
from workflows.deadlines.models import Reminder

BANDUNG, BALIKPAPAN, MIMIKA = "32.73", "64.71", "94.04"  # WIB, WITA, WIT


@pytest.fixture
def w(world: Any) -> Any:
    return world


def _before(prog: Any, email: str) -> dict[int, datetime]:
    with prog.db.read() as s:
        rows = s.execute(select(Reminder).where(
            Reminder.recipient == email, Reminder.kind == "before")).scalars().all()
        return {r.offset_days: r.due_at for r in rows}


def test_reminders_at_0800_local_in_each_zone(w: Any, clock: Any) -> None:
    regions = {code: w.region(code, opds=("DISKOMINFO",)) for code in (BANDUNG, BALIKPAPAN,
                                                                        MIMIKA)}
    # A national date: 20 February 12:00 WIB (13:00 WITA, 14:00 WIT: the same local day).
    setting.set_cohort_deadline(w.prog, w.COHORT, "mou", datetime(2026, 2, 20, 12, 0),
                                  actor=w.COORDINATOR)
    for r in regions.values():
        w.leave(r, "assessment")  # enters mou: the cohort's date applies, reminders planned
    day_before = {code: _before(w.prog, r.opd)[1] for code, r in regions.items()}
    assert day_before == {
        BANDUNG: datetime(2026, 2, 19, 1, 0, tzinfo=UTC),
        BALIKPAPAN: datetime(2026, 2, 19, 0, 0, tzinfo=UTC),
        MIMIKA: datetime(2026, 2, 18, 23, 0, tzinfo=UTC),
    }
    assert _before(w.prog, regions[BALIKPAPAN].opd) == {
        7: datetime(2026, 2, 13, 0, 0, tzinfo=UTC), 3: datetime(2026, 2, 17, 0, 0, tzinfo=UTC),
        1: datetime(2026, 2, 19, 0, 0, tzinfo=UTC)}
    with w.prog.db.read() as s:
        overdue = s.execute(select(Reminder.due_at).where(
            Reminder.recipient == regions[MIMIKA].opd, Reminder.kind == "overdue")).scalar_one()
    assert overdue == datetime(2026, 2, 20, 23, 0, tzinfo=UTC)  # 21 Feb 08:00 WIT

    clock.now = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)  # the 7- and 3-day ones, everywhere
    assert sweep.sweep(w.prog).queued == 6
    # At 23:30Z on the 18th only Mimika's morning of the 19th has come.
    clock.now = datetime(2026, 2, 18, 23, 30, tzinfo=UTC)
    report = sweep.sweep(w.prog)
    assert report.digests == [f"digest:{regions[MIMIKA].opd}:2026-02-19"]
    clock.now = datetime(2026, 2, 19, 0, 30, tzinfo=UTC)
    assert sweep.sweep(w.prog).digests == [f"digest:{regions[BALIKPAPAN].opd}:2026-02-19"]
    clock.now = datetime(2026, 2, 19, 1, 0, tzinfo=UTC)
    assert sweep.sweep(w.prog).digests == [f"digest:{regions[BANDUNG].opd}:2026-02-19"]
    with w.prog.db.read() as s:
        keys = s.execute(select(OutboxMessage.key).where(
            OutboxMessage.key.like("%2026-02-19%"))).scalars().all()  # type: ignore[attr-defined]
    assert sorted(keys) == sorted(f"digest:{r.opd}:2026-02-19:1" for r in regions.values())


def test_schedule_skips_reminders_already_past() -> None:
    from config.settings import Settings

    due = datetime(2026, 2, 20, 5, 0, tzinfo=UTC)  # 12:00 WIB
    now = datetime(2026, 2, 18, 0, 0, tzinfo=UTC)  # after the 7- and 3-day reminders
    planned = reminders.schedule(Settings(), due, "Asia/Jakarta", ["a@x.id"],
                                 [("c@x.id", "Asia/Jakarta")], now)
    assert [(p.kind, p.offset_days) for p in planned] == [
        ("before", 1), ("overdue", 0), ("escalation", 3)]
    assert planned[-1].due_at == datetime(2026, 2, 24, 1, 0, tzinfo=UTC)  # 08:00 WIB
