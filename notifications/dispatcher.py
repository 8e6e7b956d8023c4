"""Delivering the outbox: claim due rows, send them concurrently, record each outcome.

One :meth:`Dispatcher.run_once` claims a batch under a lease (:func:`notifications.outbox.claim`),
sends every row through the :class:`~notifications.smtp.SmtpSender` (whose connection pool
bounds the concurrency), and acknowledges outcomes while the rest of the batch is still being
sent: each acknowledgement transaction takes every outcome that completed meanwhile, so the
database sees a few commits per batch, not one per message. :meth:`Dispatcher.run` (the
worker's loop) pipelines batches: the next one is claimed while the second half of the
current one is being sent.

* accepted by the server -> ``sent`` (only then: delivery is at-least-once);
* temporary failure -> ``pending`` again, due after an exponential backoff with jitter, or
  ``dead`` once ``max_attempts`` tries failed;
* permanent failure -> ``dead``, with the server's answer kept for ``smartcity outbox``.

A dispatcher killed mid-batch leaves its claimed rows ``sending``; once their lease expires
another (or the restarted) dispatcher takes them. Those accepted by the server but not yet
acknowledged are sent a second time, at most one batch of them, with the same Message-ID
(the row's), so a receiving system can recognise the repeat. Rows whose lease would run out
before they are sent are given back instead of sent, so a slow relay does not let two
workers send the same row. A batch claimed but not yet sent (the prefetched one, when the
dispatcher stops, fails or is cancelled) is given back untried too, with its attempt undone:
the claim runs in a thread that cancelling cannot stop, so it is waited for, and neither that
wait nor the release is cut short by a cancellation (it is raised once the rows are back).
Only a database that refuses the release leaves them ``sending`` until their lease ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from engine import Clock, Database, WorkflowError
from notifications import outbox
from notifications.outbox import Claimed, Dead, Retry
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

    def add(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead
        self.released += other.released
        self.errors.extend(other.errors)


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
        observe: Callable[[int, int], None] | None = None,
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
        # Told (accepted, failed attempts) at each acknowledgement: a monitor's counters.
        self.observe = observe
        # Give a row back rather than start sending it this close to the end of its lease.
        self.lease_margin = timedelta(seconds=min(10.0, lease / 4))

    async def run_once(self) -> DispatchReport:
        """Claim one batch of due rows, deliver them, and record every outcome."""
        report = DispatchReport()
        rows = await self._claim()
        if rows:
            await self._deliver_batch(rows, report)
        return report

    async def run(self, stop: asyncio.Event | None = None, idle: float = 1.0, *,
                  until_idle: bool = False) -> DispatchReport:
        """Dispatch until ``stop`` is set (or, ``until_idle``, until nothing is due).

        Batches are pipelined: once half of the current batch has been sent, the next one is
        claimed in a worker thread, so the connections never wait for the database between
        batches. Only one batch is ever being sent; the prefetched rows wait, leased, and go
        back untried if ``stop`` comes before they are sent (even while they are being
        claimed), or if this task is cancelled (a shutdown timeout): the cancellation is then
        raised once they are back. Sleeps ``idle`` seconds when nothing is due.
        """
        total = DispatchReport()
        stop = stop or asyncio.Event()
        prefetched: asyncio.Future[list[Claimed]] | None = None
        try:
            while not stop.is_set():
                report = DispatchReport()
                rows: list[Claimed] = []
                try:
                    if prefetched is None:
                        prefetched = asyncio.ensure_future(self._claim())
                    # Shielded: cancelled meanwhile, the claim still ends, and the finally
                    # below gives its rows back; as it does if stopped meanwhile.
                    rows = await asyncio.shield(prefetched)
                    if stop.is_set():
                        break
                    prefetched = None
                    if rows:
                        prefetched = await self._deliver_batch(
                            rows, report, prefetch=lambda: not stop.is_set())
                except WorkflowError as exc:  # the database is busy or away: try later
                    prefetched = None
                    if until_idle:
                        raise
                    log.warning("outbox dispatch failed, retrying in %.1f s: %s", idle, exc)
                    report.errors.append(str(exc))
                total.add(report)
                if rows or prefetched is not None:
                    continue
                if until_idle:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)
        finally:
            if prefetched is not None:  # stopping: give the waiting batch back untried
                total.released += await self._give_back(prefetched)
        return total

    async def _claim(self, exclude: list[int] | None = None) -> list[Claimed]:
        return await asyncio.to_thread(
            outbox.claim, self.db, self.worker_id, self.batch, self.lease, self.clock(),
            exclude or ())

    async def _deliver_batch(
        self, rows: list[Claimed], report: DispatchReport,
        prefetch: Callable[[], bool] | None = None,
    ) -> asyncio.Future[list[Claimed]] | None:
        """Send ``rows``, acknowledging outcomes as they come; maybe claim the next batch.

        Returns the next batch's claim (started once half of this batch was sent) when
        ``prefetch`` says so, else None. Every outcome is recorded before this returns, so
        at most one batch is ever sent but not yet acknowledged.
        """
        outcomes: list[_Outcome] = []
        flushing: asyncio.Future[None] | None = None
        following: asyncio.Future[list[Claimed]] | None = None
        to_release: list[int] = []
        tasks = [asyncio.ensure_future(self._deliver(row, to_release)) for row in rows]
        halfway = len(rows) // 2
        ack_every = max(1, len(rows) // 4)
        try:
            for done, next_done in enumerate(asyncio.as_completed(tasks), start=1):
                outcome = await next_done
                if outcome is not None:
                    outcomes.append(outcome)
                if following is None and prefetch is not None and done >= halfway \
                        and prefetch():
                    # Not this batch's rows, even if their lease ran out while sending.
                    following = asyncio.ensure_future(self._claim([r.id for r in rows]))
                if (flushing is None or flushing.done()) and len(outcomes) >= ack_every:
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
        except BaseException:
            for task in tasks:
                task.cancel()  # send no more of this batch while the next one goes back
            if following is not None:
                # Claimed or still being claimed: either way its rows go back untried now,
                # not at the end of their lease with an attempt counted.
                report.released += await self._give_back(following)
            raise
        finally:
            for task in tasks:
                task.cancel()
        return following

    async def _give_back(self, claim: asyncio.Future[list[Claimed]]) -> int:
        """Release the rows of ``claim`` (a batch not sent) untried; how many went back.

        A claim still running is waited for: it runs in a thread, which cancelling the future
        does not stop, so its rows would stay ``sending`` until their lease ends. The wait
        and the release are shielded; if the calling task is cancelled meanwhile, the
        cancellation is raised once the rows are back (a second one stops the wait, leaving
        them to their lease). A claim or release the database refuses is logged, not raised.
        """
        async def release() -> int:
            try:
                rows = await claim
            except WorkflowError as exc:  # nothing was claimed
                log.warning("the next outbox batch was not claimed: %s", exc)
                return 0
            try:
                return await asyncio.to_thread(
                    outbox.release, self.db, [r.id for r in rows], self.worker_id)
            except WorkflowError as exc:
                log.warning("could not give back %d outbox rows; they are taken again when "
                            "their lease ends: %s", len(rows), exc)
                return 0

        releasing = asyncio.ensure_future(release())
        try:
            return await asyncio.shield(releasing)
        except asyncio.CancelledError:
            if not releasing.done():
                await asyncio.shield(releasing)
            raise

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
        if self.observe is not None:
            self.observe(len(sent), len(retry) + len(dead))
