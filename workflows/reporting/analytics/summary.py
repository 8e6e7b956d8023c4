"""Every figure of a cohort's analytics page at once, from one :func:`~.facts.load`.

:func:`analytics` is what ``/analytics`` and its CSV downloads read: the facts with a fixed
number of queries (see :mod:`.facts`), then each figure computed by its own module. Labels
(stage names, dimensions) come out in the current language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlmodel import Session

from config.messages import text
from workflows.programme import Programme
from workflows.reporting.analytics import facts, lateness, punctuality, revisions
from workflows.reporting.analytics.evaluation_trend import Trend, trend
from workflows.reporting.analytics.funnel import Funnel, funnel
from workflows.reporting.analytics.lateness import LateOpd, LateRegion
from workflows.reporting.analytics.mentors import Reviews, decisions, reviews
from workflows.reporting.analytics.punctuality import StageRate
from workflows.reporting.analytics.revisions import RegionRounds
from workflows.reporting.analytics.stage_times import (
    RegionStageTime,
    StageTime,
    region_stage_times,
    stage_times,
)


@dataclass
class Analytics:
    cohort: str
    now: datetime
    regions: int  # the cohort's regions in the viewer's scope
    names: list[tuple[str, str]]  # (code, name) of those regions, by code
    stages: list[StageTime]
    funnel: Funnel
    on_time: list[StageRate]
    late_regions: list[LateRegion]
    late_opds: list[LateOpd]
    reviews: Reviews
    rounds: list[RegionRounds]
    trend: Trend
    source: facts.Facts = field(repr=False)  # what the figures were computed from

    @property
    def distribution(self) -> list[tuple[int, int]]:
        return revisions.distribution(self.rounds)

    @cached_property
    def region_stages(self) -> list[RegionStageTime]:
        """Every region in every stage it has been in (computed when first asked: the page
        shows one region's, the CSV all of them)."""
        return region_stage_times(self.source)


def analytics(prog: Programme, session: Session, cohort_ref: str,
              scope: frozenset[str] | None = None) -> Analytics:
    """The analytics of cohort ``cohort_ref`` (name or year), limited to ``scope``."""
    found = facts.load(prog, session, cohort_ref, scope)
    decided = punctuality.outcomes(found)
    done = decisions(found)
    return Analytics(
        found.cohort, found.now, len(found.regions),
        [(r.code, r.name) for r in found.regions.values()],
        stage_times(found), funnel(found),
        punctuality.rates(found, decided), lateness.late_regions(found, decided),
        lateness.late_opds(found, decided), reviews(found, done),
        revisions.region_rounds(found, done),
        trend(prog, found, text("analytics.overall_index")), found)
