"""``smartcity worker``: the clock (in one process at a time) and email delivery (in all).

Run one or several workers next to the same database: each dispatches due email from the
outbox; the one holding the scheduler's leadership also runs the sweeps (reminders,
evaluation windows). SIGTERM or Ctrl-C stops a worker after the batch in hand. What runs is
:mod:`workflows.background`, the same services ``smartcity serve`` runs.

With ``--metrics-port PORT`` a worker also answers ``/healthz``, ``/readyz`` and ``/metrics``
on that port (:mod:`interfaces.web.probes`) while it runs: its sends, sweeps and leadership are
visible only there. ``--once`` refuses it (a round ends before any monitor could scrape), and
a port already in use is refused before the worker starts working.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from typing import TYPE_CHECKING, Annotated

import typer

from config.messages import plural, text
from engine import InvalidInputError
from interfaces.cli import oserrors
from interfaces.cli.context import console, error, programme, state

if TYPE_CHECKING:
    from workflows.programme import Programme

#: Where ``--metrics-port`` listens unless ``--metrics-host`` says: this machine only.
METRICS_HOST = "127.0.0.1"

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
    metrics_port: Annotated[int | None, typer.Option(
        "--metrics-port", metavar="PORT", min=1, max=65535,
        help="Also answer /healthz, /readyz and /metrics on this port while running.")] = None,
    metrics_host: Annotated[str | None, typer.Option(
        "--metrics-host", metavar="HOST",
        help=f"Address for --metrics-port (default {METRICS_HOST}; 0.0.0.0 for a "
             "container).")] = None,
) -> None:
    """Run the scheduler's jobs and deliver email until stopped."""

    if now is not None:
        if not once:
            raise InvalidInputError(text("cli.worker.now_needs_once"))
        state.overrides["now"] = now
    if metrics_port is None and metrics_host is not None:
        raise InvalidInputError(text("ops.worker.host_needs_port"))
    if metrics_port is not None and once:
        raise InvalidInputError(text("ops.worker.probes_not_once"))
    prog = programme()
    from interfaces.logging_setup import configured

    with configured(prog.settings.log_format):  # SMARTCITY_LOG_FORMAT: text, or JSON lines
        probes = None if metrics_port is None else _probes(prog, metrics_host or METRICS_HOST,
                                                           metrics_port)
        _work(prog, once, batch, probes)


def _probes(prog: Programme, host: str, port: int) -> contextlib.AbstractAsyncContextManager[None]:
    """The endpoint's socket bound now (a port in use: one line, exit 1, nothing started),
    served once the worker's event loop runs."""
    from interfaces.web import probes

    try:
        sock = probes.listening_socket(host, port)
    except OSError as exc:
        raise InvalidInputError(text("ops.worker.port_unavailable",
                                     address=probes.shown(host, port),
                                     error=oserrors.describe(exc))) from None
    console.print(text("ops.worker.probes", address=probes.shown(host, port)), soft_wrap=True)
    return probes.serving(probes.create_probes(prog), sock)


def _work(prog: Programme, once: bool, batch: int,
          probes: contextlib.AbstractAsyncContextManager[None] | None = None) -> None:
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
        async with contextlib.AsyncExitStack() as stack:
            if probes is not None:
                await stack.enter_async_context(probes)
            delivery = await stack.enter_async_context(
                background.services(prog, worker_id, batch, stop=done))
            await delivery

    asyncio.run(run())
