"""``smartcity worker``: the clock (in one process at a time) and email delivery (in all).

Run one or several workers next to the same database: each dispatches due email from the
outbox; the one holding the scheduler's leadership also runs the sweeps (reminders,
evaluation windows). SIGTERM or Ctrl-C stops a worker after the batch in hand.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
from typing import Annotated

import typer

from engine.scheduler import Clock
from interfaces.cli.context import console, programme
from notifications.dispatcher import Dispatcher, DispatchReport
from notifications.smtp import SmtpSender
from workflows import jobs
from workflows.programme import Programme


def register(app: typer.Typer) -> None:
    app.command()(worker)


def worker(
    once: Annotated[bool, typer.Option(
        "--once", help="Run every job and deliver what is due once, then exit.")] = False,
    batch: Annotated[int, typer.Option(min=1, max=5000, help="Emails claimed at a time.")]
    = 200,
) -> None:
    """Run the scheduler's jobs and deliver email until stopped."""
    prog = programme()
    jobs.bind(prog)
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    if once:
        report = jobs.tick(prog)
        sent = asyncio.run(deliver_due(prog, worker_id, batch))
        console.print(f"reminders queued {report.reminders_queued}, windows opened "
                      f"{report.windows_opened} and closed {report.windows_closed}, "
                      f"window emails {report.window_emails}; delivered {sent.sent}, "
                      f"to retry {sent.retried}, dead {sent.dead}")
        return
    stop = threading.Event()
    clock = Clock(prog.db, jobs.JOBS)
    thread = threading.Thread(target=clock.run, args=(stop,), name="clock", daemon=True)
    thread.start()
    console.print(f"worker {worker_id}: delivering email; the clock runs in whichever "
                  "worker holds the scheduler lock (Ctrl-C to stop)")
    try:
        asyncio.run(_serve(prog, worker_id, batch, stop))
    finally:
        stop.set()
        thread.join(30)


async def deliver_due(prog: Programme, worker_id: str, batch: int) -> DispatchReport:
    """Deliver until nothing due is left (messages waiting for a retry stay queued)."""
    sender = SmtpSender.from_settings(prog.settings)
    dispatcher = Dispatcher(prog.db, sender, worker_id, prog.engine.clock, batch=batch,
                            max_attempts=prog.settings.send_max_attempts)
    try:
        return await dispatcher.run(until_idle=True)
    finally:
        await sender.close()


async def _serve(prog: Programme, worker_id: str, batch: int, stop: threading.Event) -> None:
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    sender = SmtpSender.from_settings(prog.settings)
    dispatcher = Dispatcher(prog.db, sender, worker_id, prog.engine.clock, batch=batch,
                            max_attempts=prog.settings.send_max_attempts)
    try:
        await dispatcher.run(done)
    finally:
        stop.set()
        await sender.close()
