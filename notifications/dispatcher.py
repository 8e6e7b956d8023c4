"""Delivering the outbox: claim due rows, send them concurrently, record each outcome.

One :meth:`Dispatcher.run_once` claims a batch under a lease (:func:`engine.outbox.claim`),
sends every row through the :class:`~notifications.smtp.SmtpSender` (whose connection pool
bounds the concurrency), and acknowledges outcomes while the rest of the batch is still being
sent: each acknowledgement transaction takes every outcome that completed meanwhile, so the
database sees a few commits per batch, not one per message.

* accepted by the server -> ``sent`` (only then: delivery is at-least-once);
* temporary failure -> ``pending`` again, due after an exponential backoff with jitter, or
  ``dead`` once ``max_attempts`` tries failed;
* permanent failure -> ``dead``, with the server's answer kept for ``smartcity outbox``.

A dispatcher killed mid-batch leaves its claimed rows ``sending``; once their lease expires
another (or the restarted) dispatcher takes them. Those accepted by the server but not yet
acknowledged are sent a second time, at most one batch of them, with the same Message-ID
(the row's), so a receiving system can recognise the repeat. Rows whose lease would run out
before they are sent are given back instead of sent, so a slow relay does not let two
workers send the same row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta

from engine import outbox
from engine.database import Database
from engine.errors import SmartCityError
from engine.outbox import Claimed, Dead, Retry
from engine.runtime import Clock
from notifications.smtp import (
    SendFailure,
    SmtpSender,
    TemporaryFailure,
    classify,
)

log = logging.getLogger(__name__)

@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0
    errors: list[str] = field(default_factory=list, repr=False)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.dead + self.released


@dataclass(frozen=True)
class _Outcome:
    row: Claimed
    failure: SendFailure | None


class Dispatcher:
    """Delivers due outbox rows as ``worker_id``; several may run, each with its own id."""

    def __init__(
        self,
        db: Database,
        sender: SmtpSender,
        worker_id: str,
        clock: Clock,
        batch: int = 200,
        lease: float = 120,
        *,
        max_attempts: int = 8,
        rng: random.Random | None = None,
    ) -> None:
        if batch < 1 or lease <= 0:
            raise ValueError("batch must be >= 1 and lease > 0")
        self.db = db
        self.sender = sender
        self.worker_id = worker_id
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.rng = rng or random.Random()
        # Give a row back rather than start sending it this close to the end of its lease.
        self.lease_margin = timedelta(seconds=min(10.0, lease / 4))

    async def run_once(self) -> DispatchReport:
        """Claim one batch of due rows, deliver them, and record every outcome."""
        report = DispatchReport()
        rows = await asyncio.to_thread(
            outbox.claim, self.db, self.worker_id, self.batch, self.lease, self.clock())
        if not rows:
            return report
        outcomes: list[_Outcome] = []
        flushing: asyncio.Task[None] | None = None
        to_release: list[int] = []
        tasks = [asyncio.ensure_future(self._deliver(row, to_release)) for row in rows]
        try:
            for next_done in asyncio.as_completed(tasks):
                outcome = await next_done
                if outcome is not None:
                    outcomes.append(outcome)
                if flushing is None or flushing.done():
                    if flushing is not None:
                        await flushing  # surface a failed acknowledgement
                    flushing = asyncio.ensure_future(self._ack(outcomes, report))
                    outcomes = []
            if flushing is not None:
                await flushing
            if outcomes:
                await self._ack(outcomes, report)
            if to_release:
                report.released += await asyncio.to_thread(
                    outbox.release, self.db, to_release, self.worker_id)
        finally:
            for task in tasks:
                task.cancel()
        return report

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> DispatchReport:
        """Dispatch until ``stop`` is set; sleeps ``idle`` seconds when nothing is due."""
        total = DispatchReport()
        while not stop.is_set():
            try:
                report = await self.run_once()
            except SmartCityError as exc:  # the database is busy or away: try again later
                log.warning("outbox dispatch failed, retrying in %.1f s: %s", idle, exc)
                report = DispatchReport(errors=[str(exc)])
            total.sent += report.sent
            total.retried += report.retried
            total.dead += report.dead
            total.released += report.released
            if report.handled < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)
        return total

    async def _deliver(self, row: Claimed, to_release: list[int]) -> _Outcome | None:
        if self.clock() >= row.lease_until - self.lease_margin:
            to_release.append(row.id)  # too late to start: another worker may take it soon
            return None
        try:
            await self.sender.send(row.raw, row.recipient)  # checks the address itself
        except SendFailure as failure:
            return _Outcome(row, failure)
        except Exception as exc:  # noqa: BLE001 - a bad row must not stop the batch
            return _Outcome(row, classify(exc))
        return _Outcome(row, None)

    async def _ack(self, outcomes: list[_Outcome], report: DispatchReport) -> None:
        if not outcomes:
            return
        now = self.clock()
        sent: list[int] = []
        retry: list[Retry] = []
        dead: list[Dead] = []
        for o in outcomes:
            if o.failure is None:
                sent.append(o.row.id)
            elif isinstance(o.failure, TemporaryFailure) and o.row.attempts < self.max_attempts:
                due = now + outbox.backoff(o.row.attempts, self.rng)
                retry.append(Retry(o.row.id, str(o.failure), due))
            elif isinstance(o.failure, TemporaryFailure):
                dead.append(Dead(o.row.id, f"gave up after {o.row.attempts} attempts: "
                                           f"{o.failure}"))
            else:
                dead.append(Dead(o.row.id, str(o.failure)))
        await asyncio.to_thread(
            outbox.ack, self.db, self.worker_id, now, sent=sent, retry=retry, dead=dead)
        report.sent += len(sent)
        report.retried += len(retry)
        report.dead += len(dead)
