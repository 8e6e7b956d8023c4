"""``smartcity worker``: the clock (in one process at a time) and email delivery (in all).

Run one or several workers next to the same database: each dispatches due email from the
outbox; the one holding the scheduler's leadership also runs the sweeps (reminders,
evaluation windows). SIGTERM or Ctrl-C stops a worker after the batch in hand. What runs is
:mod:`workflows.background`, the same services ``smartcity serve`` runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from typing import TYPE_CHECKING, Annotated

import typer

from config.messages import plural, text
from engine import InvalidInputError
from interfaces.cli.context import console, error, programme, state

if TYPE_CHECKING:
    from workflows.programme import Programme

#: ``worker --once`` when every delivery it tried failed: sysexits' EX_TEMPFAIL, "try again
#: later" (the messages stay queued, or dead-lettered when the server refused them for good).
EXIT_UNDELIVERED = 75


def register(app: typer.Typer) -> None:
    app.command()(worker)


def worker(
    once: Annotated[bool, typer.Option(
        "--once", help="Run every job and deliver what is due once, then exit.")] = False,
    batch: Annotated[int, typer.Option(min=1, max=5000, help="Emails claimed at a time.")]
    = 200,
    now: Annotated[str | None, typer.Option(
        "--now", metavar="TIME",
        help="Run as if it were this time, with its zone (2027-06-29T08:00+07:00); for tests "
             "and simulations, like SMARTCITY_NOW.")] = None,
) -> None:
    """Run the scheduler's jobs and deliver email until stopped."""

    if now is not None:
        if not once:
            raise InvalidInputError(text("cli.worker.now_needs_once"))
        state.overrides["now"] = now
    prog = programme()
    from interfaces.logging_setup import configured

    with configured(prog.settings.log_format):  # SMARTCITY_LOG_FORMAT: text, or JSON lines
        _work(prog, once, batch)


def _work(prog: Programme, once: bool, batch: int) -> None:
    from workflows import background

    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    if once:
        report = background.tick(prog)
        sent = asyncio.run(background.deliver_due(prog, worker_id, batch))
        console.print(text("cli.worker.round", reminders=report.reminders_queued,
                           opened=report.windows_opened, closed=report.windows_closed,
                           window_emails=report.window_emails, sent=sent.sent,
                           retried=sent.retried, dead=sent.dead))
        if sent.sent == 0 and sent.retried + sent.dead > 0:
            # Nothing got through (a relay down or refusing): a cron job or a monitor must
            # see the round fail, not a quiet exit 0.
            error(plural("limits.worker.nothing_delivered", sent.retried + sent.dead),
                  prefix=text("cli.error_prefix"))
            raise typer.Exit(EXIT_UNDELIVERED)
        return
    console.print(text("cli.worker.running", worker=worker_id))

    async def run() -> None:
        done = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, done.set)
        async with background.services(prog, worker_id, batch, stop=done) as delivery:
            await delivery

    asyncio.run(run())
