"""What an operator's monitor reads: the programme's readings and this process's own metrics.

Two kinds, on purpose:

* **What must be true across processes** is read from the database when a monitor scrapes
  (:func:`readings`): the outbox per status, how long its oldest due message has waited, and
  actions per trigger. Several ``serve`` and ``worker`` processes, and one-off commands
  (``smartcity workflow fire``, ``worker --once``), all act on one database; a counter kept in
  one process would miss the others' work and start again at zero on every restart. Actions
  are the engine's history rows counted by trigger, not a counter kept in memory: the history
  is append-only, so the count only grows (a true Prometheus counter) and every process
  reports the same number. Three statements whatever the size of the data (two on the
  outbox's status index, one grouping the history).
* **What happens in this process** lives in the process: how long each reminder sweep took
  (:data:`SWEEP_SECONDS`, on the clock's leader), emails this process's dispatcher had
  accepted or failed (:data:`EMAIL_SENDS`, :data:`EMAIL_FAILURES`: the outbox keeps each
  message's outcome, not every attempt, and ``smartcity outbox retry`` resets a message's
  attempts), and whether this process holds the clock's leadership (:data:`LEADER`).

The process metrics are module-level, registered in no registry: each web application
registers them in its own (:mod:`interfaces.web.metrics`), so several applications in one
process (the tests) never collide over a global registry.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from prometheus_client import Counter, Gauge, Histogram

from engine import Records
from notifications.backlog import Backlog, backlog
from workflows.programme import Programme

#: A sweep takes milliseconds on a quiet day and seconds when a cohort's deadlines fall due.
SWEEP_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

SWEEP_SECONDS = Histogram(
    "smartcity_reminder_sweep_duration_seconds",
    "Time one sweep of due reminders took in this process (runs on the clock's leader).",
    buckets=SWEEP_BUCKETS, registry=None)
EMAIL_SENDS = Counter(
    "smartcity_email_sends",
    "Emails this process's dispatcher delivered (the relay accepted them).", registry=None)
EMAIL_FAILURES = Counter(
    "smartcity_email_send_failures",
    "Send attempts of this process's dispatcher that failed (retried later, or dead).",
    registry=None)
LEADER = Gauge(
    "smartcity_scheduler_leader",
    "1 while this process holds the clock's leadership (runs the sweeps), else 0.",
    registry=None)

#: The clocks running in this process: each one's "leading" flag (set while it leads).
_clocks: set[threading.Event] = set()
_clocks_lock = threading.Lock()


def leading() -> bool:
    """Whether a clock of this process holds the leadership now."""
    with _clocks_lock:
        return any(flag.is_set() for flag in _clocks)


LEADER.set_function(lambda: 1.0 if leading() else 0.0)


def watch_clock(flag: threading.Event) -> None:
    """Count ``flag`` (a :class:`engine.Scheduler`'s ``leading``) in :data:`LEADER`."""
    with _clocks_lock:
        _clocks.add(flag)


def unwatch_clock(flag: threading.Event) -> None:
    with _clocks_lock:
        _clocks.discard(flag)


def count_deliveries(accepted: int, failed: int) -> None:
    """The dispatcher's ``observe``: one acknowledgement's outcomes into the counters."""
    if accepted:
        EMAIL_SENDS.inc(accepted)
    if failed:
        EMAIL_FAILURES.inc(failed)


#: The process metrics, for a registry to register.
PROCESS_METRICS = (SWEEP_SECONDS, EMAIL_SENDS, EMAIL_FAILURES, LEADER)


@dataclass(frozen=True)
class Readings:
    """The database's side of the metrics, read at one moment."""

    outbox: Backlog
    oldest_pending_age: float  # seconds the oldest due pending email has waited
    actions: dict[str, int]  # actions ever taken, per trigger


def readings(prog: Programme) -> Readings:
    """Read the outbox and the actions in one read session (three statements)."""
    now = prog.engine.clock()
    with prog.db.read() as session:
        held = backlog(session, now)
        actions = Records(session).actions_by_trigger()
    return Readings(held, held.waited(now), actions)
