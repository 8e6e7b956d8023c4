"""Mentors' workload and how fast plans are reviewed.

A *review* is a stay in a stage that a review decision leaves (mentor review), ended by that
decision (approve or reject); its *turnaround* is the stay's length, from the plan being sent
for review (or resubmitted) to the decision, in days. A stay ended otherwise (a withdrawal) is
not a review. Per mentor:

- ``regions``: the cohort's regions (in the viewer's scope) assigned to the mentor now;
- ``done``: the review decisions the mentor took in those regions' master plans (and in any
  other region of the cohort the mentor reviewed before being moved);
- ``pending``: the mentor's assigned regions waiting in review now (a region with two mentors
  waits for both);
- ``turnaround``: median and p90 over the mentor's decisions.

The cohort's own turnaround is taken over every decision, whoever took it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from workflows.reporting.analytics.facts import Facts
from workflows.reporting.analytics.stats import Spread
from workflows.reporting.analytics.stays import Stay


@dataclass(frozen=True)
class MentorLoad:
    email: str
    name: str
    regions: int
    done: int
    pending: int
    turnaround: Spread


@dataclass(frozen=True)
class Reviews:
    mentors: list[MentorLoad]  # by email
    turnaround: Spread  # every decision in the cohort
    pending: int  # regions in review now


def decisions(facts: Facts) -> list[Stay]:
    """The review stays ended by a review decision, in the order they began."""
    out = []
    for stay in facts.stays:
        spec = facts.transition(stay.left_by, stay.state, stay.left_to)
        if stay.completed and spec is not None and spec.review is not None:
            out.append(stay)
    return out


def decision_of(facts: Facts, stay: Stay) -> str:
    """``approved`` or ``rejected``: what the decision ending ``stay`` recorded."""
    spec = facts.transition(stay.left_by, stay.state, stay.left_to)
    return spec.review.decision if spec is not None and spec.review is not None else ""


def reviews(facts: Facts, done: list[Stay] | None = None) -> Reviews:
    """Per mentor and for the cohort (over ``done``, the :func:`decisions`, when known)."""
    done = decisions(facts) if done is None else done
    waiting_in = facts.review_states()
    by_mentor: dict[str, list[float]] = defaultdict(list)
    for stay in done:
        by_mentor[stay.left_actor or ""].append(stay.days(facts.now))
    waiting = {code for code, stay in facts.current.items() if stay.state in waiting_in}
    names = {m.email: m for m in facts.mentors}
    out = []
    for email in sorted(set(names) | (set(by_mentor) - {""})):
        found = names.get(email)
        assigned = found.regions if found is not None else frozenset()
        out.append(MentorLoad(email, found.name if found is not None else email,
                              len(assigned), len(by_mentor[email]), len(assigned & waiting),
                              Spread.of(by_mentor[email])))
    return Reviews(out, Spread.of(s.days(facts.now) for s in done), len(waiting))
