"""The dispatcher against a real aiosmtpd server on 127.0.0.1 (the SMTP client is not mocked)."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from smtpkit import T0, SmtpServer  # type: ignore[import-not-found]

from engine import Database, WorkflowError
from notifications import outbox
from notifications.dispatcher import Dispatcher, DispatchReport
from notifications.smtp import SmtpSender

Planner = Callable[..., list[str]]
FROM = "Gerakan Menuju 100 Smart City <noreply@smartcity.example.go.id>"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def make(db: Database, server: SmtpServer, clock: Clock, **kw: object) -> Dispatcher:
    sender = SmtpSender(hostname=server.host, port=server.port, mail_from=FROM, timeout=5,
                        connections=2)
    return Dispatcher(db, sender, "w1", clock, rng=random.Random(1), **kw)  # type: ignore[arg-type]


def run(dispatcher: Dispatcher) -> DispatchReport:
    async def go() -> DispatchReport:
        try:
            return await dispatcher.run_once()
        finally:
            await dispatcher.sender.close()
    return asyncio.run(go())


def test_delivers_multipart_messages_once_with_the_rows_message_id(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    ids = planner(db, 25)
    clock = Clock()
    report = run(make(db, smtp_server, clock))
    assert (report.sent, report.retried, report.dead) == (25, 0, 0)
    assert sorted(smtp_server.message_ids) == sorted(ids)
    msg = next(m for m in smtp_server.messages if m["Message-ID"] == ids[3])
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Subject"] == "Pengingat 3: batas waktu — 3 hari lagi"
    assert msg["To"] == "opd3@kota.example.go.id"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["From"].addresses[0].addr_spec == "noreply@smartcity.example.go.id"
    plain, html = (p.get_content() for p in msg.iter_parts())
    assert "5 Maret 2026 08:00 WIB" in plain and "<b>5 Maret 2026 08:00 WIB</b>" in html
    mail_from, rcpts, _ = smtp_server.handler.received[0]
    assert mail_from == "noreply@smartcity.example.go.id" and len(rcpts) == 1
    assert outbox.counts(db) == {"pending": 0, "sending": 0, "sent": 25, "dead": 0}
    # Nothing left: a second pass sends nothing more.
    assert run(make(db, smtp_server, clock)).sent == 0
    assert len(smtp_server.message_ids) == 25
    # Connections are reused: two sessions for 25 messages.
    assert smtp_server.handler.sessions <= 2


def test_retry_after_the_smtp_server_was_down(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    ids = planner(db, 5)
    clock = Clock()
    smtp_server.stop()
    report = run(make(db, smtp_server, clock))
    assert (report.sent, report.retried, report.dead) == (0, 5, 0)
    rows = outbox.listing(db, "pending", 10)
    assert all(r.due_at >= T0 + timedelta(seconds=30) for r in rows)
    assert all("cannot connect" in (r.last_error or "") for r in rows)
    smtp_server.start()
    # Not due yet: the backoff holds them back even though the server is up again.
    assert run(make(db, smtp_server, clock)).sent == 0
    clock.now = T0 + timedelta(seconds=40)
    report = run(make(db, smtp_server, clock))
    assert (report.sent, report.retried, report.dead) == (5, 0, 0)
    assert sorted(smtp_server.message_ids) == sorted(ids)  # each delivered once
    assert {r.attempts for r in outbox.listing(db, "sent", 10)} == {2}


def test_5xx_recipient_is_dead_lettered_with_the_servers_answer(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    planner(db, 3)
    smtp_server.handler.refuse["opd1@kota.example.go.id"] = "550 5.1.1 User unknown"
    clock = Clock()
    report = run(make(db, smtp_server, clock))
    assert (report.sent, report.retried, report.dead) == (2, 0, 1)
    (dead,) = outbox.listing(db, "dead", 10)
    assert dead.recipient == "opd1@kota.example.go.id"
    assert dead.last_error == "550 5.1.1 User unknown"
    # Fixed at the server, re-queued by a coordinator: delivered.
    del smtp_server.handler.refuse["opd1@kota.example.go.id"]
    assert [r.id for r in outbox.retry_dead(db, [dead.id], clock.now)] == [dead.id]
    assert run(make(db, smtp_server, clock)).sent == 1
    assert len(smtp_server.message_ids) == 3


def test_451_is_temporary_and_retried_until_max_attempts(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    planner(db, 2)
    smtp_server.handler.data_reply = "451 4.3.0 Mailbox busy, try later"
    clock = Clock()
    for attempt in range(1, 4):
        report = run(make(db, smtp_server, clock, max_attempts=3))
        if attempt < 3:
            assert (report.sent, report.retried, report.dead) == (0, 2, 0)
            rows = outbox.listing(db, "pending", 10)
            assert {r.last_error for r in rows} == {"451 4.3.0 Mailbox busy, try later"}
            assert {r.attempts for r in rows} == {attempt}
            clock.now += timedelta(hours=2)
        else:
            assert (report.sent, report.retried, report.dead) == (0, 0, 2)
    errors = {r.last_error for r in outbox.listing(db, "dead", 10)}
    assert errors == {"gave up after 3 attempts: 451 4.3.0 Mailbox busy, try later"}
    assert smtp_server.message_ids == []


def test_bad_address_is_permanent(db: Database, smtp_server: SmtpServer,
                                  planner: Planner) -> None:
    evil = "bad\r\nRCPT TO:<evil@x.go.id>"
    with pytest.raises(ValueError, match="must not contain a line break"):
        planner(db, 1, recipient=evil)  # refused when the message is built and queued
    # A row that reached the outbox some other way is refused by the dispatcher too.
    with db.transaction() as session:
        outbox.enqueue(session, key="evil", kind="reminder", recipient=evil, subject="s",
                       text_body="t", html_body="h", message_id="<evil@x>", raw=b"x",
                       due_at=T0, now=T0)
    report = run(make(db, smtp_server, Clock()))
    assert report.dead == 1
    (dead,) = outbox.listing(db, "dead", 1)
    assert (dead.last_error or "").startswith("cannot send to this address")


def test_rows_too_close_to_their_lease_end_are_given_back(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    planner(db, 3)
    clock = Clock()
    dispatcher = make(db, smtp_server, clock, lease=20)
    # Simulate a slow batch: the clock jumps past the safe point before sending starts.
    real_claim = outbox.claim

    def slow_claim(*args):  # type: ignore[no-untyped-def]
        rows = real_claim(*args)
        clock.now += timedelta(seconds=16)
        return rows

    outbox_claim = outbox.claim
    try:
        outbox.claim = slow_claim  # type: ignore[assignment]
        report = run(dispatcher)
    finally:
        outbox.claim = outbox_claim  # type: ignore[assignment]
    assert (report.sent, report.released) == (0, 3)
    assert smtp_server.message_ids == []
    assert {r.attempts for r in outbox.listing(db, "pending", 10)} == {0}


def test_run_loops_until_stopped(db: Database, smtp_server: SmtpServer,
                                 planner: Planner) -> None:
    planner(db, 450)
    dispatcher = make(db, smtp_server, Clock(), batch=100)

    async def go() -> DispatchReport:
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run(stop, idle=0.05))
        while outbox.counts(db)["sent"] < 450:
            await asyncio.sleep(0.05)
        stop.set()
        total = await asyncio.wait_for(task, 10)
        await dispatcher.sender.close()
        return total

    total = asyncio.run(go())
    assert total.sent == 450
    assert len(set(smtp_server.message_ids)) == len(smtp_server.message_ids) == 450


def test_run_until_idle_pipelines_batches_and_sends_each_row_once(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    ids = planner(db, 230)
    dispatcher = make(db, smtp_server, Clock(), batch=50)
    claims: list[int] = []
    outbox_claim = outbox.claim

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = outbox_claim(*args, **kwargs)
        claims.append(len(rows))
        return rows

    async def go() -> DispatchReport:
        try:
            return await dispatcher.run(until_idle=True)
        finally:
            await dispatcher.sender.close()

    outbox.claim = counting  # type: ignore[assignment]
    try:
        total = asyncio.run(go())
    finally:
        outbox.claim = outbox_claim  # type: ignore[assignment]
    assert total.sent == 230
    assert sorted(smtp_server.message_ids) == sorted(ids)
    assert claims == [50, 50, 50, 50, 30, 0]
    assert outbox.counts(db) == {"pending": 0, "sending": 0, "sent": 230, "dead": 0}


def test_stop_gives_the_prefetched_batch_back_untried(
        db: Database, smtp_server: SmtpServer, planner: Planner) -> None:
    planner(db, 100)
    dispatcher = make(db, smtp_server, Clock(), batch=40)
    loop: asyncio.AbstractEventLoop | None = None
    stop = asyncio.Event()
    outbox_claim = outbox.claim
    claims: list[int] = []

    def stop_after_second_claim(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = outbox_claim(*args, **kwargs)
        claims.append(len(rows))
        if len(claims) == 2:  # batch 2 was prefetched while batch 1 is being sent
            loop.call_soon_threadsafe(stop.set)
        return rows

    async def go() -> DispatchReport:
        nonlocal loop
        loop = asyncio.get_running_loop()
        try:
            return await dispatcher.run(stop, idle=0.05)
        finally:
            await dispatcher.sender.close()

    outbox.claim = stop_after_second_claim  # type: ignore[assignment]
    try:
        total = asyncio.run(go())
    finally:
        outbox.claim = outbox_claim  # type: ignore[assignment]
    assert claims == [40, 40]
    assert (total.sent, total.released) == (40, 40)
    assert len(smtp_server.message_ids) == 40
    counts = outbox.counts(db)
    assert (counts["sent"], counts["pending"], counts["sending"]) == (40, 60, 0)
    assert {r.attempts for r in outbox.listing(db, "pending", 100)} == {0}


def test_a_failed_batch_gives_the_prefetched_one_back(
        db: Database, smtp_server: SmtpServer, planner: Planner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The acknowledgement fails after the next batch was claimed: that batch goes back now.

    Cancelling the finished claim did nothing: its rows stayed ``sending`` until their lease
    ended, with an attempt counted that was never made.
    """
    planner(db, 100)
    dispatcher = make(db, smtp_server, Clock(), batch=40)
    claimed: list[list[int]] = []
    next_claimed = threading.Event()
    outbox_claim, outbox_ack = outbox.claim, outbox.ack

    def claim(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = outbox_claim(*args, **kwargs)
        claimed.append([r.id for r in rows])
        if len(claimed) == 2:
            next_claimed.set()
        return rows

    def ack(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert next_claimed.wait(5)
        time.sleep(0.2)  # the loop has seen the claim complete
        raise WorkflowError("the database went away")

    monkeypatch.setattr(outbox, "claim", claim)
    monkeypatch.setattr(outbox, "ack", ack)

    async def go() -> DispatchReport:
        try:
            return await dispatcher.run(until_idle=True)
        finally:
            await dispatcher.sender.close()

    with pytest.raises(WorkflowError, match="went away"):
        asyncio.run(go())
    monkeypatch.setattr(outbox, "ack", outbox_ack)
    assert [len(ids) for ids in claimed] == [40, 40]
    pending = outbox.listing(db, "pending", 100)
    assert set(claimed[1]) <= {r.id for r in pending}
    assert {r.attempts for r in pending} == {0}
    # Only the batch being sent when the acknowledgement failed waits for its lease.
    assert {r.id for r in outbox.listing(db, "sending", 100)} == set(claimed[0])


@pytest.mark.parametrize("stopping", [False, True], ids=["cancelled", "stopped-then-cancelled"])
def test_cancelling_run_gives_the_prefetched_batch_back(
        db: Database, smtp_server: SmtpServer, planner: Planner,
        monkeypatch: pytest.MonkeyPatch, stopping: bool) -> None:
    """The task is cancelled (``wait_for`` timing out at shutdown) while the next batch is
    still being claimed: the claim is waited for and its rows go back, then it stops."""
    planner(db, 100)
    dispatcher = make(db, smtp_server, Clock(), batch=40)
    claimed: list[list[int]] = []
    gate = threading.Event()
    stop = asyncio.Event()
    outbox_claim = outbox.claim
    loop: asyncio.AbstractEventLoop | None = None

    def claim(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = outbox_claim(*args, **kwargs)
        claimed.append([r.id for r in rows])
        if len(claimed) == 2:  # the prefetch, committed; it returns when the gate opens
            if stopping:
                assert loop is not None
                loop.call_soon_threadsafe(stop.set)
            assert gate.wait(5)
        return rows

    monkeypatch.setattr(outbox, "claim", claim)

    async def go() -> None:
        nonlocal loop
        loop = asyncio.get_running_loop()
        task = asyncio.create_task(dispatcher.run(stop, idle=0.05))
        try:
            while outbox.counts(db)["sent"] < 40:  # the first batch is done
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)  # run waits for the claim (in its loop, or its finally)
            loop.call_later(0.2, gate.set)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(task, 0.05)
            assert task.cancelled()
        finally:
            gate.set()
            await dispatcher.sender.close()

    asyncio.run(go())
    assert [len(ids) for ids in claimed] == [40, 40]
    assert len(smtp_server.message_ids) == 40
    counts = outbox.counts(db)
    assert (counts["sent"], counts["pending"], counts["sending"]) == (40, 60, 0)
    assert {r.attempts for r in outbox.listing(db, "pending", 100)} == {0}


def test_a_stop_while_the_next_batch_is_claimed_sends_no_more(
        db: Database, smtp_server: SmtpServer, planner: Planner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The prefetch is slow: the first batch is done and ``run`` waits for the claim when
    ``stop`` comes. The claimed rows go back untried instead of being sent as a new batch."""
    planner(db, 100)
    dispatcher = make(db, smtp_server, Clock(), batch=40)
    claimed: list[int] = []
    stop = asyncio.Event()
    outbox_claim = outbox.claim
    loop: asyncio.AbstractEventLoop | None = None

    def claim(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = outbox_claim(*args, **kwargs)
        claimed.append(len(rows))
        if len(claimed) == 2:
            end = time.monotonic() + 5
            while outbox.counts(db)["sent"] < 40:  # the first batch is acknowledged
                assert time.monotonic() < end
                time.sleep(0.01)
            time.sleep(0.1)  # run waits for this claim
            assert loop is not None
            loop.call_soon_threadsafe(stop.set)
        return rows

    monkeypatch.setattr(outbox, "claim", claim)

    async def go() -> DispatchReport:
        nonlocal loop
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(dispatcher.run(stop, idle=0.05), 10)
        finally:
            await dispatcher.sender.close()

    total = asyncio.run(go())
    assert claimed == [40, 40]
    assert (total.sent, total.released) == (40, 40)
    assert len(smtp_server.message_ids) == 40
    counts = outbox.counts(db)
    assert (counts["sent"], counts["pending"], counts["sending"]) == (40, 60, 0)
    assert {r.attempts for r in outbox.listing(db, "pending", 100)} == {0}
