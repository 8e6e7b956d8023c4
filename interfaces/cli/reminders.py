"""``smartcity reminders preview``: who will receive which reminder on which morning.

The list comes from :func:`workflows.deadlines.preview.preview`, the sweep's own reasoning run
ahead of time, so what it shows is what the worker will send if nobody submits or acts in the
meantime. Dates on the command line are calendar days in WIB (the programme's announced
zone); each line shows the morning in the recipient's own zone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer

from config.messages import text
from engine import InvalidInputError
from interfaces.cli.context import console, programme, table

group = typer.Typer(help="Reminder digests and escalations: what the sweep will send.",
                    no_args_is_help=True, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="reminders")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(
            f"{option} " + text("cli.deadlines.not_a_date", value=value)) from None


@group.command()
def preview(
    cohort: Annotated[str | None, typer.Option(
        "--cohort", metavar="COHORT", help="Only this cohort's regions.")] = None,
    start: Annotated[str | None, typer.Option(
        "--from", metavar="DATE", help="First day, YYYY-MM-DD in WIB (default: now).")] = None,
    end: Annotated[str | None, typer.Option(
        "--to", metavar="DATE", help="Last day, YYYY-MM-DD in WIB (default: 7 days on).")]
    = None,
) -> None:
    """List who will receive which digest or escalation on which morning, and what it lists."""
    from workflows.deadlines.preview import ESCALATION, span
    from workflows.deadlines.preview import preview as run_preview
    from workflows.zones import NATIONAL_TZ, ZONES, local

    prog = programme()
    begin, finish = span(prog.engine.clock(), _day(start, "--from"), _day(end, "--to"))
    with prog.db.read() as session:
        mornings = run_preview(prog, session, begin, finish, cohort=cohort)
    grid = table(*(text(f"cli.reminders.{c}") for c in ("morning", "kind", "recipient", "role",
                                                         "lists")),
                 title=text("cli.reminders.title", start=local(begin, NATIONAL_TZ),
                            end=local(finish - timedelta(minutes=1), NATIONAL_TZ, "%Y-%m-%d")))
    for m in mornings:
        kind = text("cli.reminders.escalation" if m.kind == ESCALATION
                    else "cli.reminders.digest")
        grid.add_row(local(m.at, ZONES[m.zone]), kind, f"{m.name} <{m.email}>",
                     text(f"cli.demo.role.{m.role}"),
                     "\n".join(map(str, m.items)))
    console.print(grid)
    recipients = len({m.email for m in mornings})
    escalations = sum(1 for m in mornings if m.kind == ESCALATION)
    console.print(text("cli.reminders.summary", digests=len(mornings) - escalations,
                       escalations=escalations, recipients=recipients))

