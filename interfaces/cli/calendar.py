"""``smartcity calendar``: a region's or an OPD's deadlines as an iCalendar feed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from config.messages import text
from engine import InvalidInputError
from interfaces.cli import oserrors
from interfaces.cli.context import console, programme
from workflows.deadlines import feeds


def register(app: typer.Typer) -> None:
    app.command()(calendar)


def calendar(
    region: Annotated[str | None, typer.Argument(
        metavar="[REGION]", help="Region code or name.")] = None,
    opd: Annotated[str | None, typer.Option(help="An OPD's email: its region's deadlines.")]
    = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the .ics here (default: standard output).")] = None,
) -> None:
    """Deadlines as iCalendar (.ics), to import or subscribe to in any calendar."""
    if (region is None) == (opd is None):
        raise InvalidInputError(text("cli.calendar.usage"))
    prog = programme()
    with prog.db.read() as session:
        feed = (feeds.region_feed(prog, session, region) if region is not None
                else feeds.opd_feed(prog, session, opd or ""))
    if output is None:
        try:
            typer.echo(feed.decode("utf-8"), nl=False)
        except BrokenPipeError:  # `| head`: the reader has what it wanted
            oserrors.stdout_closed()
        return
    try:
        output.write_bytes(feed)
    except OSError as exc:
        raise InvalidInputError(text("cli.calendar.cannot_write", path=str(output),
                                     problem=oserrors.describe(exc))) from None
    console.print(text("cli.calendar.written", path=str(output)))
