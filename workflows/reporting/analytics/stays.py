"""Stays: each visit of a region to a stage, from when it entered to when it left.

The engine's history holds a row for every start and transition (who, when, from which state
to which). Read in order per instance, each such row ends the stay in the state it leaves and
begins one in the state it enters; the last stay of an instance is still open (the region is
there now) unless a later cycle took over. A stage visited twice (mentor review after a
revision) is two stays. Stays in a final state (withdrawn, renewed) have no end and count for
the funnel only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine import HistoryRecord
from workflows.reporting.analytics.stats import days_between, utc


@dataclass(frozen=True)
class Stay:
    """One visit of a region's master plan (one cycle) to a state."""

    region: str
    instance_id: int
    cycle: int
    state: str
    entered_at: datetime
    left_at: datetime | None = None  # None: the region is there now
    left_by: str | None = None  # the trigger that ended the stay
    left_to: str | None = None  # the state it went to
    left_actor: str | None = None  # who fired it

    @property
    def completed(self) -> bool:
        return self.left_at is not None

    def days(self, now: datetime) -> float:
        """How long the stay lasted, or has lasted until ``now`` while it is open."""
        return days_between(self.entered_at, self.left_at or now)


def build(changes: Iterable[HistoryRecord]) -> list[Stay]:
    """The stays of the start and transition entries ``changes``, ordered by instance and
    sequence (as :meth:`engine.Records.state_changes` returns them)."""
    out: list[Stay] = []
    current: dict[int, int] = {}  # instance id -> index of its open stay in ``out``
    for entry in changes:
        if entry.kind != "start" and entry.from_state == entry.to_state:
            continue  # not a change of state
        at = utc(entry.at)
        opened = current.get(entry.instance_id)
        if opened is not None:
            stay = out[opened]
            out[opened] = Stay(stay.region, stay.instance_id, stay.cycle, stay.state,
                               stay.entered_at, at, entry.trigger, entry.to_state, entry.actor)
        current[entry.instance_id] = len(out)
        out.append(Stay(entry.subject, entry.instance_id, entry.cycle, entry.to_state, at))
    return out


def current_stays(stays: Iterable[Stay]) -> dict[str, Stay]:
    """Each region's stay now: the open stay of its newest cycle."""
    found: dict[str, Stay] = {}
    for stay in stays:
        held = found.get(stay.region)
        if held is None or stay.cycle > held.cycle or (
                stay.cycle == held.cycle and stay.entered_at >= held.entered_at):
            found[stay.region] = stay
    return {code: stay for code, stay in found.items() if not stay.completed}
