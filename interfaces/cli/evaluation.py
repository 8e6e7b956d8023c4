"""``smartcity evaluation ...``: windows, returns, extensions, scores and the ranking.

The root app registers this group with ``evaluation.register(app)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from config.messages import text
from interfaces.cli import evaluation_editions
from interfaces.cli.context import AsOption, console, programme, table
from workflows.directory.regions import find_region
from workflows.evaluation import PARTS, WIB, editions, returns, scores, windows
from workflows.zones import ZONES, local

WIB_TZ = ZONES["WIB"]

group = typer.Typer(
    name="evaluation",
    help="Twice-yearly evaluation: windows, returns, extensions, scores, ranking.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="evaluation")


evaluation_editions.register(group)


def _wib(at: datetime | None) -> str:
    return local(at, WIB_TZ, "%Y-%m-%d %H:%M:%S") if at is not None else ""


@group.command("windows")
def windows_command(
    year: Annotated[int | None, typer.Option(
        "--year", help="Year of the windows (default: this year in WIB).")] = None,
) -> None:
    """Create the year's windows from the settings (if missing) and show them, in WIB."""
    prog = programme()
    chosen = year if year is not None else prog.engine.clock().astimezone(WIB).year
    windows.ensure_windows(prog, chosen)
    with prog.db.read() as session:
        rows = windows.windows(session, chosen)
        keys = {e.id: e.key for e in editions.all_editions(session)}
    grid = table(*(text(f"cli.evaluation.{c}") for c in ("window", "opens", "closes", "status",
                                                          "opened", "closed")),
                 text("editions.col.edition"),
                 title=text("cli.evaluation.windows_title", year=chosen))
    for w in rows:
        grid.add_row(w.name, _wib(w.opens_at), _wib(w.closes_at),
                     text(f"cli.evaluation.status.{w.status}"),
                     _wib(w.opened_at), _wib(w.closed_at), keys.get(w.edition_id, ""))
    console.print(grid)


@group.command("open-close")
def open_close() -> None:
    """Open and close the windows that are due now (what the scheduler runs)."""
    prog = programme()
    opened, closed = windows.run_due(prog)
    for change in opened:
        console.print(text("cli.evaluation.opened", window=change.window.name,
                           until=_wib(change.window.closes_at), count=len(change.regions)))
    for change in closed:
        console.print(text("cli.evaluation.closed", window=change.window.name,
                           at=_wib(change.window.closes_at)))
    if not opened and not closed:
        console.print(text("cli.evaluation.none_due"))


@group.command("submit")
def submit(
    region: Annotated[str, typer.Argument(help="Region code or name.")],
    window: Annotated[str, typer.Argument(help="Window name, e.g. 2026-H1.")],
    as_email: AsOption,
) -> None:
    """Hand in the region's evaluation return for a window."""
    prog = programme()
    r = returns.submit_return(prog, region, window, as_email)
    with prog.db.read() as session:
        tz = find_region(session, r.region).tz
    extra = (text("cli.evaluation.extended", until=local(r.extended_until, tz))
             if r.extended_until else "")
    console.print(text("cli.evaluation.updated" if r.resubmitted else "cli.evaluation.submitted",
                       region=r.region, window=r.window, at=local(r.submitted_at, tz),
                       extra=extra))


@group.command("extend")
def extend(
    window: Annotated[str, typer.Argument(help="Window name, e.g. 2026-H1.")],
    region: Annotated[str, typer.Argument(help="Region code or name.")],
    until: Annotated[str, typer.Argument(
        help="'YYYY-MM-DD [HH:MM] [WIB|WITA|WIT]', in the region's zone unless named; a date "
             "alone means 23:59:59.")],
    as_email: AsOption,
) -> None:
    """Let one region submit after the window closes (coordinator only)."""
    prog = programme()
    with prog.db.read() as session:
        r = find_region(session, region)
    ext = returns.extend_window(prog, window, r.code, returns.parse_time(until, r.tz),
                                   as_email)
    console.print(text("cli.evaluation.extension", region=f"{r.code} {r.name}", window=window,
                       until=local(ext.until, r.tz, "%Y-%m-%d %H:%M:%S")))


@group.command("score")
def score(
    region: Annotated[str, typer.Argument(help="Region code or name.")],
    window: Annotated[str, typer.Argument(help="Window name, e.g. 2026-H1.")],
    part: Annotated[str, typer.Argument(
        help=f"One of the window's edition's parts: {', '.join(PARTS)}.")],
    value: Annotated[float, typer.Argument(help="Score on the scale of the window's edition.")],
    as_email: AsOption,
    dimension: Annotated[str | None, typer.Option(
        "--dimension", "-d", help="Score one dimension only (its code).")] = None,
) -> None:
    """Score one part of a region's return (assessor or coordinator)."""
    r = scores.score(programme(), region, window, part, value, as_email,
                         dimension=dimension)
    what = f"{r.part} ({r.dimension})" if r.dimension else r.part
    console.print(text("cli.evaluation.scored", what=what, region=r.region, window=r.window,
                       value=f"{r.value:g}", assessors=r.assessors, mean=f"{r.mean:.2f}"))


@group.command("ranking")
def ranking(
    cohort: Annotated[str, typer.Argument(help="Cohort name or year.")],
    window: Annotated[str, typer.Argument(help="Window name, e.g. 2026-H1.")],
) -> None:
    """The cohort's regions by achievement index, with the part means."""
    rows = scores.ranking(programme(), cohort, window)
    grid = table(*(text(f"cli.evaluation.{c}") for c in ("rank", "region", "name", "province",
                                                          "zone", "index")),
                 *PARTS, title=text("cli.evaluation.ranking", cohort=cohort, window=window))
    for row in rows:
        res = row.result
        if row.result.index is not None:
            shown = f"{res.index:.2f}"
        elif not row.returned:
            shown = text("cli.evaluation.no_return")
        else:
            shown = text("cli.evaluation.to_score", parts=", ".join(res.missing))
        grid.add_row(str(row.rank) if row.rank is not None else "-", row.region, row.name,
                     row.province, row.zone, shown,
                     *(f"{res.parts[p]:.2f}" if p in res.parts else "" for p in PARTS))
    console.print(grid)
