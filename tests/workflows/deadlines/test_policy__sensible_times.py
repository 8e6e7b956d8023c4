"""A deadline counted in days falls at the end of a working day in the region's zone, never at
the minute a stage was entered; a cohort's date wins, in the zone it was announced in.

On both databases, with a small definition whose stage is due 10 days after entry (or 10
working days): entered at 10:43 WITA on a Wednesday, it is due on the Saturday 10 days on,
moved to Monday at 23:59 WITA; with ``deadline_on_working_day`` off it stays on the Saturday;
``deadline_time`` moves the time; ``working_days: true`` counts working days, skipping a
national holiday; a region's zone decides the local day (late evening in WIB is already the
next day in WIT).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from engine import load_definition
from workflows.deadlines import setting
from workflows.deadlines.policy import COHORT
from workflows.directory import actors
from workflows.reporting.deadlines import open_deadlines
from workflows.zones import local

BALIKPAPAN, MIMIKA = "64.71", "94.04"  # WITA, WIT
WEDNESDAY = datetime(2026, 2, 4, 2, 43, tzinfo=UTC)  # 10:43 WITA, 11:43 WIT

SMALL = """\
key: audit
version: 1
title: Audit
initial: open
roles:
  coordinator: {{label: Coordinator}}
states:
  open:
    deadline: {{days: 10{working}}}
  done:
    final: true
transitions:
  - {{trigger: close, source: open, dest: done, roles: [coordinator]}}
"""


def _due(prog: Any, clock: Any, code: str, *, working: bool = False,
         at: datetime = WEDNESDAY) -> str:
    clock.now = at
    text = SMALL.format(working=", working_days: true" if working else "")
    with prog.db.transaction() as session:
        prog.engine.publish(session, load_definition(text, "audit.yaml", prog.guards))
        prog.engine.start(session, "audit", code, actors.SYSTEM)
    with prog.db.read() as session:
        (row,) = [r for r in open_deadlines(prog, session, region=code) if r.state == "open"]
    assert row.origin == "definition"
    return local(row.due_at, row.tz, "%a %Y-%m-%d %H:%M")


def test_ten_days_fall_on_a_saturday_and_move_to_monday_at_the_end_of_the_day(
        world: Any, clock: Any) -> None:
    world.region(BALIKPAPAN)
    assert _due(world.prog, clock, BALIKPAPAN) == "Mon 2026-02-16 23:59 WITA"


def test_the_settings_keep_the_weekend_or_choose_the_time(
        make_prog: Any, world: Any, clock: Any) -> None:
    world.region(BALIKPAPAN)
    world.region(MIMIKA)
    kept = make_prog(deadline_on_working_day=False)
    assert _due(kept, clock, BALIKPAPAN) == "Sat 2026-02-14 23:59 WITA"
    noon = make_prog(deadline_time=time(16, 0))
    assert _due(noon, clock, MIMIKA) == "Mon 2026-02-16 16:00 WIT"


def test_working_days_skip_weekends_and_holidays(world: Any, clock: Any) -> None:
    world.region(BALIKPAPAN)
    # Ten working days after Wednesday 11 February 2026: Imlek (17 February) is a national
    # holiday, so the count ends on Thursday 26 February.
    due = _due(world.prog, clock, BALIKPAPAN, working=True,
               at=datetime(2026, 2, 11, 2, 0, tzinfo=UTC))
    assert due == "Thu 2026-02-26 23:59 WITA"


def test_the_local_day_is_the_regions(world: Any, clock: Any) -> None:
    world.region(MIMIKA)
    # 22:30 WIB on Tuesday 3 February is already 00:30 on Wednesday 4 February in WIT.
    due = _due(world.prog, clock, MIMIKA, at=datetime(2026, 2, 3, 15, 30, tzinfo=UTC))
    assert due == "Mon 2026-02-16 23:59 WIT"


def test_a_cohort_date_wins_in_the_zone_it_was_announced_in(world: Any, clock: Any) -> None:
    r = world.region(MIMIKA)
    setting.set_cohort_deadline(world.prog, world.COHORT, "mou", date(2026, 3, 6),
                                actor=world.COORDINATOR)
    world.leave(r, "assessment")
    with world.prog.db.read() as session:
        (row,) = open_deadlines(world.prog, session, region=r.code)
    assert (row.origin, row.announced_zone) == (COHORT, "WIB")
    assert local(row.due_at, row.tz) == "2026-03-07 01:59 WIT"  # 23:59 WIB on the 6th
