"""The printable monthly report of a cohort for the ministry: what moved in one month.

For a national month (WIB, :mod:`.months`), counted as of the month's end (or now, for the
current month). Movements, the funnel and reviews are history and never change; a deadline
is read with its due date as it stands today, so one moved afterwards (an extension granted,
a date overridden) is counted against its new date, as the on-time rates count it:

- *movements*: every change of stage in the month (a region joining the programme, or leaving
  one stage for another), and per stage how many regions entered and left it;
- *funnel*: how many regions had reached each stage by the month's end (:mod:`.funnel`);
- *on-time rates*: the deadlines that fell due in the month, by outcome as of the month's end
  (:mod:`.punctuality`: a deadline due on the 20th and met on the 25th is late; one still
  open at the end is overdue, even if met later);
- *late parties*: the regions and OPDs late on those deadlines (:mod:`.lateness`);
- *reviews*: the review decisions taken in the month, their round (the how-manieth decision
  on the region's plan in that cycle), the mentor and the turnaround (:mod:`.mentors`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from workflows.programme import Programme
from workflows.reporting.analytics import facts, lateness, punctuality
from workflows.reporting.analytics.funnel import FunnelMonth, funnel
from workflows.reporting.analytics.lateness import LateOpd, LateRegion
from workflows.reporting.analytics.mentors import decision_of, decisions
from workflows.reporting.analytics.months import Month
from workflows.reporting.analytics.punctuality import StageRate
from workflows.reporting.analytics.stats import Spread


@dataclass(frozen=True)
class Movement:
    at: datetime
    region: str
    name: str
    tz: str
    from_label: str | None  # None: the region joined the programme (its first stage)
    to_label: str
    actor: str | None


@dataclass(frozen=True)
class StageMoves:
    state: str
    label: str
    entered: int
    left: int


@dataclass(frozen=True)
class ReviewDone:
    at: datetime
    region: str
    name: str
    tz: str
    round: int
    decision: str  # approved or rejected
    reviewer: str
    days: float  # from sent for review to the decision


@dataclass(frozen=True)
class MonthlyReport:
    cohort: str
    month: Month
    as_of: datetime  # the month's end, or now for the current month
    regions: int
    movements: list[Movement]
    moves: list[StageMoves]  # stages with any movement, in stage order
    funnel: FunnelMonth | None
    on_time: list[StageRate]
    late_regions: list[LateRegion]
    late_opds: list[LateOpd]
    reviews: list[ReviewDone]
    turnaround: Spread

    @property
    def decisions(self) -> dict[str, int]:
        counted = Counter(r.decision for r in self.reviews)
        return {"approved": counted["approved"], "rejected": counted["rejected"]}


def monthly_report(prog: Programme, session: Session, cohort_ref: str, month: Month,
                   scope: frozenset[str] | None = None) -> MonthlyReport:
    """The report of ``month`` for the cohort (its regions in ``scope``)."""
    found = facts.load(prog, session, cohort_ref, scope)
    as_of = min(month.end, found.now)
    movements, entered, left = [], Counter[str](), Counter[str]()
    started: set[int] = set()
    for stay in found.stays:  # in instance and sequence order
        region = found.regions[stay.region]
        first = stay.instance_id not in started
        started.add(stay.instance_id)
        if month.holds(stay.entered_at):
            entered[stay.state] += 1
            if first:  # a cycle began: the region joined, or renewed into a new cycle
                movements.append(Movement(stay.entered_at, stay.region, region.name, region.tz,
                                          None, found.label(stay.state), None))
        if stay.left_at is not None and month.holds(stay.left_at):
            left[stay.state] += 1
            movements.append(Movement(stay.left_at, stay.region, region.name, region.tz,
                                      found.label(stay.state), found.label(stay.left_to or ""),
                                      stay.left_actor))
    moves = [StageMoves(s, found.label(s), entered[s], left[s]) for s in found.stages
             if entered[s] or left[s]]
    due = [(d, r) for d, r in punctuality.outcomes(found, as_of) if month.holds(d.due_at)]
    return MonthlyReport(
        found.cohort, month, as_of, len(found.regions),
        sorted(movements, key=lambda m: (m.at, m.region)), moves, funnel(found).at(month),
        punctuality.rates(found, due), lateness.late_regions(found, due),
        lateness.late_opds(found, due, as_of), *_reviews(found, month))


def _reviews(found: facts.Facts, month: Month) -> tuple[list[ReviewDone], Spread]:
    rounds: Counter[int] = Counter()
    out = []
    ordered = sorted(decisions(found), key=lambda s: (s.instance_id, s.entered_at))
    for stay in ordered:
        rounds[stay.instance_id] += 1
        if stay.left_at is None or not month.holds(stay.left_at):
            continue
        region = found.regions[stay.region]
        out.append(ReviewDone(stay.left_at, stay.region, region.name, region.tz,
                              rounds[stay.instance_id], decision_of(found, stay),
                              stay.left_actor or "", stay.days(found.now)))
    out.sort(key=lambda r: (r.at, r.region))
    return out, Spread.of(r.days for r in out)
