"""``smartcity outbox [--status S] [--limit N]``; ``smartcity outbox retry [ID...] [--all-dead]``.

The first lists planned and delivered email with the server's last answer, its times in a
legal zone (WIB unless ``--zone`` names another, or a region whose zone to use); the second is a
coordinator's action: dead-lettered messages (a 5xx, a bad address, too many temporary
failures) go back to the queue, due now, with their attempts reset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from config.messages import Message, plural, text
from engine import ConflictError, InvalidInputError, NotFoundError
from interfaces.cli.context import console, programme, table
from notifications import outbox
from workflows.directory.regions import find_region
from workflows.programme import Programme
from workflows.zones import NATIONAL_TZ, ZONES, spoken, zone_of

outbox_app = typer.Typer(
    help="Email waiting, sent and dead-lettered; re-queue dead letters.",
    no_args_is_help=False,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")


def _when(at: datetime | None, tz: str) -> str:
    return spoken(at, tz, weekday=False, short=True) if at else ""


def zone_for(prog: Programme, zone: str | None) -> str:
    """The IANA zone to show times in: WIB by default, a legal zone by its name (WIB, WITA,
    WIT), or the zone of a region given by code or name."""
    if zone is None:
        return NATIONAL_TZ
    if zone.strip().upper() in ZONES:
        return ZONES[zone.strip().upper()]
    with prog.db.read() as session:
        return find_region(session, zone).tz


@outbox_app.callback(invoke_without_command=True)
def show(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(
        "--status", metavar="pending|sending|sent|dead",
        help="Only messages in this state (default: all).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most N rows.")] = 50,
    zone: Annotated[str | None, typer.Option(
        "--zone", metavar="WIB|WITA|WIT|REGION",
        help="Show times in this zone, or in a region's own (default WIB).")] = None,
) -> None:
    """List outbox messages: recipient, kind, subject, attempts, the server's last answer."""
    if ctx.invoked_subcommand is not None:
        return
    if status is not None and status not in outbox.STATUSES:
        raise InvalidInputError(text("cli.outbox.unknown_status", status=status,
                                     statuses=", ".join(outbox.STATUSES)))
    prog = programme()
    tz = zone_for(prog, zone)
    rows = outbox.listing(prog.db, status, limit)
    counts = outbox.counts(prog.db)
    title = text("cli.outbox.title", status=text(f"cli.outbox.status.{status or 'all'}"),
                 count=len(rows))
    grid = table(*(text(f"cli.outbox.{c}") for c in (
        "id", "status", "recipient", "kind", "subject", "attempts", "last_error")),
        text("cli.outbox.when", zone=zone_of(tz)),
        title=title)
    for r in rows:
        grid.add_row(str(r.id), text(f"cli.outbox.status.{r.status}"), r.recipient, r.kind,
                     r.subject, str(r.attempts), r.last_error or "",
                     _when(r.sent_at if r.status == "sent" else r.due_at, tz))
    console.print(grid)
    console.print("  " + " | ".join(f"{text(f'cli.outbox.status.{s}')}: {n}"
                                    for s, n in counts.items()))


@outbox_app.command()
def retry(
    ids: Annotated[list[int] | None, typer.Argument(
        metavar="[ID...]", help="Dead-lettered message ids to send again.")] = None,
    all_dead: Annotated[bool, typer.Option(
        "--all-dead", help="Re-queue every dead-lettered message.")] = False,
) -> None:
    """Re-queue dead-lettered messages (due now, attempts reset) after fixing the cause."""
    if bool(ids) == all_dead:
        raise InvalidInputError(text("cli.outbox.retry_usage"))
    prog = programme()
    statuses = {i: outbox.status_of(prog.db, i) for i in ids or ()}
    unknown = [i for i, status in statuses.items() if status is None]
    if unknown:
        raise NotFoundError(Message("limits.outbox.no_such_message",
                                    ids=", ".join(f"#{i}" for i in unknown)))
    # A message already sent, or still waiting, has nothing to retry: say so and fail, rather
    # than "0 re-queued" and success, which a script would take for done. Nothing is
    # re-queued then, not even the dead letters named next to it (as for an unknown id).
    alive = [(i, status) for i, status in statuses.items() if status != outbox.DEAD]
    if alive:
        raise ConflictError(Message("limits.outbox.not_dead", messages=", ".join(
            f"#{i} ({text(f'cli.outbox.status.{status}')})" for i, status in alive)))
    requeued = outbox.retry_dead(prog.db, None if all_dead else ids, prog.engine.clock())
    for r in requeued:
        console.print(text("cli.outbox.requeued", id=r.id, kind=r.kind, to=r.recipient,
                           subject=r.subject,
                           error=r.last_error or text("cli.outbox.no_error")))
    missing = sorted(set(ids or ()) - {r.id for r in requeued})
    if missing:
        console.print(text("cli.outbox.not_dead", ids=", ".join(f"#{i}" for i in missing)))
    console.print(plural("cli.outbox.requeued_count", len(requeued)))
