"""Loading every figure of the analytics costs a fixed number of queries, whatever the number
of regions and of their actions: counted with a ``before_cursor_execute`` listener for one
region, then for four regions further along (with reviews, deadlines and evaluation
returns)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from workflows.evaluation import returns, windows
from workflows.reporting.analytics.monthly import monthly_report
from workflows.reporting.analytics.months import Month
from workflows.reporting.analytics.summary import analytics

#: The statements of :func:`analytics` (see workflows/reporting/analytics/facts.py): the
#: cohort, its regions, the master plan's latest version, their starts and transitions,
#: their deadlines, the per-OPD versions, the OPDs, the mentors, the evaluation windows, the
#: editions they are scored with and the cohort's indices in them (fewer when there is
#: nothing to ask: no window opened yet).
QUERIES = 11


def count(world: Any, load: Any) -> int:
    with world.statements() as seen, world.prog.db.read() as session:
        load(session)
    return len(seen)


def test_the_queries_do_not_grow_with_the_regions(world: Any, clock: Any) -> None:
    prog = world.prog
    first = world.region("64.71")
    world.drive(first, "implementation")
    windows.ensure_windows(prog, 2026)
    clock.now = datetime(2026, 6, 10, tzinfo=UTC)
    returns.submit_return(prog, first.code, "2026-H1", first.opd)

    def everything(session: Any) -> None:
        analytics(prog, session, "Smart City 2026")

    def report(session: Any) -> None:
        monthly_report(prog, session, "Smart City 2026", Month(2026, 1))

    count(world, everything)  # the master plan's text is read once, then cached
    one_region = (count(world, everything), count(world, report))

    others = [world.region(code, opds=("DINKES",)) for code in ("91.71", "33.74", "51.71")]
    world.drive(others[0], "mentor_review")
    world.reject(others[0], "Perbaiki")
    world.revise(others[0])
    world.drive(others[1], "implementation")
    returns.submit_return(prog, others[1].code, "2026-H1", others[1].opd)
    world.fire(others[2].code, "withdraw", world.COORDINATOR, comment="Mundur")
    four_regions = (count(world, everything), count(world, report))

    assert one_region == four_regions == (QUERIES, QUERIES)
