"""``smartcity outbox [--status S] [--limit N]``; ``smartcity outbox retry [ID...] [--all-dead]``.

The first lists planned and delivered email with the server's last answer; the second is a
coordinator's action: dead-lettered messages (a 5xx, a bad address, too many temporary
failures) go back to the queue, due now, with their attempts reset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from engine import InvalidInputError
from interfaces.cli.context import console, programme, table
from notifications import outbox

outbox_app = typer.Typer(
    help="Email waiting, sent and dead-lettered; re-queue dead letters.",
    no_args_is_help=False,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")


def _utc(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else ""


@outbox_app.callback(invoke_without_command=True)
def show(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(
        "--status", metavar="pending|sending|sent|dead",
        help="Only messages in this state (default: all).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most N rows.")] = 50,
) -> None:
    """List outbox messages: recipient, kind, subject, attempts, the server's last answer."""
    if ctx.invoked_subcommand is not None:
        return
    if status is not None and status not in outbox.STATUSES:
        raise InvalidInputError(
            f"unknown status {status!r}; use one of {', '.join(outbox.STATUSES)}")
    db = programme().db
    rows = outbox.listing(db, status, limit)
    counts = outbox.counts(db)
    grid = table("id", "status", "recipient", "kind", "subject", "attempts", "last error",
                 "due (UTC)", title=f"Outbox: {status or 'all'} ({len(rows)} shown)")
    for r in rows:
        grid.add_row(str(r.id), r.status, r.recipient, r.kind, r.subject, str(r.attempts),
                     r.last_error or "", _utc(r.sent_at if r.status == "sent" else r.due_at))
    console.print(grid)
    console.print("  " + " | ".join(f"{s}: {n}" for s, n in counts.items()))


@outbox_app.command()
def retry(
    ids: Annotated[list[int] | None, typer.Argument(
        metavar="[ID...]", help="Dead-lettered message ids to send again.")] = None,
    all_dead: Annotated[bool, typer.Option(
        "--all-dead", help="Re-queue every dead-lettered message.")] = False,
) -> None:
    """Re-queue dead-lettered messages (due now, attempts reset) after fixing the cause."""
    if bool(ids) == all_dead:
        raise InvalidInputError("give message ids or --all-dead (one of the two)")
    prog = programme()
    requeued = outbox.retry_dead(prog.db, None if all_dead else ids, prog.engine.clock())
    for r in requeued:
        console.print(f"re-queued #{r.id} {r.kind} to {r.recipient}: {r.subject} "
                      f"(was: {r.last_error or 'no error recorded'})")
    missing = sorted(set(ids or ()) - {r.id for r in requeued})
    if missing:
        console.print("not dead-lettered (left as they are): "
                      + ", ".join(f"#{i}" for i in missing))
    console.print(f"{len(requeued)} message(s) re-queued.")
