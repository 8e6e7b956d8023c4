"""``smartcity outbox`` and ``smartcity outbox retry`` (the sub-app mounted on the real root)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import typer
from smtpkit import T0, SmtpServer  # type: ignore[import-not-found]
from typer.testing import CliRunner

from engine import Database
from interfaces.cli import outbox as outbox_cli
from interfaces.cli.app import ErrorBoundary, root
from notifications import outbox
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender

Planner = Callable[..., list[str]]


def smartcity() -> typer.Typer:
    app = typer.Typer(cls=ErrorBoundary, pretty_exceptions_enable=False)
    app.callback()(root)
    outbox_cli.register(app)
    return app


def invoke(db: Database, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(smartcity(), ["--database-url", db.url, "outbox", *args])
    return result.exit_code, result.output


def test_dead_letter_listed_with_the_servers_answer_then_retried(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    planner(db, 3)
    smtp_server.handler.refuse["opd2@kota.example.go.id"] = "550 5.1.1 User unknown"

    async def dispatch() -> None:
        sender = SmtpSender(hostname=smtp_server.host, port=smtp_server.port,
                            mail_from="noreply@smartcity.example.go.id", timeout=5)
        await Dispatcher(db, sender, "w", lambda: T0).run_once()
        await sender.close()

    asyncio.run(dispatch())
    code, out = invoke(db, "--status", "dead")
    assert code == 0, out
    assert "opd2@kota.example.go.id" in out and "550 5.1.1 User unknown" in out
    assert "Pengingat 2" in out and "reminder" in out
    assert "dead: 1" in out and "sent: 2" in out
    code, out = invoke(db)
    assert code == 0 and "opd0@kota.example.go.id" in out

    (dead,) = outbox.listing(db, "dead", 5)
    (sent, *_) = outbox.listing(db, "sent", 5)
    # A sent message named with the dead letter: refused, nothing re-queued
    # (test_outbox__exit_codes.py); the dead letter alone is.
    code, out = invoke(db, "retry", str(dead.id), str(sent.id))
    assert code == 1 and f"not dead-lettered: #{sent.id} (sent)" in out
    assert outbox.counts(db) == {"pending": 0, "sending": 0, "sent": 2, "dead": 1}
    code, out = invoke(db, "retry", str(dead.id))
    assert code == 0, out
    assert f"re-queued #{dead.id} reminder to opd2@kota.example.go.id" in out
    assert "was: 550 5.1.1 User unknown" in out
    assert outbox.counts(db) == {"pending": 1, "sending": 0, "sent": 2, "dead": 0}
    (pending,) = outbox.listing(db, "pending", 5)
    assert pending.attempts == 0

    code, out = invoke(db, "retry", "--all-dead")
    assert code == 0 and "0 messages re-queued." in out


def test_usage_errors(db: Database) -> None:
    code, out = invoke(db, "retry")
    assert code == 1 and "give message ids or --all-dead" in out
    code, out = invoke(db, "--status", "lost")
    assert code == 1 and "unknown status 'lost'" in out


def test_times_are_shown_in_wib_or_the_zone_asked_for(
        db: Database, planner: Planner, monkeypatch) -> None:
    """Due times read in a legal zone, not UTC: WIB by default, or the zone named, or a
    region's own; in the command line's language."""
    planner(db, 1)  # due 2026-03-02 01:00 UTC: 08:00 WIB, 09:00 WITA, 10:00 WIT
    code, out = invoke(db)
    assert code == 0, out
    assert "due or sent (WIB)" in out and "2 Mar 2026 08:00 WIB" in out
    assert "UTC" not in out
    code, out = invoke(db, "--zone", "WIT")
    assert code == 0 and "2 Mar 2026 10:00 WIT" in out, out
    code, out = invoke(db, "--zone", "64.71")  # Kota Balikpapan: WITA
    assert code == 0 and "2 Mar 2026 09:00 WITA" in out, out
    code, out = invoke(db, "--zone", "Atlantis")
    assert code == 1 and "Atlantis" in out

    monkeypatch.setenv("SMARTCITY_LANG", "id")
    code, out = invoke(db)
    assert code == 0, out
    assert "Kotak keluar: semua (1 ditampilkan)" in out
    assert "jadwal atau terkirim (WIB)" in out and "2 Mar 2026 08.00 WIB" in out
    assert "menunggu: 1" in out
