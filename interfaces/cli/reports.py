"""``smartcity status|history``: progress of a cohort and a region's timeline."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated

import typer
from rich.text import Text

from config.messages import plural, text
from interfaces.cli.context import WorkflowOption, console, programme, table
from workflows import instances
from workflows.directory.cohorts import cohorts
from workflows.master_plan import MASTER_PLAN
from workflows.reporting.status import status as cohort_status
from workflows.reporting.timeline import action_of, subject_history
from workflows.zones import local


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(history)


def overdue(due_at: datetime | None, now: datetime) -> Text:
    """The "overdue" cell of a deadline: how long ago it passed, in red; empty when it has
    not (or there is none). Whole days late, or "< 1 day" on the day itself."""
    if due_at is None or due_at >= now:
        return Text("")
    days = (now - due_at).days
    late = plural("cli.overdue.days", days) if days >= 1 else text("cli.overdue.today")
    return Text(late, style="bold red")


def status(
    cohort: Annotated[str | None, typer.Argument(
        help="Cohort name or year (default: every cohort).")] = None,
) -> None:
    """Progress table: every region of a cohort by stage, with its deadline in its own zone."""
    prog = programme()
    now = prog.engine.clock()
    with prog.db.read() as session:
        names = [cohort] if cohort else [c.name for c, _ in cohorts(session)]
        if not names:
            console.print(text("cli.status.no_cohorts"))
        for name in names:
            rows = cohort_status(prog, session, name)
            grid = table(*(text(f"cli.status.{c}") for c in (
                "region", "name", "province", "zone", "stage", "since", "due", "overdue",
                "cycle")), title=plural("cli.status.title", len(rows), cohort=name))
            for r in rows:
                grid.add_row(r.code, r.name, r.province, r.zone, str(r.stage),
                             local(r.entered_at, r.tz, "%Y-%m-%d"),
                             local(r.due_at, r.tz) if r.due_at else "",
                             overdue(r.due_at, now), str(r.cycle))
            console.print(grid)
            counts = Counter(str(r.stage) for r in rows)
            console.print("  " + " | ".join(f"{stage}: {n}" for stage, n in counts.items()))
            late = sum(1 for r in rows if r.due_at is not None and r.due_at < now)
            if late:
                console.print("  " + text("cli.status.overdue_count", count=late,
                                          total=len(rows)), style="bold red")


def history(region: Annotated[str, typer.Argument(
                help="Region code or name (a province's for a province workflow).")],
            workflow: WorkflowOption = MASTER_PLAN) -> None:
    """A region's timeline: who did what, when (in the region's zone), with comments."""
    prog = programme()
    with prog.db.read() as session:
        title = (str(instances.workflow(prog, session, workflow).title)
                 if workflow != MASTER_PLAN else "")
        r = instances.subject_of(prog, session, workflow, region)
        rows = subject_history(session, r, workflow)
    cycles = len({h.cycle for h in rows}) > 1
    headers = (["cycle"] if cycles else []) + ["when", "who", "action", "move", "comment"]
    heading = text("cli.history.title", region=f"{r.code} {r.name}", zone=r.zone)
    if title:
        heading = text("instances.cli.of_workflow", heading=heading, workflow=title)
    grid = table(*(text(f"cli.history.{h}") for h in headers), title=heading)
    for h in rows:
        action = action_of(h)
        move = (f"{h.from_state or '-'} -> {h.to_state}" if h.from_state != h.to_state
                else h.to_state)
        cells = [local(h.at, r.tz), f"{h.actor} ({h.role})", action, move, h.comment or ""]
        grid.add_row(*([str(h.cycle)] if cycles else []), *cells)
    console.print(grid)
