"""Deadlines met on time or late, per stage.

A stage's deadline closes when the region leaves the stage (the engine closes it in the same
action), so a deadline is *met* when the region moves on. Each deadline of the cohort's master
plans has one outcome as of ``now``:

- ``on_time``: closed at or before its due time;
- ``late``: closed after its due time;
- ``overdue``: still open and past its due time (certainly late already);
- ``pending``: still open and not yet due (no outcome yet: left out of the rate);
- ``void``: closed by a transition that skips the stage's requirements (the region was
  withdrawn): the stage was abandoned, not met, early or late (left out of the rate).

The due time is the deadline's last one (after any extension or override): a region granted
an extension and done by the new date is on time. The on-time rate of a stage is
``on_time / (on_time + late + overdue)``; a stage without any such deadline has no rate
(None), never 0 %.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine import DeadlineRecord
from workflows.reporting.analytics.facts import Facts
from workflows.reporting.analytics.stats import rate, utc

ON_TIME, LATE, OVERDUE, PENDING, VOID = "on_time", "late", "overdue", "pending", "void"


def abandoning(facts: Facts) -> set[tuple[int, str, datetime]]:
    """(instance, state, moment) of every stay left by a transition that skips the stage's
    requirements (a withdrawal)."""
    out = set()
    for stay in facts.stays:
        if stay.left_at is None:
            continue
        spec = facts.transition(stay.left_by, stay.state, stay.left_to)
        if spec is not None and spec.skip_requirements:
            out.add((stay.instance_id, stay.state, stay.left_at))
    return out


def outcome(deadline: DeadlineRecord, now: datetime,
            abandoned: set[tuple[int, str, datetime]]) -> str:
    """The deadline's outcome as of ``now`` (see the module's rule); a deadline closed after
    ``now`` was still open then."""
    due = utc(deadline.due_at)
    closed = utc(deadline.closed_at) if deadline.closed_at is not None else None
    if closed is None or closed > now:
        return OVERDUE if due < now else PENDING
    if (deadline.instance_id, deadline.state, closed) in abandoned:
        return VOID
    return ON_TIME if closed <= due else LATE


def outcomes(facts: Facts, as_of: datetime | None = None
             ) -> list[tuple[DeadlineRecord, str]]:
    """Every deadline of the cohort with its outcome as of ``as_of`` (default: now)."""
    abandoned = abandoning(facts)
    return [(d, outcome(d, as_of or facts.now, abandoned)) for d in facts.deadlines]


@dataclass(frozen=True)
class StageRate:
    """A stage's deadlines by outcome, and its on-time rate (None: nothing decided yet)."""

    state: str
    label: str
    on_time: int
    late: int
    overdue: int
    pending: int

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        return rate(self.on_time, self.decided)


def rates(facts: Facts, found: Iterable[tuple[DeadlineRecord, str]] | None = None
          ) -> list[StageRate]:
    """Per stage with at least one deadline (in stage order), then the total (state ``""``),
    over ``found`` (every deadline of the cohort by default)."""
    counted: Counter[tuple[str, str]] = Counter()
    for deadline, result in outcomes(facts) if found is None else found:
        counted[(deadline.state, result)] += 1
    states = [s for s in facts.stages if any(counted[(s, r)] for r in
                                             (ON_TIME, LATE, OVERDUE, PENDING))]
    out = [StageRate(s, facts.label(s), counted[(s, ON_TIME)], counted[(s, LATE)],
                     counted[(s, OVERDUE)], counted[(s, PENDING)]) for s in states]
    if out:
        out.append(StageRate("", "", sum(r.on_time for r in out), sum(r.late for r in out),
                             sum(r.overdue for r in out), sum(r.pending for r in out)))
    return out
