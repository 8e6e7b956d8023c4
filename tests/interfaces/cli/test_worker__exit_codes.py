"""``smartcity worker --once``: a round in which every delivery it tried failed prints its
summary, then one ``error:`` line, and exits 75 (EX_TEMPFAIL), so cron and monitors see it;
a round that delivered something, or had nothing to deliver, exits 0. Against a real SMTP
server (aiosmtpd) that is absent, refuses every recipient, or accepts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from smtpkit import SmtpServer, free_port  # type: ignore[import-not-found]
from typer.testing import Result

from config.settings import get_settings
from engine import Database
from notifications import outbox

Planner = Callable[..., list[str]]
NOW = "2026-03-02T08:30+07:00"


@pytest.fixture
def relay(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], None]]:
    """Point the worker at an SMTP port (settings are re-read for each test)."""
    def use(port: int) -> None:
        monkeypatch.setenv("SMARTCITY_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMARTCITY_SMTP_PORT", str(port))
        monkeypatch.setenv("SMARTCITY_SMTP_TIMEOUT", "5")
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def errors(result: Result) -> list[str]:
    """The ``error:`` lines (the worker may also log, and the test's SMTP server does)."""
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def once(cli: Any, planner: Planner, messages: int) -> tuple[Result, Database]:
    db = Database(cli.url)
    if messages:
        planner(db, messages)
    return cli.run("worker", "--once", "--now", NOW), db


def test_relay_absent_exits_75_after_the_summary(cli: Any, planner: Planner,
                                                 relay: Callable[[int], None]) -> None:
    relay(free_port())  # nobody listens there
    result, db = once(cli, planner, 2)
    assert result.exit_code == 75, result.output
    assert "delivered 0, to retry 2, dead 0" in result.stdout
    assert errors(result) == [
        "error: no email was delivered: 2 attempts failed; check SMARTCITY_SMTP_HOST and "
        "SMARTCITY_SMTP_PORT, then 'smartcity outbox --status dead'"]
    assert outbox.counts(db)["pending"] == 2  # still queued, to try again
    db.dispose()


def test_every_recipient_refused_exits_75(cli: Any, planner: Planner, smtp_server: SmtpServer,
                                          relay: Callable[[int], None]) -> None:
    relay(smtp_server.port)
    smtp_server.handler.refuse["opd0@kota.example.go.id"] = "550 5.1.1 User unknown"
    result, db = once(cli, planner, 1)
    assert result.exit_code == 75, result.output
    assert "delivered 0, to retry 0, dead 1" in result.stdout
    assert "1 attempt failed" in result.stderr
    db.dispose()


def test_some_delivered_or_nothing_to_do_exits_0(cli: Any, planner: Planner,
                                                 smtp_server: SmtpServer,
                                                 relay: Callable[[int], None]) -> None:
    relay(smtp_server.port)
    result, db = once(cli, planner, 0)
    assert result.exit_code == 0, result.output
    smtp_server.handler.refuse["opd0@kota.example.go.id"] = "550 5.1.1 User unknown"
    planner(db, 2)
    result = cli.run("worker", "--once", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "delivered 1, to retry 0, dead 1" in result.stdout
    assert errors(result) == []
    db.dispose()
