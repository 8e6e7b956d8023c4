"""Cohort deadlines and region overrides: who may set them, what they apply to, refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import InvalidInputError, PermissionDenied
from engine.models import HistoryEntry
from workflows.deadlines import setting
from workflows.deadlines.models import ReminderSchedule
from workflows.reporting.deadlines import open_deadlines

BALIKPAPAN, MIMIKA = "64.71", "94.04"


@pytest.fixture
def w(world: Any) -> Any:
    return world


def test_cohort_date_moves_members_in_the_state_but_keeps_overrides(w: Any) -> None:
    a = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    b = w.region(MIMIKA, opds=("DINKES",))
    w.leave(a, "assessment")
    w.leave(b, "assessment")
    setting.set_region_deadline(w.prog, b.code, "mou", date(2026, 4, 1),
                                  actor=w.COORDINATOR)
    result = setting.set_cohort_deadline(w.prog, w.COHORT, "mou", date(2026, 3, 2),
                                           actor=w.COORDINATOR)
    assert (result.applied, result.kept) == ([a.code], [b.code])
    with w.prog.db.read() as session:
        views = {v.region: v for v in open_deadlines(w.prog, session, cohort=w.COHORT)}
    assert views[a.code].due_at == datetime(2026, 3, 2, 16, 59, tzinfo=UTC)  # 23:59 WIB
    assert (views[a.code].version, views[a.code].origin) == (2, "cohort")
    assert (views[a.code].announced_zone, views[b.code].announced_zone) == ("WIB", "WIT")
    # Its reminders start over: the next one is 7 days before the national day, 08:00 WITA.
    assert views[a.code].next_reminder == datetime(2026, 2, 23, 0, 0, tzinfo=UTC)
    assert views[b.code].due_at == datetime(2026, 4, 1, 14, 59, tzinfo=UTC)  # 23:59 WIT
    with w.prog.db.read() as s:
        details = s.execute(select(HistoryEntry.detail).where(
            HistoryEntry.trigger == "set_deadline")).scalars().all()
    assert any("2026-03-02 23:59 WIB" in (d or "") for d in details)
    with w.prog.db.read() as s:
        schedule = s.execute(select(ReminderSchedule).where(
            ReminderSchedule.deadline_id == views[a.code].id)).scalar_one()
    assert (schedule.version, schedule.since) == (2, w.prog.engine.clock())


def test_refusals(w: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    w.leave(r, "assessment")
    with pytest.raises(PermissionDenied, match="programme-wide coordinator"):
        setting.set_cohort_deadline(w.prog, w.COHORT, "mou", date(2026, 3, 2),
                                      actor=r.opd)
    with pytest.raises(PermissionDenied, match="only a coordinator"):
        setting.set_region_deadline(w.prog, r.code, "mou", date(2026, 3, 2), actor=r.opd)
    with pytest.raises(InvalidInputError, match="in the past"):
        setting.set_cohort_deadline(w.prog, w.COHORT, "mou", date(2026, 1, 1),
                                      actor=w.COORDINATOR)
    with pytest.raises(InvalidInputError, match="unknown stage"):
        setting.set_cohort_deadline(w.prog, w.COHORT, "bimtek_9", date(2026, 3, 2),
                                      actor=w.COORDINATOR)
    with pytest.raises(InvalidInputError, match="WIB, WITA or WIT"):
        setting.set_cohort_deadline(w.prog, w.COHORT, "mou", date(2026, 3, 2), zone="CET",
                                      actor=w.COORDINATOR)
    with pytest.raises(InvalidInputError, match="not Bimtek I"):
        setting.set_region_deadline(w.prog, r.code, "bimtek_1", date(2026, 3, 2),
                                      actor=w.COORDINATOR)
    with w.prog.db.read() as session:
        [view] = open_deadlines(w.prog, session, region=r.code)
    assert view.version == 1  # nothing refused changed anything
