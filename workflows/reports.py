"""Read-only views: a cohort's progress by stage, a region's timeline and submissions.

Times come back as aware UTC datetimes together with the region's zone, so every interface
shows them in the region's own zone, labelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlmodel import Session, col

from engine.errors import NotFoundError
from engine.models import Deadline, HistoryEntry, ReviewDecision, Submission, WorkflowInstance
from workflows.directory import find_cohort, find_region
from workflows.models import CohortMember, Province, Region
from workflows.programme import MASTER_PLAN, Programme


@dataclass(frozen=True)
class StatusRow:
    code: str
    name: str
    province: str
    zone: str
    tz: str
    state: str
    stage: str
    stage_index: int
    cycle: int
    entered_at: datetime
    due_at: datetime | None
    version: int


def status(prog: Programme, session: Session, cohort_ref: str) -> list[StatusRow]:
    """Every region of a cohort with its stage, ordered by stage then region."""
    cohort = find_cohort(session, cohort_ref)
    rows = session.execute(
        select(col(Region.code), col(Region.name), col(Province.name), col(Region.zone),
               col(Region.tz), col(WorkflowInstance.state), col(WorkflowInstance.cycle),
               col(WorkflowInstance.entered_at), col(WorkflowInstance.version),
               col(WorkflowInstance.definition_version), col(Deadline.due_at))
        .join(CohortMember, col(CohortMember.region_code) == Region.code)
        .join(Province, col(Province.code) == Region.province_code)
        .join(WorkflowInstance, and_(col(WorkflowInstance.subject) == Region.code,
                                     col(WorkflowInstance.definition_key) == MASTER_PLAN))
        .outerjoin(Deadline, and_(col(Deadline.instance_id) == WorkflowInstance.id,
                                  col(Deadline.state) == WorkflowInstance.state,
                                  col(Deadline.closed_at).is_(None)))
        .where(col(CohortMember.cohort_id) == cohort.id)
        .order_by(col(WorkflowInstance.cycle))
    ).all()
    # A renewed region has several cycles; rows come oldest first, so the newest one stays.
    latest = {row[0]: tuple(row) for row in rows}
    out = []
    for (code, name, province, zone, tz, state, cycle, entered, version, dver,
         due) in latest.values():
        d = prog.engine.definition(session, MASTER_PLAN, dver).definition
        order = list(d.states)
        out.append(StatusRow(code, name, province, zone, tz, state, d.state_label(state),
                             order.index(state), cycle, entered, due, version))
    return sorted(out, key=lambda r: (r.stage_index, r.code))


@dataclass(frozen=True)
class HistoryRow:
    cycle: int
    seq: int
    at: datetime
    actor: str
    role: str
    kind: str
    trigger: str
    from_state: str | None
    to_state: str
    comment: str | None
    detail: str | None


def history(session: Session, region_ref: str) -> tuple[Region, list[HistoryRow]]:
    """The region's timeline over all its cycles, oldest first."""
    region = find_region(session, region_ref)
    rows = session.execute(
        select(col(WorkflowInstance.cycle), col(HistoryEntry.seq), col(HistoryEntry.at),
               col(HistoryEntry.actor), col(HistoryEntry.role), col(HistoryEntry.kind),
               col(HistoryEntry.trigger), col(HistoryEntry.from_state),
               col(HistoryEntry.to_state), col(HistoryEntry.comment), col(HistoryEntry.detail))
        .join(WorkflowInstance, col(WorkflowInstance.id) == HistoryEntry.instance_id)
        .where(col(WorkflowInstance.subject) == region.code)
        .order_by(col(WorkflowInstance.cycle), col(HistoryEntry.seq))
    ).all()
    if not rows:
        raise NotFoundError(f"{region.code} {region.name} has not joined the programme; "
                            "add it to a cohort first")
    return region, [HistoryRow(*r) for r in rows]


@dataclass(frozen=True)
class SubmissionRow:
    deliverable: str
    party: str
    version: int
    file_name: str
    sha256: str
    submitted_by: str
    submitted_at: datetime
    reviews: tuple[tuple[int, str, str | None], ...]
    id: int = 0  # the submission's id: the web pages link to its file


def submissions(prog: Programme, session: Session, region_code: str) -> list[SubmissionRow]:
    """The current cycle's submissions with the review rounds decided on each version."""
    instance = prog.current_instance(session, region_code)
    decisions: dict[int, list[tuple[int, str, str | None]]] = {}
    for sub_id, rnd, decision, comment in session.execute(
        select(col(ReviewDecision.submission_id), col(ReviewDecision.round),
               col(ReviewDecision.decision), col(ReviewDecision.comment))
        .where(col(ReviewDecision.instance_id) == instance.id)
        .order_by(col(ReviewDecision.round))
    ).all():
        decisions.setdefault(sub_id, []).append((rnd, decision, comment))
    rows = session.execute(select(Submission).where(col(Submission.instance_id) == instance.id)
                           .order_by(col(Submission.id))).scalars().all()
    return [SubmissionRow(s.deliverable, s.party, s.version, s.file_name, s.sha256,
                          s.submitted_by, s.submitted_at, tuple(decisions.get(s.id or 0, [])),
                          s.id or 0)
            for s in rows]
