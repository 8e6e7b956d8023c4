"""``GET /regions/{code}``: one region's stage on its workflow diagram, its history, deadlines,
submissions, review rounds, OPDs with what each still owes, and the actions the viewer may take;
``POST /regions/{code}/advance`` takes one of those actions.

Who may look: programme-wide roles (coordinators, assessors, administrators) see every region;
region-bound ones (OPD, mentor, head of region, a region's own coordinator) only their own
(:meth:`Viewer.regions`), anyone else gets 403 naming the regions they do act for.

Which actions appear is the engine's answer (:meth:`WorkflowEngine.available` for the viewer's
actor): allowed ones become forms; those the viewer's role could take but a condition blocks
are listed with the engine's reasons. The form carries the instance version it was drawn
from, so acting on a page someone else has overtaken is a 409 telling the viewer to reload,
not a silent double step. The handler calls :func:`workflows.actions.advance`, which checks
everything again (one transaction) and refuses with 403/409 itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session, col, select

from engine.definition import WorkflowDefinition
from engine.errors import PermissionDenied
from engine.models import Deadline, Submission
from engine.runtime import InstanceSnapshot
from interfaces.web import diagram_svg
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.pages.board import BOARD_ROLES, SYMBOLS, deadline_tone
from interfaces.web.templating import render
from workflows import actions, directory, reports
from workflows.models import Cohort, CohortMember, Opd, Person, Province, Region
from workflows.programme import Programme

router = APIRouter()


# -- who may look --------------------------------------------------------------------------

def check_region_viewer(viewer: Viewer, code: str) -> None:
    """Programme-wide viewers see every region; region-bound ones only their own."""
    if viewer.sees(code):
        return
    regions = viewer.regions() or frozenset()
    theirs = ", ".join(f"/regions/{c}" for c in sorted(regions))
    raise PermissionDenied(
        f"{viewer.email} ({viewer.role}) acts for "
        + (f"{', '.join(sorted(regions))}, not {code}: open {theirs}" if regions
           else f"no region yet, so cannot see {code}: ask a coordinator to assign one"))


# -- what the page shows -------------------------------------------------------------------

@dataclass(frozen=True)
class DeadlineRow:
    state: str
    stage: str
    due_at: datetime
    origin: str
    version: int
    closed_at: datetime | None
    tone: str | None  # for an open deadline: ok, soon or late (see board.deadline_tone)


@dataclass(frozen=True)
class ReviewRound:
    deliverable: str
    round: int
    decision: str
    comment: str | None
    reviewer: str
    decided_at: datetime
    version: int | None  # the version of the deliverable decided on


@dataclass(frozen=True)
class OpdItems:
    """An OPD and what it still has to submit in the current stage."""

    code: str
    name: str
    email: str
    open: tuple[str, ...]


@dataclass(frozen=True)
class ActionView:
    trigger: str
    label: str
    allowed: bool
    comment_required: bool
    danger: bool
    reasons: tuple[str, ...]


@dataclass
class RegionView:
    region: Region
    province: str
    cohort: str | None
    instance: InstanceSnapshot
    definition: WorkflowDefinition
    stage: str
    stage_number: int
    history: list[reports.HistoryRow]  # newest first
    cycles: int
    names: dict[str, str]  # email -> name of the people and OPDs in the history
    deadlines: list[DeadlineRow]
    current_deadline: DeadlineRow | None
    submissions: list[reports.SubmissionRow]
    reviews: list[ReviewRound]
    opds: list[OpdItems]
    requires: list[str]  # labels of what the current stage requires
    actions: list[ActionView]  # allowed, as forms
    blocked: list[ActionView]  # the viewer's role could, a condition blocks (with reasons)
    passed: frozenset[str]
    taken: frozenset[tuple[str, str]]
    trigger_labels: dict[str, str]
    deliverable_labels: dict[str, str]


def _names(session: Session, emails: set[str]) -> dict[str, str]:
    if not emails:
        return {}
    found: dict[str, str] = {}
    for model in (Person, Opd):
        found.update((email, name) for email, name in session.execute(
            select(col(model.email), col(model.name)).where(col(model.email).in_(emails))).all())
    return found


def _actions(prog: Programme, session: Session, viewer: Viewer, d: WorkflowDefinition,
             instance: InstanceSnapshot) -> tuple[list[ActionView], list[ActionView]]:
    if viewer.actor is None:  # an administrator account without a person: it cannot act
        return [], []
    allowed, blocked = [], []
    for a in prog.engine.available(session, instance.id, viewer.actor):
        specs = d.transitions_for(a.trigger, instance.state)
        view = ActionView(
            a.trigger, a.label, a.allowed,
            comment_required=any(s.comment == "required" for s in specs),
            danger=any(s.skip_requirements or (s.review is not None
                                               and s.review.decision == "rejected")
                       for s in specs),
            reasons=a.reasons)
        if a.allowed:
            allowed.append(view)
        elif any(viewer.actor.role in s.roles for s in specs):
            blocked.append(view)
    return allowed, blocked


def region_data(prog: Programme, session: Session, code: str, viewer: Viewer) -> RegionView:
    """Everything the region page shows, after checking the viewer may see the region."""
    region = directory.find_region(session, code)
    check_region_viewer(viewer, region.code)
    instance = prog.current_instance(session, region.code)
    d = prog.engine.definition(session, instance.definition_key,
                               instance.definition_version).definition
    province = session.get(Province, region.province_code)
    cohort = session.execute(
        select(col(Cohort.name)).join(CohortMember, col(CohortMember.cohort_id) == Cohort.id)
        .where(CohortMember.region_code == region.code)).scalar_one_or_none()
    _, history = reports.history(session, region.code)
    current_cycle = [h for h in history if h.cycle == instance.cycle]
    moves = [h for h in current_cycle if h.kind in ("start", "transition")]
    passed = frozenset({h.from_state for h in moves if h.from_state}
                       | {h.to_state for h in moves}) - {instance.state}
    taken = frozenset((h.from_state, h.to_state) for h in moves
                      if h.from_state and h.from_state != h.to_state)
    now = prog.engine.clock()
    deadlines = [
        DeadlineRow(x.state, d.state_label(x.state), x.due_at, x.origin, x.version, x.closed_at,
                    None if x.closed_at is not None else deadline_tone(x.due_at, now))
        for x in session.execute(select(Deadline).where(Deadline.instance_id == instance.id)
                                 .order_by(col(Deadline.id).desc())).scalars()]
    current_deadline = next((r for r in deadlines
                             if r.closed_at is None and r.state == instance.state), None)
    submissions = reports.submissions(prog, session, region.code)
    versions: dict[int, int] = {sid: v for sid, v in session.execute(
        select(col(Submission.id), col(Submission.version)).where(
            Submission.instance_id == instance.id)).all()}
    reviewed = list(dict.fromkeys(t.review.deliverable for t in d.transitions if t.review))
    reviews = [
        ReviewRound(d.deliverables[name].label, r.round, r.decision, r.comment, r.reviewer,
                    r.decided_at, versions.get(r.submission_id))
        for name in reviewed for r in prog.engine.reviews(session, instance.id, name)]
    submitted = {(s.deliverable, s.party) for s in submissions}
    opds = [OpdItems(o.code, o.name, o.email, tuple(
                d.deliverables[n].label for n in d.owed(instance.state, "opd", o.code, submitted)))
            for o in directory.opds(session, region.code)]
    allowed, blocked = _actions(prog, session, viewer, d, instance)
    trigger_labels: dict[str, str] = {}
    for t in d.transitions:
        trigger_labels.setdefault(t.trigger, t.label or t.trigger.replace("_", " "))
    spec = d.states.get(instance.state)
    return RegionView(
        region=region, province=province.name if province else region.province_code,
        cohort=cohort, instance=instance, definition=d, stage=d.state_label(instance.state),
        stage_number=list(d.states).index(instance.state) + 1,
        history=list(reversed(history)), cycles=len({h.cycle for h in history}),
        names=_names(session, {h.actor for h in history}
                     | {r.reviewer for r in reviews} | {s.submitted_by for s in submissions}),
        deadlines=deadlines, current_deadline=current_deadline, submissions=submissions,
        reviews=reviews, opds=opds,
        requires=[d.deliverables[r].label for r in (spec.requires if spec else [])],
        actions=allowed, blocked=blocked, passed=passed, taken=taken,
        trigger_labels=trigger_labels,
        deliverable_labels={k: v.label for k, v in d.deliverables.items()})


def _diagram(view: RegionView, t: Any) -> Markup:
    """The workflow picture in the page's language (called from the template with its t)."""
    return diagram_svg.svg(view.definition, view.instance.state, view.passed, view.taken,
                           texts=diagram_svg.translated(t), ident="wf")


