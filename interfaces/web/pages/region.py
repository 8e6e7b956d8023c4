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
not a silent double step. The handler calls :func:`workflows.master_plan.actions.advance`,
which checks everything again (one transaction) and refuses with 403/409 itself. What the
page shows is :func:`workflows.reporting.region.region_view`.

Whoever may submit a document to the region now (a coordinator the decrees or the regulation,
an assessor the assessment result, a head of region the MoU) gets its upload form here:
:func:`workflows.reporting.submittable.upload_slots` asks the engine, and
``POST /regions/{code}/submit`` stores it (:mod:`interfaces.web.uploading`), after which the
existing action buttons advance the region. Every submitted file links to its download.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

import interfaces.web.pages.confirm as confirm
from config.messages import Message, text
from engine import PermissionDenied
from interfaces.web import cursors, diagram_svg, uploading
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf, role_named
from interfaces.web.map_svg import region_locator
from interfaces.web.pages.board import BOARD_ROLES, SYMBOLS
from interfaces.web.templating import render
from interfaces.web.uploading import UploadRefused
from workflows.directory.regions import find_region
from workflows.master_plan import actions, uploads
from workflows.obligations import of_party
from workflows.programme import Programme
from workflows.reporting.instance_view import InstanceView
from workflows.reporting.region import RegionView, region_view
from workflows.reporting.submittable import upload_slots

router = APIRouter()


# -- who may look --------------------------------------------------------------------------

def check_region_viewer(viewer: Viewer, code: str) -> None:
    """Programme-wide viewers see every region; region-bound ones only their own."""
    if viewer.sees(code):
        return
    regions = sorted(viewer.regions() or ())
    if not regions:
        raise PermissionDenied("web.region_page_unbound", who=viewer.email,
                               role=role_named(viewer), region=code)
    raise PermissionDenied(
        "web.region_page_other", who=viewer.email, role=role_named(viewer), regions=regions,
        region=code, advice=Message("web.open_your_regions",
                                    pages=[f"/regions/{c}" for c in regions]))


# -- what the page shows -------------------------------------------------------------------

@dataclass(frozen=True)
class ActionView:
    trigger: str
    label: str
    allowed: bool
    comment_required: bool
    danger: bool
    reasons: tuple[str, ...]


ShownInstance = RegionView | InstanceView
"""What a page shows of one workflow instance: the region page's master plan or another
workflow's page (:mod:`.region_workflow`), which share the helpers below."""


def split_actions(view: ShownInstance,
                  viewer: Viewer) -> tuple[list[ActionView], list[ActionView]]:
    """(the actions the viewer may take, as forms; those their role could take but a
    condition blocks, with the engine's reasons)."""
    if viewer.actor is None:  # an administrator account without a person: it cannot act
        return [], []
    d, state = view.definition, view.instance.state
    allowed, blocked = [], []
    for a in view.available:
        specs = d.transitions_for(a.trigger, state)
        action = ActionView(
            a.trigger, str(a.label), a.allowed,
            comment_required=any(s.comment == "required" for s in specs),
            danger=any(s.skip_requirements or (s.review is not None
                                               and s.review.decision == "rejected")
                       for s in specs),
            reasons=a.reasons)
        if a.allowed:
            allowed.append(action)
        elif any(viewer.actor.role in s.roles for s in specs):
            blocked.append(action)
    return allowed, blocked


def diagram(view: ShownInstance, t: Any) -> Markup:
    """The workflow picture in the page's language (called from the template with its t)."""
    return diagram_svg.svg(view.definition, view.instance.state, view.passed, view.taken,
                           texts=diagram_svg.translated(t), ident="wf")


# -- the endpoints ---------------------------------------------------------------------------

def uploaded_notice(view: ShownInstance, deliverable: str | None) -> str | None:
    """The notice after an upload, read from the region's submissions (never from the query
    string's own words)."""
    latest = [s for s in view.latest if s.deliverable == deliverable]
    if not deliverable or not latest:
        return None
    return text("uploads.done", what=view.definition.deliverable_label(deliverable),
                version=latest[-1].version, file=latest[-1].file_name)


@dataclass(frozen=True)
class Pager:
    """Where the history's and the submissions' "older" and "newest" links lead (None: no
    such link), each keeping the other list's position."""

    history_older: str | None
    history_newest: str | None
    submissions_older: str | None
    submissions_newest: str | None


def _pager(view: RegionView, history: str | None, sent: str | None) -> Pager:
    def url(h: str | None, s: str | None, anchor: str) -> str:
        query = urlencode({k: v for k, v in (("history", h), ("submissions", s)) if v})
        return f"/regions/{quote(view.region.code)}{'?' + query if query else ''}#{anchor}"

    older_h = cursors.encode(*view.history_next) if view.history_next else None
    older_s = cursors.encode(view.submissions_next) if view.submissions_next else None
    return Pager(
        url(older_h, sent, "history-h") if older_h else None,
        url(None, sent, "history-h") if history else None,
        url(history, older_s, "submissions-h") if older_s else None,
        url(history, None, "submissions-h") if sent else None)


