"""The mentor's review queue: the plans waiting for a decision in the mentor's regions.

A region is in the queue when the mentor is assigned to it and its current state is one a
transition with a ``review`` leaves for the mentor's role (``mentor_review`` in the master
plan): the definition says which states are reviews, so a renamed or added review stage
needs no change here. Each entry shows what is decided on (the latest version of the reviewed
deliverable, its checksum and its quick wins), the round it will be, and every earlier round
with its comment, so a mentor sees whether the region did what the last round asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from engine import Actor, AvailableAction, Records, WorkflowDefinition
from workflows.directory.models import Region
from workflows.master_plan import MASTER_PLAN
from workflows.master_plan.quick_wins import of_submission
from workflows.programme import Programme


@dataclass(frozen=True)
class QuickWinView:
    title: str
    dimension: str
    element: str
    opd: str | None
    description: str | None


@dataclass(frozen=True)
class PlanView:
    """The version under review: what was uploaded, by whom, and the quick wins it lists."""

    version: int
    file_name: str
    size_bytes: int
    sha256: str
    submitted_by: str
    submitted_at: datetime
    note: str | None
    quick_wins: list[QuickWinView]
    submission_id: int = 0


@dataclass(frozen=True)
class RoundView:
    round: int
    decision: str
    comment: str | None
    reviewer: str
    decided_at: datetime
    plan_version: int | None


@dataclass(frozen=True)
class QueueItem:
    code: str
    name: str
    tz: str
    stage: str
    version: int  # the instance version the decision is made on (optimistic lock)
    entered_at: datetime
    due_at: datetime | None
    deliverable: str
    deliverable_label: str
    plan: PlanView | None
    round: int
    previous: list[RoundView]
    actions: list[AvailableAction]  # the review triggers, with whether I may fire them


def _reviewed_deliverable(d: WorkflowDefinition, state: str, actor: Actor) -> str | None:
    """The deliverable ``actor``'s role reviews in ``state``, if the state is a review."""
    for t in d.transitions:
        if state in t.sources and t.review is not None and actor.role in t.roles:
            return t.review.deliverable
    return None


def _plan(prog: Programme, session: Session, instance_id: int,
          deliverable: str) -> PlanView | None:
    latest = Records(session).latest_submission(instance_id, deliverable)
    if latest is None:
        return None
    wins = of_submission(session, latest.id)
    # The edition's labels in the reader's language (the codes of a plan tagged in another).
    tag = prog.dimensions.labels
    return PlanView(
        latest.version, latest.file_name, latest.size_bytes, latest.sha256,
        latest.submitted_by, latest.submitted_at, latest.note,
        [QuickWinView(w.title, *tag(w.dimension, w.element), w.opd_code, w.description)
         for w in wins], latest.id)


def waiting(prog: Programme, session: Session, actor: Actor) -> list[QueueItem]:
    """The reviews waiting for ``actor`` in the regions it acts for, oldest first (by when
    the region entered review)."""
    records = Records(session)
    items = []
    current = records.current_instances(MASTER_PLAN, sorted(actor.subjects or ()))
    for instance in current.values():
        d = prog.definition_of(session, instance)
        deliverable = _reviewed_deliverable(d, instance.state, actor)
        if deliverable is None:
            continue
        region = session.get(Region, instance.subject)
        versions = {s.id: s.version for s in records.submissions(instance.id)
                    if s.deliverable == deliverable}
        previous = [RoundView(r.round, r.decision, r.comment, r.reviewer, r.decided_at,
                              versions.get(r.submission_id))
                    for r in records.reviews(instance.id, deliverable)]
        review_triggers = {t.trigger for t in d.transitions
                           if instance.state in t.sources and t.review is not None}
        deadline = records.open_deadline(instance.id, instance.state)
        items.append(QueueItem(
            code=instance.subject,
            name=region.name if region else instance.subject,
            tz=region.tz if region else "Asia/Jakarta",
            stage=d.state_label(instance.state),
            version=instance.version,
            entered_at=instance.entered_at,
            due_at=deadline.due_at if deadline else None,
            deliverable=deliverable,
            deliverable_label=d.deliverable_label(deliverable),
            plan=_plan(prog, session, instance.id, deliverable),
            round=len(previous) + 1,
            previous=previous,
            actions=[a for a in prog.engine.available(session, instance.id, actor)
                     if a.trigger in review_triggers],
        ))
    return sorted(items, key=lambda i: (i.entered_at, i.code))