# -- the endpoints ---------------------------------------------------------------------------

@router.get("/regions/{code}", response_class=HTMLResponse)
def region_page(request: Request, code: str, viewer: PageViewer, prog: Prog,
                done: str | None = None) -> HTMLResponse:
    """The region's page; ``?done=TRIGGER`` shows the notice after an action."""
    with prog.db.read() as session:
        view = region_data(prog, session, code, viewer)
    done_label = view.trigger_labels.get(done) if done else None
    return render(request, "region.html", viewer, view=view, done=done_label,
                  diagram=partial(_diagram, view), board=viewer.role in BOARD_ROLES,
                  symbols=SYMBOLS)


@router.post("/regions/{code}/advance")
def advance(code: str, viewer: PageViewer, prog: Prog,
            trigger: Annotated[str, Form(min_length=1, max_length=63)],
            expected_version: Annotated[int, Form(ge=1)],
            comment: Annotated[str, Form(max_length=10_000)] = "",
            csrf_token: Annotated[str, Form()] = "") -> Response:
    """Fire ``trigger`` as the viewer; back to the page with a notice, or the refusal."""
    check_csrf(viewer, csrf_token)
    acting(viewer)
    result = actions.advance(prog, code, trigger.strip(), viewer.email,
                             comment=comment.strip() or None,
                             expected_version=expected_version)
    return RedirectResponse(
        f"/regions/{quote(result.instance.subject)}?done={quote(trigger.strip())}",
        status_code=303)
