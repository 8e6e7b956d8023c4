"""``smartcity status|history``: progress of a cohort and a region's timeline."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer

from interfaces.cli.context import console, programme, table
from workflows.directory.cohorts import cohorts
from workflows.reporting.status import status as cohort_status
from workflows.reporting.timeline import action_of
from workflows.reporting.timeline import history as region_history
from workflows.zones import local


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(history)


def status(
    cohort: Annotated[str | None, typer.Argument(
        help="Cohort name or year (default: every cohort).")] = None,
) -> None:
    """Progress table: every region of a cohort by stage, with its deadline in its own zone."""
    prog = programme()
    with prog.db.read() as session:
        names = [cohort] if cohort else [c.name for c, _ in cohorts(session)]
        if not names:
            console.print("No cohorts yet: create one with 'smartcity cohort create'.")
        for name in names:
            rows = cohort_status(prog, session, name)
            grid = table("region", "name", "province", "zone", "stage", "since", "due",
                          "cycle", title=f"Cohort {name}: {len(rows)} region(s)")
            for r in rows:
                grid.add_row(r.code, r.name, r.province, r.zone, r.stage,
                              local(r.entered_at, r.tz, "%Y-%m-%d"),
                              local(r.due_at, r.tz) if r.due_at else "", str(r.cycle))
            console.print(grid)
            counts = Counter(r.stage for r in rows)
            console.print("  " + " | ".join(f"{stage}: {n}" for stage, n in counts.items()))


def history(region: Annotated[str, typer.Argument(help="Region code or name.")]) -> None:
    """A region's timeline: who did what, when (in the region's zone), with comments."""
    prog = programme()
    with prog.db.read() as session:
        r, rows = region_history(session, region)
    cycles = len({h.cycle for h in rows}) > 1
    grid = table(*(["cycle"] if cycles else []), "when", "who", "action", "from -> to", "comment",
                  title=f"History of {r.code} {r.name} (times in {r.zone})")
    for h in rows:
        action = action_of(h)
        move = (f"{h.from_state or '-'} -> {h.to_state}" if h.from_state != h.to_state
                else h.to_state)
        cells = [local(h.at, r.tz), f"{h.actor} ({h.role})", action, move, h.comment or ""]
        grid.add_row(*([str(h.cycle)] if cycles else []), *cells)
    console.print(grid)
