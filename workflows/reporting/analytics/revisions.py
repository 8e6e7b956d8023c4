"""Revision rounds per region: how many times its quick-win plan was rejected.

Every rejection sends the plan back for a revision round, so a region's rounds are the
rejections its master plan received; a plan approved at the first review had 0 rounds. A
region counts once it has had at least one review decision; a region renewed into a new cycle
is counted on its newest cycle that had one. ``approved`` says whether that cycle's plan has
been approved yet (a region with rounds and no approval is still revising, or escalated).
The distribution counts regions per number of rounds, from 0 to the most any region had.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from workflows.reporting.analytics.facts import Facts
from workflows.reporting.analytics.mentors import decision_of, decisions
from workflows.reporting.analytics.stays import Stay


@dataclass(frozen=True)
class RegionRounds:
    region: str
    name: str
    cycle: int
    rounds: int  # rejections
    approved: bool


def region_rounds(facts: Facts, done: list[Stay] | None = None) -> list[RegionRounds]:
    """Every region with a review decision, by code (over ``done``, the review decisions,
    when known)."""
    tally: dict[str, tuple[int, int, bool]] = {}  # region -> (cycle, rejections, approved)
    for stay in decisions(facts) if done is None else done:
        decision = decision_of(facts, stay)
        cycle, rejected, approved = tally.get(stay.region, (stay.cycle, 0, False))
        if stay.cycle > cycle:
            cycle, rejected, approved = stay.cycle, 0, False
        elif stay.cycle < cycle:
            continue
        tally[stay.region] = (cycle, rejected + (decision == "rejected"),
                              approved or decision == "approved")
    return [RegionRounds(code, facts.region_name(code), *tally[code]) for code in sorted(tally)]


def distribution(found: list[RegionRounds]) -> list[tuple[int, int]]:
    """(rounds, regions) from 0 to the highest number of rounds, none left out."""
    counted = Counter(r.rounds for r in found)
    return [(n, counted[n]) for n in range(max(counted, default=-1) + 1)]
