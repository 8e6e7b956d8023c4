"""``smartcity serve``: the web pages, the REST API, the clock and email delivery in one process.

Several ``serve`` and ``worker`` processes may share one PostgreSQL database: each delivers
email from the outbox (claims do not overlap) and only the holder of the scheduler lock runs
the clock. With ``--smtp-sink`` a local SMTP server on 127.0.0.1 receives the mail instead
of a relay, and the pages show it at ``/mailbox``: the embedded way to try everything.
"""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from interfaces.cli.context import console, programme, state


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    smtp_sink: Annotated[bool, typer.Option(
        "--smtp-sink", help="Receive the emails in a local SMTP server (on SMARTCITY_SMTP_PORT) "
                            "and show them at /mailbox, instead of sending them to a relay.")]
    = False,
    background: Annotated[bool, typer.Option(
        "--background/--no-background",
        help="Also run the clock and deliver email (default); --no-background for a "
             "process that only serves pages while workers do the rest.")] = True,
) -> None:
    """Serve the web pages and the REST API (with the clock and email delivery)."""
    import uvicorn

    from interfaces.bootstrap import initialise
    from interfaces.web.app import create_app
    from notifications.sink import running_sink

    if "base_url" not in state.settings().model_fields_set:
        # Links in emails must reach this server; a deployment sets SMARTCITY_BASE_URL.
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        state.overrides["base_url"] = f"http://{shown}:{port}"
    prog = programme()
    initialise(prog)  # migrations and reference data; a no-op when they are there
    with contextlib.ExitStack() as stack:
        mailbox = None
        if smtp_sink:
            sink_port, mailbox = stack.enter_context(
                running_sink(prog.settings.smtp_port, prog.settings.smtp_host))
            console.print(f"local SMTP server on {prog.settings.smtp_host}:{sink_port}; "
                          f"mail shows at {prog.settings.base_url}/mailbox")
        app = create_app(prog, mailbox=mailbox, background=background)
        console.print(f"serving {prog.settings.base_url} on http://{host}:{port} "
                      f"(API docs at /api/docs; Ctrl-C to stop)")
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    state.close()
