"""The mentor's review queue: the quick-win plans waiting for my decision, oldest first.

A region is in my queue when I am assigned to it and its current state is one a transition
with a ``review`` leaves for my role (``mentor_review`` in the master plan): the definition
says which states are reviews, so a renamed or added review stage needs no change here. Each
entry shows what I decide on (the latest version of the reviewed deliverable, its checksum and
its quick wins), the round it will be, and every earlier round with its comment, so a mentor
sees whether the region did what the last round asked.

Approving and rejecting go through :func:`workflows.actions.review`; the engine decides who
may and enforces the comment a rejection needs. When it refuses, the queue is shown again
with its reason next to the region and the mentor's comment kept, instead of a bare error
page that would lose what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from engine.definition import WorkflowDefinition
from engine.errors import PermissionDenied, SmartCityError
from engine.models import Submission, WorkflowInstance
from engine.permissions import Actor
from engine.runtime import AvailableAction
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.templating import render
from workflows import actions
from workflows.deadlines import open_deadline
from workflows.models import QuickWin, Region
from workflows.programme import MASTER_PLAN, Programme

router = APIRouter()

DECISIONS = ("approve", "reject")


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


def _latest_instances(session: Session, codes: list[str]) -> list[int]:
    """The current (newest cycle) master-plan instance of each region."""
    rows = session.execute(
        select(WorkflowInstance.id, WorkflowInstance.subject)
        .where(WorkflowInstance.definition_key == MASTER_PLAN,
               col(WorkflowInstance.subject).in_(codes))
        .order_by(col(WorkflowInstance.cycle))
    ).all()
    return list({subject: iid for iid, subject in rows}.values())


def _plan(prog: Programme, session: Session, instance_id: int,
          deliverable: str) -> PlanView | None:
    latest = prog.engine.latest_submission(session, instance_id, deliverable)
    if latest is None:
        return None
    wins = session.execute(
        select(QuickWin).where(QuickWin.submission_id == latest.id).order_by(col(QuickWin.id))
    ).scalars().all()
    labels = {d.code: d for d in prog.dimensions.dimensions}

    def tag(dimension: str, element: str) -> tuple[str, str]:
        dim = labels.get(dimension)
        if dim is None:
            return dimension, element
        el = next((e.label for e in dim.elements if e.code == element), element)
        return dim.label, el

    return PlanView(
        latest.version, latest.file_name, latest.size_bytes, latest.sha256,
        latest.submitted_by, latest.submitted_at, latest.note,
        [QuickWinView(w.title, *tag(w.dimension, w.element), w.opd_code, w.description)
         for w in wins], latest.id)


def waiting(prog: Programme, session: Session, viewer: Viewer) -> list[QueueItem]:
    """The reviews waiting for ``viewer``, oldest first (by when the region entered review)."""
    actor = acting(viewer)
    if actor.role != "mentor":
        raise PermissionDenied(
            f"the review queue is for mentors; {viewer.email} signs in as "
            f"{viewer.role}: open the start page (/) for your own work")
    codes = sorted(viewer.regions() or ())
    items = []
    for instance_id in _latest_instances(session, codes):
        instance = prog.engine.get_instance(session, instance_id)
        d = prog.engine.definition(session, instance.definition_key,
                                   instance.definition_version).definition
        deliverable = _reviewed_deliverable(d, instance.state, actor)
        if deliverable is None:
            continue
        region = session.get(Region, instance.subject)
        versions = {sid: number for sid, number in session.execute(
            select(Submission.id, Submission.version)
            .where(Submission.instance_id == instance.id,
                   Submission.deliverable == deliverable)).all()}
        previous = [RoundView(r.round, r.decision, r.comment, r.reviewer, r.decided_at,
                              versions.get(r.submission_id))
                    for r in prog.engine.reviews(session, instance.id, deliverable)]
        review_triggers = {t.trigger for t in d.transitions
                           if instance.state in t.sources and t.review is not None}
        deadline = open_deadline(session, instance.id, instance.state)
        items.append(QueueItem(
            code=instance.subject,
            name=region.name if region else instance.subject,
            tz=region.tz if region else "Asia/Jakarta",
            stage=d.state_label(instance.state),
            version=instance.version,
            entered_at=instance.entered_at,
            due_at=deadline.due_at if deadline else None,
            deliverable=deliverable,
            deliverable_label=d.deliverables[deliverable].label,
            plan=_plan(prog, session, instance.id, deliverable),
            round=len(previous) + 1,
            previous=previous,
            actions=[a for a in prog.engine.available(session, instance.id, actor)
                     if a.trigger in review_triggers],
        ))
    return sorted(items, key=lambda i: (i.entered_at, i.code))


@dataclass(frozen=True)
class Notice:
    """What the last decision did: shown once after the redirect back to the queue."""

    decision: str
    region: str
    stage: str  # the stage the region is in now


def _page(request: Request, viewer: Viewer, prog: Programme, *, status: int = 200,
          notice: Notice | None = None, error: str | None = None,
          error_region: str | None = None, comment: str = "") -> Response:
    with prog.db.read() as session:
        items = waiting(prog, session, viewer)
    return render(request, "queue.html", viewer, status=status, items=items, notice=notice,
                  error=error, error_region=error_region, comment=comment)


@router.get("/queue")
def queue(request: Request, viewer: PageViewer, prog: Prog, done: str | None = None,
          region: str | None = None) -> Response:
    """The queue; after a decision, a notice naming the region and the stage it is in now.

    The notice is built from the database, not from the query string, so a crafted link
    cannot make the page announce something that did not happen.
    """
    notice = None
    if done in DECISIONS and region and region in (viewer.regions() or ()):
        with prog.db.read() as session:
            found = session.get(Region, region)
            if found is not None:
                instance = prog.current_instance(session, found.code)
                d = prog.engine.definition(session, instance.definition_key,
                                           instance.definition_version).definition
                notice = Notice(done, found.name, d.state_label(instance.state))
    return _page(request, viewer, prog, notice=notice)


@router.post("/queue/{code}/review")
def review(
    request: Request, code: str, viewer: PageViewer, prog: Prog,
    decision: Annotated[str, Form(max_length=16)] = "",
    comment: Annotated[str, Form(max_length=20000)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Approve or reject the plan under review; back to the queue with a notice."""
    check_csrf(viewer, csrf_token)
    try:
        result = actions.review(prog, code, decision, viewer.email,
                                comment=comment.strip() or None,
                                expected_version=expected_version)
    except SmartCityError as exc:
        if viewer.role != "mentor":  # nothing of the queue to show again
            raise
        return _page(request, viewer, prog, status=exc.status_code, error=str(exc),
                     error_region=code, comment=comment)
    return RedirectResponse(f"/queue?done={decision}&region={result.instance.subject}",
                            status_code=303)
