"""``smartcity deadlines ...``: open deadlines, cohort dates, region overrides, extensions.

``smartcity deadlines [REGION | --cohort C]`` lists; the sub-commands ``set``, ``override``,
``extend-request`` and ``decide`` change. Register with :func:`register` (the owner of
``interfaces/cli/app.py`` does: ``deadlines.register(app)``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from engine import InvalidInputError
from interfaces.cli.context import AsOption, CommentOption, console, programme, table
from workflows.deadlines import extensions, setting
from workflows.reporting.deadlines import open_deadlines
from workflows.zones import local


class _ListByDefault(TyperGroup):
    """Anything that is not a sub-command goes to the hidden ``list`` command, so
    ``smartcity deadlines 64.71`` and ``smartcity deadlines --cohort 2026`` work."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


group = typer.Typer(
    cls=_ListByDefault,
    help="Deadlines, cohort dates, overrides, extensions. \"smartcity deadlines [REGION | "
         "--cohort C]\" lists the open ones.")

RegionArg = Annotated[str, typer.Argument(metavar="REGION", help="Region code or name.")]
DateArg = Annotated[str, typer.Argument(metavar="DATE", help="YYYY-MM-DD (local date).")]
TimeOption = Annotated[str | None, typer.Option(
    "--time", metavar="HH:MM", help="Local time of day (default 23:59).")]
WorkingDaysOption = Annotated[int | None, typer.Option(
    "--working-days", metavar="N",
    help="The deadline is N working days after DATE (weekends, holidays, cuti bersama "
         "skipped).")]


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="deadlines")


def parse_when(day: str, at: str | None) -> date | datetime:
    """``YYYY-MM-DD`` and an optional ``HH:MM`` as a naive local date or date-time."""
    try:
        parsed = date.fromisoformat(day.strip())
    except ValueError:
        raise InvalidInputError(f"{day!r} is not a date: write it as YYYY-MM-DD") from None
    if at is None:
        return parsed
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", at.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInputError(f"{at!r} is not a time of day: write it as HH:MM (24-hour)")
    return datetime(parsed.year, parsed.month, parsed.day, int(match[1]), int(match[2]))


@group.command("list", hidden=True)
def list_deadlines(
    region: Annotated[str | None, typer.Argument(
        metavar="[REGION]", help="Region code or name (default: every region).")] = None,
    cohort: Annotated[str | None, typer.Option(help="Only this cohort's regions.")] = None,
) -> None:
    """Open deadlines: due in the region's zone and in WIB, version, next reminder."""
    if region and cohort:
        raise InvalidInputError("give a REGION or --cohort, not both")
    prog = programme()
    with prog.db.read() as session:
        views = open_deadlines(prog, session, region=region, cohort=cohort)
    grid = table("region", "stage", "due (region)", "due (WIB)", "origin", "version",
                 "next reminder", "extension requests")
    for v in views:
        grid.add_row(f"{v.region} {v.region_name}", v.stage, local(v.due_at, v.tz),
                     local(v.due_at, "Asia/Jakarta"), v.origin, str(v.version),
                     local(v.next_reminder, v.tz) if v.next_reminder else "-",
                     ", ".join(f"#{i} pending" for i in v.pending_extensions))
    if not views:
        console.print("No open deadlines.")
        return
    console.print(grid)


@group.command("set")
def set_cohort(
    cohort: Annotated[str, typer.Argument(metavar="COHORT", help="Cohort name or year.")],
    state: Annotated[str, typer.Argument(metavar="STATE", help="The stage, e.g. bimtek_1.")],
    day: DateArg,
    as_email: AsOption,
    at: TimeOption = None,
    zone: Annotated[str, typer.Option(help="Zone DATE is in: WIB, WITA or WIT.")] = "WIB",
    working_days: WorkingDaysOption = None,
) -> None:
    """Set a cohort's date for a stage (programme-wide coordinators)."""
    result = setting.set_cohort_deadline(
        programme(), cohort, state, parse_when(day, at), zone=zone, working_days=working_days,
        actor=as_email)
    console.print(f"{result.cohort}: {state} due {local(result.due_at, 'Asia/Jakarta')}")
    console.print(f"Applied now to: {', '.join(result.applied) or 'no region in that stage'}")
    if result.kept:
        console.print(f"Kept their own date (override or extension): {', '.join(result.kept)}")


@group.command("override")
def override(
    region: RegionArg,
    state: Annotated[str, typer.Argument(metavar="STATE", help="The stage the region is in.")],
    day: DateArg,
    as_email: AsOption,
    at: TimeOption = None,
    zone: Annotated[str | None, typer.Option(
        help="Zone DATE is in (default: the region's own).")] = None,
    working_days: WorkingDaysOption = None,
    comment: CommentOption = None,
) -> None:
    """Set one region's own deadline for the stage it is in (coordinators)."""
    r = setting.set_region_deadline(
        programme(), region, state, parse_when(day, at), zone=zone, working_days=working_days,
        actor=as_email, comment=comment)
    console.print(f"{r.region}: {state} due {local(r.due_at, r.tz)} "
                  f"({local(r.due_at, 'Asia/Jakarta')}), deadline version {r.version}")


@group.command("extend-request")
def extend_request(
    region: RegionArg,
    until: Annotated[str, typer.Argument(metavar="UNTIL", help="YYYY-MM-DD, region's zone.")],
    reason: Annotated[str, typer.Option(help="Why more time is needed.")],
    as_email: AsOption,
    at: TimeOption = None,
) -> None:
    """Ask a coordinator to move the region's open deadline (its OPDs, coordinator, head)."""
    r = extensions.request_extension(programme(), region, parse_when(until, at), reason,
                                    actor=as_email)
    console.print(f"Extension request #{r.id} for {r.region}: from {local(r.due_at, r.tz)} to "
                  f"{local(r.requested_until, r.tz)}; a coordinator decides with "
                  f"'smartcity deadlines decide {r.id} grant|refuse'")


@group.command("decide")
def decide(
    request_id: Annotated[int, typer.Argument(metavar="ID", help="The request number.")],
    decision: Annotated[str, typer.Argument(metavar="grant|refuse")],
    as_email: AsOption,
    comment: CommentOption = None,
) -> None:
    """Grant (the deadline moves, reminders re-armed) or refuse (with -m) an extension."""
    choices: dict[str, Any] = {"grant": True, "refuse": False}
    if decision not in choices:
        raise InvalidInputError(f"decide 'grant' or 'refuse', not {decision!r}")
    r = extensions.decide_extension(programme(), request_id, choices[decision], comment,
                                   actor=as_email)
    console.print(f"Extension #{r.id} {r.status}: {r.region} {r.state} due "
                  f"{local(r.due_at, r.tz)} (deadline version {r.version})")
