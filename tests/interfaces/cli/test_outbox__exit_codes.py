"""``smartcity outbox retry ID`` with an id the outbox does not hold, or of a message that is
not dead-lettered (sent, or still pending), is a refusal: one line naming it (and its status),
exit 1, and nothing re-queued, not even the dead letters named next to it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from smtpkit import T0, SmtpServer  # type: ignore[import-not-found]
from typer.testing import CliRunner, Result

from engine import Database
from interfaces.cli.app import app
from notifications import outbox
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender

Planner = Callable[..., list[str]]


def retry(db: Database, *ids: int) -> Result:
    return CliRunner().invoke(app, ["--database-url", db.url, "outbox", "retry",
                                    *map(str, ids)])


def _deliver_once(db: Database, smtp_server: SmtpServer) -> None:
    """One dispatcher round against the real SMTP server (which refuses whom it is told to)."""
    async def dispatch() -> None:
        sender = SmtpSender(hostname=smtp_server.host, port=smtp_server.port,
                            mail_from="noreply@smartcity.example.go.id", timeout=5)
        await Dispatcher(db, sender, "w", lambda: T0).run_once()
        await sender.close()

    asyncio.run(dispatch())


def test_an_unknown_message_is_refused(db: Database) -> None:
    result = retry(db, 9999)
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "error: there is no message #9999 in the outbox; see the numbers of dead letters with "
        "'smartcity outbox --status dead'"]


def test_nothing_is_requeued_when_one_id_is_unknown(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    planner(db, 1)
    smtp_server.handler.refuse["opd0@kota.example.go.id"] = "550 5.1.1 User unknown"
    _deliver_once(db, smtp_server)
    (dead,) = outbox.listing(db, "dead", 5)
    result = retry(db, dead.id, 424242, 424243)
    assert result.exit_code == 1
    assert "#424242, #424243" in result.stderr
    assert outbox.counts(db)["dead"] == 1
    assert retry(db, dead.id).exit_code == 0
    assert outbox.counts(db) == {"pending": 1, "sending": 0, "sent": 0, "dead": 0}


def _dead_and_sent(db: Database, smtp_server: SmtpServer, planner: Planner) -> tuple[int, int]:
    """One message the relay refused for good (dead) and one it took (sent)."""
    planner(db, 2)
    smtp_server.handler.refuse["opd0@kota.example.go.id"] = "550 5.1.1 User unknown"
    _deliver_once(db, smtp_server)
    (dead,) = outbox.listing(db, "dead", 5)
    (sent,) = outbox.listing(db, "sent", 5)
    return dead.id, sent.id


def test_a_message_that_is_not_dead_lettered_is_refused_with_its_status(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    dead, sent = _dead_and_sent(db, smtp_server, planner)
    planner(db, 1, start=5)
    (pending,) = outbox.listing(db, "pending", 5)
    result = retry(db, sent)
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"error: not dead-lettered: #{sent} (sent); only dead letters can be re-queued (list "
        "them with 'smartcity outbox --status dead'), so nothing was re-queued"]
    # With a dead letter named next to them: still refused, and nothing re-queued.
    mixed = retry(db, dead, sent, pending.id)
    assert mixed.exit_code == 1
    assert f"#{sent} (sent), #{pending.id} (pending)" in mixed.stderr
    assert f"#{dead} " not in mixed.stderr
    assert outbox.counts(db) == {"pending": 1, "sending": 0, "sent": 1, "dead": 1}
    again = retry(db, dead)
    assert again.exit_code == 0, again.output
    assert outbox.counts(db) == {"pending": 2, "sending": 0, "sent": 1, "dead": 0}
