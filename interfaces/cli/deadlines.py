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

from config.messages import text
from engine import InvalidInputError
from interfaces.cli.context import AsOption, CommentOption, console, programme, table
from interfaces.cli.reports import overdue
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
        raise InvalidInputError(text("cli.deadlines.not_a_date", value=day)) from None
    if at is None:
        return parsed
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", at.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInputError(text("cli.deadlines.not_a_time", value=at))
    return datetime(parsed.year, parsed.month, parsed.day, int(match[1]), int(match[2]))


@group.command("list", hidden=True)
def list_deadlines(
    region: Annotated[str | None, typer.Argument(
        metavar="[REGION]", help="Region code or name (default: every region).")] = None,
    cohort: Annotated[str | None, typer.Option(help="Only this cohort's regions.")] = None,
) -> None:
    """Open deadlines: due in the region's zone and in WIB, version, next reminder."""
    if region and cohort:
        raise InvalidInputError(text("cli.deadlines.region_or_cohort"))
    prog = programme()
    now = prog.engine.clock()
    with prog.db.read() as session:
        views = open_deadlines(prog, session, region=region, cohort=cohort)
    grid = table(*(text(f"cli.deadlines.{c}") for c in (
        "region", "stage", "due_region", "due_wib", "overdue", "origin", "version",
        "next_reminder", "extensions")))
    for v in views:
        grid.add_row(f"{v.region} {v.region_name}", str(v.stage), local(v.due_at, v.tz),
                     local(v.due_at, "Asia/Jakarta"), overdue(v.due_at, now),
                     text(f"cli.deadlines.origin.{v.origin}"),
                     str(v.version),
                     local(v.next_reminder, v.tz) if v.next_reminder else "-",
                     ", ".join(text("cli.deadlines.pending", id=i)
                               for i in v.pending_extensions))
    if not views:
        console.print(text("cli.deadlines.none"))
        return
    console.print(grid)
    late = sum(1 for v in views if v.due_at < now)
    if late:
        console.print("  " + text("cli.deadlines.overdue_count", count=late, total=len(views)),
                      style="bold red")


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
    console.print(text("cli.deadlines.cohort_set", cohort=result.cohort, state=state,
                       due=local(result.due_at, "Asia/Jakarta")))
    console.print(text("cli.deadlines.applied", regions=", ".join(result.applied)
                       or text("cli.deadlines.no_region_there")))
    if result.kept:
        console.print(text("cli.deadlines.kept", regions=", ".join(result.kept)))


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
    console.print(text("cli.deadlines.region_set", region=r.region, state=state,
                       due=local(r.due_at, r.tz), wib=local(r.due_at, "Asia/Jakarta"),
                       version=r.version))


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
    console.print(text("cli.deadlines.requested", id=r.id, region=r.region,
                       due=local(r.due_at, r.tz), until=local(r.requested_until, r.tz)))


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
        raise InvalidInputError(text("cli.deadlines.grant_or_refuse", value=decision))
    r = extensions.decide_extension(programme(), request_id, choices[decision], comment,
                                   actor=as_email)
    console.print(text(f"cli.deadlines.decided.{r.status}", id=r.id, region=r.region,
                       state=r.state, due=local(r.due_at, r.tz), version=r.version))
