"""Time in each stage: per cohort and per region, the median and the 90th percentile in days.

As Camunda Optimize reports the duration of a flow node, the statistics are taken over
*completed* stays only (a visit the region has left), each visit one value: a region that went
through mentor review three times gives three durations. A stay still open would pull the
figures towards whatever day the report is read, so open stays are not in the median or p90;
instead each stage says how many regions are in it now and how long the longest of them has
been there ("where regions stall"). Final states (withdrawn, renewed) are left out: nobody
leaves them. Percentiles are :func:`~workflows.reporting.analytics.stats.percentile`'s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from workflows.reporting.analytics.facts import Facts
from workflows.reporting.analytics.stats import Spread


@dataclass(frozen=True)
class StageTime:
    """A stage across the cohort: its completed stays' spread, and who is in it now."""

    state: str
    label: str
    completed: Spread  # over completed stays, in days
    now_in: int  # regions in the stage now
    longest_now: float | None  # days the longest of them has been there (None: none there)


@dataclass(frozen=True)
class RegionStageTime:
    """One region in one stage it has visited: its completed visits and its stay now."""

    region: str
    name: str
    state: str
    label: str
    completed: Spread  # over the region's completed visits, in days
    total: float  # days over the completed visits together
    current: float | None  # days in the stage so far, when the region is in it now


def stage_times(facts: Facts) -> list[StageTime]:
    """Every non-final stage in the definition's order (stages nobody reached included)."""
    done: dict[str, list[float]] = defaultdict(list)
    for stay in facts.stays:
        if stay.completed:
            done[stay.state].append(stay.days(facts.now))
    now_in: dict[str, list[float]] = defaultdict(list)
    for stay in facts.current.values():
        now_in[stay.state].append(stay.days(facts.now))
    return [StageTime(state, facts.label(state), Spread.of(done[state]), len(now_in[state]),
                      max(now_in[state]) if now_in[state] else None)
            for state in facts.stages if not facts.is_final(state)]


def region_stage_times(facts: Facts) -> list[RegionStageTime]:
    """Every region (by code) in every non-final stage it has been in (in stage order)."""
    done: dict[tuple[str, str], list[float]] = defaultdict(list)
    visited: set[tuple[str, str]] = set()
    for stay in facts.stays:
        visited.add((stay.region, stay.state))
        if stay.completed:
            done[(stay.region, stay.state)].append(stay.days(facts.now))
    out = []
    labels = {s: facts.label(s) for s in facts.stages if not facts.is_final(s)}
    for code in sorted(facts.regions):
        current = facts.current.get(code)
        name = facts.region_name(code)
        for state, label in labels.items():
            if (code, state) not in visited:
                continue
            values = done[(code, state)]
            here = current.days(facts.now) if current and current.state == state else None
            out.append(RegionStageTime(code, name, state, label, Spread.of(values),
                                       sum(values), here))
    return out
