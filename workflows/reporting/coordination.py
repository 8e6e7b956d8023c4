"""What coordinators decide on: the cohorts they see, a cohort's dates, and the extension
requests waiting for a decision.

A scoped coordinator (a region's Diskominfo secretariat) sees the cohorts and requests of its
own regions only; ``regions=None`` means programme-wide.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from config.messages import Message
from engine import DeadlineRecord, Records
from workflows.deadlines.extensions import PENDING
from workflows.deadlines.models import CohortDeadline, ExtensionRequest
from workflows.directory.cohorts import CREATE_HINT, cohorts, cohorts_of, find_cohort
from workflows.directory.models import Cohort, Region
from workflows.programme import Programme
from workflows.zones import zone_of


def visible_cohorts(session: Session, regions: frozenset[str] | None
                    ) -> list[tuple[Cohort, int]]:
    """The cohorts with their sizes; a scoped viewer sees the cohorts of its regions."""
    every = cohorts(session)
    if regions is None:
        return every
    mine = cohorts_of(session, sorted(regions))
    return [(c, n) for c, n in every if c.id in mine]


def choose_cohort(session: Session, regions: frozenset[str] | None, ref: str | None,
                  hint: Message | str = CREATE_HINT) -> Cohort | None:
    """The cohort asked for, else the newest one the viewer sees (None if there is none)."""
    if ref:
        return find_cohort(session, ref, hint)
    shown = visible_cohorts(session, regions)
    return shown[-1][0] if shown else None


def cohort_dates(session: Session, cohort_id: int) -> list[CohortDeadline]:
    """A cohort's dates per stage, soonest first."""
    return list(session.execute(
        select(CohortDeadline).where(CohortDeadline.cohort_id == cohort_id)
        .order_by(col(CohortDeadline.due_at))).scalars())


@dataclass(frozen=True)
class ExtensionAbout:
    """An extension request with the region and the stage of the deadline it is about."""

    request: ExtensionRequest
    region: str
    region_name: str
    tz: str
    stage: str

    @property
    def zone(self) -> str:
        return zone_of(self.tz)


@dataclass(frozen=True)
class PendingExtension(ExtensionAbout):
    """An extension request waiting for a decision, with the deadline it would move."""

    due_at: datetime


def requests_about(prog: Programme, session: Session, requests: Iterable[ExtensionRequest],
                   deadlines: Mapping[int, DeadlineRecord]
                   ) -> Iterator[tuple[ExtensionAbout, DeadlineRecord]]:
    """Each request with its region and stage, and its deadline (among ``deadlines``, by
    id); a request whose deadline or region is not found is left out. One query for the
    regions."""
    requests = list(requests)
    codes = sorted({deadlines[r.deadline_id].subject for r in requests
                    if r.deadline_id in deadlines})
    names = {r.code: r for r in session.execute(
        select(Region).where(col(Region.code).in_(codes))).scalars()} if codes else {}
    for request in requests:
        deadline = deadlines.get(request.deadline_id)
        region = names.get(deadline.subject) if deadline is not None else None
        if deadline is None or region is None:
            continue
        d = prog.engine.workflow(session, deadline.definition_key, deadline.definition_version)
        yield (ExtensionAbout(request, region.code, region.name, region.tz,
                              d.state_label(deadline.state)), deadline)


def pending_extensions(prog: Programme, session: Session, regions: frozenset[str] | None
                       ) -> list[PendingExtension]:
    """Pending requests on open deadlines, oldest first (a fixed number of queries).

    The open deadlines in scope come first and the requests are looked up by their ids, so
    the work grows with what is open now, not with every request ever made.
    """
    found = {d.id: d for d in Records(session).open_deadlines(
        subjects=sorted(regions) if regions is not None else None)}
    if not found:
        return []
    requests = list(session.execute(
        select(ExtensionRequest).where(ExtensionRequest.status == PENDING,
                                       col(ExtensionRequest.deadline_id).in_(sorted(found)))
        .order_by(col(ExtensionRequest.created_at), col(ExtensionRequest.id))).scalars())
    return [PendingExtension(a.request, a.region, a.region_name, a.tz, a.stage, deadline.due_at)
            for a, deadline in requests_about(prog, session, requests, found)]