def _page(request: Request, viewer: Viewer, prog: Programme, code: str, *,
          status: int = 200, done: str | None = None, uploaded: str | None = None,
          refused: UploadRefused | None = None, history: str | None = None,
          sent: str | None = None) -> HTMLResponse:
    """The page; after a refused upload, with the reason beside its form. ``history`` and
    ``sent`` are the cursors of the older pages of the history and the submissions."""
    history_after = cursors.optional(history, 2)
    sent_after = cursors.optional(sent, 1)
    with prog.db.read() as session:
        check_region_viewer(viewer, find_region(session, code).code)
        view = region_view(prog, session, code, viewer.actor,
                           history_after=(history_after[0], history_after[1])
                           if history_after else None,
                           submissions_after=sent_after[0] if sent_after else None)
        slots = upload_slots(prog, session, view.instance, view.definition, viewer.actor,
                             view.owed, view.latest)
    allowed, blocked = split_actions(view, viewer)
    done_label = view.trigger_labels.get(done) if done else None
    return render(request, "region.html", viewer, status=status, view=view, actions=allowed,
                  blocked=blocked, done=done_label, diagram=partial(diagram, view),
                  board=viewer.role in BOARD_ROLES, symbols=SYMBOLS,
                  locator=region_locator(view.region.code),
                  now=prog.engine.clock(), uploaded=uploaded_notice(view, uploaded),
                  mine=of_party(view.owed, viewer.email), slots=slots, refused=refused,
                  upload_action=f"/regions/{quote(view.region.code)}/submit",
                  upload_region=view.region.code, zone=view.region.zone, names=view.names,
                  upload_max_bytes=prog.settings.upload_max_bytes,
                  accept=",".join(sorted(uploads.ALLOWED)),
                  pager=_pager(view, history, sent))


Cursor = Annotated[str | None, Query(max_length=200)]


@router.get("/regions/{code}", response_class=HTMLResponse)
def region_page(request: Request, code: str, viewer: PageViewer, prog: Prog,
                done: str | None = None, uploaded: str | None = None,
                history: Cursor = None, submissions: Cursor = None) -> HTMLResponse:
    """The region's page; ``?done=TRIGGER`` shows the notice after an action,
    ``?uploaded=DELIVERABLE`` after an upload; ``?history=`` and ``?submissions=`` are the
    cursors of the older entries (the page shows the newest 50 of each)."""
    return _page(request, viewer, prog, code, done=done, uploaded=uploaded,
                 history=history, sent=submissions)


@router.post("/regions/{code}/submit")
async def submit_document(request: Request, code: str, viewer: PageViewer,
                          prog: Prog) -> Response:
    """A new version of a document the viewer may submit to the region now (multipart: see
    :mod:`interfaces.web.uploading`); back to the page with a notice, or the reason beside
    the form."""
    try:
        result = await uploading.submit(request, viewer, prog, code)
    except UploadRefused as refused:
        return await run_in_threadpool(_page, request, viewer, prog, code,
                                       status=refused.status, refused=refused)
    return RedirectResponse(f"/regions/{quote(result.region)}?uploaded="
                            f"{quote(result.deliverable)}#uploads", status_code=303)


@router.post("/regions/{code}/advance")
def advance(request: Request, code: str, viewer: PageViewer, prog: Prog,
            trigger: Annotated[str, Form(min_length=1, max_length=63)],
            expected_version: Annotated[int, Form(ge=1)],
            comment: Annotated[str, Form(max_length=10_000)] = "",
            csrf_token: Annotated[str, Form()] = "",
            confirmed: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Fire ``trigger`` as the viewer; back to the page with a notice, or the refusal.
    Approving, withdrawing and adopting are confirmed first (:mod:`.confirm`): without
    ``confirmed=yes`` the answer is the "Yakin ...?" page and nothing is done."""
    check_csrf(viewer, csrf_token)
    if confirm.needed(trigger, confirmed):
        step = confirm.step(request, viewer, prog, code=code, trigger=trigger,
                            action=f"/regions/{quote(code)}/advance",
                            back=f"/regions/{quote(code)}#actions-h", comment=comment,
                            expected_version=expected_version,
                            fields={"trigger": trigger.strip()})
        if step is not None:
            return step
    result = actions.advance(prog, code, trigger.strip(), acting(viewer),
                             comment=comment.strip() or None,
                             expected_version=expected_version)
    return RedirectResponse(
        f"/regions/{quote(result.instance.subject)}?done={quote(trigger.strip())}",
        status_code=303)
