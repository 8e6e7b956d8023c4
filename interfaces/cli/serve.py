"""``smartcity serve``: the web pages, the REST API, the clock and email delivery in one process.

Several ``serve`` and ``worker`` processes may share one PostgreSQL database: each delivers
email from the outbox (claims do not overlap) and only the holder of the scheduler lock runs
the clock. With ``--smtp-sink`` a local SMTP server on 127.0.0.1 receives the mail instead
of a relay, and the pages show it at ``/mailbox``: the embedded way to try everything. The
mailbox starts with the mail this database already delivered (the demo's, or an earlier
``serve``'s), so what ``smartcity demo`` sent is there to read.

A SQLite database that does not exist is refused (see :func:`interfaces.cli.context
.require_database`): ``make serve`` before ``make demo`` says to create it first.
"""

from __future__ import annotations

import contextlib
from datetime import UTC
from email.utils import parseaddr
from typing import TYPE_CHECKING, Annotated

import typer

from config.messages import text
from interfaces.cli.context import console, programme, state

if TYPE_CHECKING:
    from notifications.sink import MailSink
    from workflows.programme import Programme


def register(app: typer.Typer) -> None:
    app.command()(serve)


def preload_mailbox(prog: Programme, mailbox: MailSink) -> int:
    """Put the mail this database already delivered in a freshly started mailbox (the newest,
    as many as it keeps, oldest first); returns how many."""
    from notifications import outbox

    sender = parseaddr(prog.settings.mail_from)[1]
    return mailbox.load(
        (m.sent_at if m.sent_at.tzinfo else m.sent_at.replace(tzinfo=UTC), sender,
         [m.recipient], m.raw)
        for m in outbox.delivered(prog.db, mailbox.kept.maxlen or 10_000)
        if m.sent_at is not None)


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
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips", metavar="IPS",
        help="Addresses of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
             "are believed (comma-separated, or '*' where only the proxy can reach this "
             "process); default: uvicorn's FORWARDED_ALLOW_IPS, else 127.0.0.1.")] = None,
) -> None:
    """Serve the web pages and the REST API (with the clock and email delivery)."""
    import uvicorn

    from interfaces.bootstrap import initialise
    from interfaces.logging_setup import configured, uvicorn_log_config
    from interfaces.web.app import create_app
    from notifications.sink import running_sink

    if "base_url" not in state.settings().model_fields_set:
        # Links in emails must reach this server; a deployment sets SMARTCITY_BASE_URL.
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        state.overrides["base_url"] = f"http://{shown}:{port}"
    prog = programme()
    initialise(prog)  # migrations and reference data; a no-op when they are there
    with contextlib.ExitStack() as stack:
        # SMARTCITY_LOG_FORMAT: text, or JSON lines
        stack.enter_context(configured(prog.settings.log_format))
        mailbox = None
        if smtp_sink:
            sink_port, mailbox = stack.enter_context(
                running_sink(prog.settings.smtp_port, prog.settings.smtp_host))
            earlier = preload_mailbox(prog, mailbox)
            console.print(text("cli.serve.sink", address=f"{prog.settings.smtp_host}:{sink_port}",
                               url=f"{prog.settings.base_url}/mailbox", count=earlier),
                          soft_wrap=True)
        app = create_app(prog, mailbox=mailbox, background=background)
        console.print(text("cli.serve.serving", url=prog.settings.base_url,
                           address=f"http://{host}:{port}"), soft_wrap=True)
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=False,
                    proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips,
                    log_config=uvicorn_log_config(prog.settings.log_format))
    state.close()
