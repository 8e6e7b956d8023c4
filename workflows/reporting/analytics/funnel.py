"""The cohort funnel over time: at the end of each month, how many regions had reached each
stage.

A region has *reached* a stage by a moment when it had entered that stage at least once
before it, in any cycle (it may have left it since, or been withdrawn later): so the count of a
stage never falls from one month to the next, and along the happy path each stage counts no
more regions than the one before it. Optional stages (revision, review escalated) and the
final ones (withdrawn, renewed) are counted the same way. Months are national (WIB,
:mod:`.months`), from the month of the cohort's first recorded action to the current month;
the current month counts up to now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from workflows.reporting.analytics.facts import Facts
from workflows.reporting.analytics.months import Month, month_of, months_between


@dataclass(frozen=True)
class FunnelMonth:
    month: Month
    reached: dict[str, int]  # state -> regions that had entered it by the month's end


@dataclass(frozen=True)
class Funnel:
    stages: list[tuple[str, str]]  # (state, label) in the definition's order
    months: list[FunnelMonth]  # oldest first

    @property
    def latest(self) -> FunnelMonth | None:
        return self.months[-1] if self.months else None

    def at(self, month: Month) -> FunnelMonth | None:
        return next((m for m in self.months if m.month == month), None)


def first_entries(facts: Facts) -> dict[tuple[str, str], datetime]:
    """(region, state) -> when the region first entered the state."""
    first: dict[tuple[str, str], datetime] = {}
    for stay in facts.stays:
        key = (stay.region, stay.state)
        if key not in first or stay.entered_at < first[key]:
            first[key] = stay.entered_at
    return first


def funnel(facts: Facts) -> Funnel:
    """The funnel of every month from the cohort's first action to the current month."""
    stages = [(s, facts.label(s)) for s in facts.stages]
    first = first_entries(facts)
    if not first:
        return Funnel(stages, [])
    entered_in: dict[Month, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_, state), at in first.items():
        entered_in[month_of(at)][state] += 1
    running: dict[str, int] = dict.fromkeys((s for s, _ in stages), 0)
    months = []
    for month in months_between(min(entered_in), max(max(entered_in), month_of(facts.now))):
        for state, count in entered_in.get(month, {}).items():
            running[state] += count
        months.append(FunnelMonth(month, dict(running)))
    return Funnel(stages, months)
