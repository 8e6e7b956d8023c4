"""``smartcity evaluation edition ...``: create, list and show the evaluation's editions.

An edition freezes an instrument file (parts, weights, scale, dimensions) for the windows
opening from its first day on; see :mod:`workflows.evaluation.editions`. The evaluation group
registers this one with ``evaluation_editions.register(group)``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from config.messages import text
from interfaces.cli.context import AsOption, console, programme, table
from workflows.evaluation import editions
from workflows.evaluation.instrument import load_instrument

group = typer.Typer(
    name="edition",
    help="Evaluation editions: the instrument (parts, weights, scale, dimensions) each "
         "window is scored with.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(parent: typer.Typer) -> None:
    parent.add_typer(group, name="edition")


def _weights(edition: editions.Edition) -> str:
    """The parts by their names in the reader's language with their weights as percentages
    ("Baseline 10%, Output 20%, ..."), never the instrument's keys."""
    from babel.numbers import format_percent

    from config import language

    return ", ".join(
        f"{text(f'evaluation.part.{p}')} {format_percent(w, locale=language.current())}"
        for p, w in edition.weights.items())


def _scale(edition: editions.Edition) -> str:
    low, high = edition.scale
    return f"{low:g}-{high:g}"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(text("editions.cli.bad_day", given=value)) from None


@group.command("create")
def create(
    key: Annotated[str, typer.Argument(help="The edition's name, e.g. 2027.")],
    as_email: AsOption,
    instrument: Annotated[str | None, typer.Option(
        "--instrument", "-i", metavar="FILE|NAME",
        help="An instrument file, or a shipped one by name (smart-city-2023, "
             "kemendagri-2024); default: the settings' weights and scale.")] = None,
    starts: Annotated[str | None, typer.Option(
        "--starts", metavar="YYYY-MM-DD",
        help="First day of the windows it scores (default: 1 January of a year-named "
             "edition, else today in WIB).")] = None,
) -> None:
    """Create an edition frozen from an instrument (coordinators)."""
    chosen = load_instrument(instrument) if instrument else None
    created = editions.create_edition(programme(), key, chosen, as_email,
                                      _day(starts) if starts else None)
    e = created.edition
    console.print(text("editions.cli.created", key=e.key, starts=e.starts_on.isoformat(),
                       instrument=f"{e.instrument.key} v{e.instrument.version}",
                       weights=_weights(e), scale=_scale(e), sha=e.sha256[:12]))
    if created.moved:
        console.print(text("editions.cli.moved", windows=", ".join(created.moved)))


@group.command("list")
def list_editions() -> None:
    """Every edition with its instrument, weights, scale, windows and returns."""
    prog = programme()
    with prog.db.read() as session:
        used = editions.editions_in_use(session)
    grid = table(*(text(f"editions.col.{c}") for c in (
        "key", "starts", "instrument", "weights", "scale", "windows", "returns")),
        title=text("editions.cli.list_title"))
    for u in used:
        e = u.edition
        grid.add_row(e.key, e.starts_on.isoformat(),
                     f"{e.instrument.key} v{e.instrument.version}", _weights(e), _scale(e),
                     ", ".join(u.windows) or "-", str(u.returns))
    if not used:
        console.print(text("editions.none_yet"))
        return
    console.print(grid)


@group.command("show")
def show(key: Annotated[str, typer.Argument(help="The edition's name, e.g. 2027.")]) -> None:
    """One edition: its frozen instrument in full, with its SHA-256."""
    prog = programme()
    with prog.db.read() as session:
        row = editions.find_edition(session, key)
        e = editions.as_edition(row)
        use = next(u for u in editions.editions_in_use(session) if u.edition.key == e.key)
    console.print(text("editions.cli.show", key=e.key, title=str(e.instrument.title),
                       starts=e.starts_on.isoformat(),
                       instrument=f"{e.instrument.key} v{e.instrument.version}",
                       sha=e.sha256, by=e.created_by, weights=_weights(e), scale=_scale(e),
                       dimensions=", ".join(d.code for d in e.instrument.dimensions.dimensions),
                       windows=", ".join(use.windows) or "-", returns=use.returns))
