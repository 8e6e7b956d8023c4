"""The process's own metrics (workflows/monitoring.py), fed by the background services: emails
the dispatcher delivered and attempts that failed, each reminder sweep's duration, and whether
this process holds the clock's leadership (1 while it runs the clock, 0 once it stopped).

The delivery itself is tested on both backends in tests/notifications; here it runs on SQLite,
whose leader lock is a file of this test's own (PostgreSQL's advisory lock is shared by every
test process on the server)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from smtpkit import SmtpServer, plan  # type: ignore[import-not-found]

from workflows import background, monitoring


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    return sqlite_database_url


@pytest.fixture
def registry() -> CollectorRegistry:
    made = CollectorRegistry()
    for metric in monitoring.PROCESS_METRICS:
        made.register(metric)
    return made


def reading(registry: CollectorRegistry, name: str) -> float:
    found = registry.get_sample_value(name)
    assert found is not None, name
    return found


def test_deliveries_and_failed_attempts_are_counted(
        make_prog: Any, smtp_server: SmtpServer, registry: CollectorRegistry) -> None:
    prog = make_prog(smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    smtp_server.handler.refuse["opd1@kota.example.go.id"] = "550 5.1.1 User unknown"
    plan(prog.db, 3, due_at=prog.engine.clock())
    sent = reading(registry, "smartcity_email_sends_total")
    failed = reading(registry, "smartcity_email_send_failures_total")
    report = asyncio.run(background.deliver_due(prog, "monitor-test"))
    assert (report.sent, report.dead) == (2, 1)
    assert reading(registry, "smartcity_email_sends_total") == sent + 2
    assert reading(registry, "smartcity_email_send_failures_total") == failed + 1


def test_each_reminder_sweep_is_timed(make_prog: Any, registry: CollectorRegistry) -> None:
    before = reading(registry, "smartcity_reminder_sweep_duration_seconds_count")
    background.tick(make_prog())
    assert reading(registry, "smartcity_reminder_sweep_duration_seconds_count") == before + 1


def test_leadership_is_1_while_this_process_runs_the_clock(
        make_prog: Any, smtp_server: SmtpServer, registry: CollectorRegistry) -> None:
    prog = make_prog(smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    assert reading(registry, "smartcity_scheduler_leader") == 0
    seen: list[float] = []

    async def run() -> None:
        async with background.services(prog, "monitor-test"):
            deadline = time.monotonic() + 30  # waiting for the lock, not timing it
            while not monitoring.leading() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            seen.append(reading(registry, "smartcity_scheduler_leader"))

    asyncio.run(run())
    assert seen == [1]
    assert reading(registry, "smartcity_scheduler_leader") == 0
