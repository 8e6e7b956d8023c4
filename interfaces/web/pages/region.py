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
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from engine import PermissionDenied
from interfaces.web import diagram_svg
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.pages.board import BOARD_ROLES, SYMBOLS
from interfaces.web.templating import render
from workflows.directory.regions import find_region
from workflows.master_plan import actions
from workflows.reporting.region import RegionView, region_view

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
class ActionView:
    trigger: str
    label: str
    allowed: bool
    comment_required: bool
    danger: bool
    reasons: tuple[str, ...]


def split_actions(view: RegionView, viewer: Viewer) -> tuple[list[ActionView], list[ActionView]]:
    """(the actions the viewer may take, as forms; those their role could take but a
    condition blocks, with the engine's reasons)."""
    if viewer.actor is None:  # an administrator account without a person: it cannot act
        return [], []
    d, state = view.definition, view.instance.state
    allowed, blocked = [], []
    for a in view.available:
        specs = d.transitions_for(a.trigger, state)
        action = ActionView(
            a.trigger, a.label, a.allowed,
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
        check_region_viewer(viewer, find_region(session, code).code)
        view = region_view(prog, session, code, viewer.actor)
    allowed, blocked = split_actions(view, viewer)
    done_label = view.trigger_labels.get(done) if done else None
    return render(request, "region.html", viewer, view=view, actions=allowed, blocked=blocked,
                  done=done_label, diagram=partial(_diagram, view),
                  board=viewer.role in BOARD_ROLES, symbols=SYMBOLS,
                  now=prog.engine.clock())


@router.post("/regions/{code}/advance")
def advance(code: str, viewer: PageViewer, prog: Prog,
            trigger: Annotated[str, Form(min_length=1, max_length=63)],
            expected_version: Annotated[int, Form(ge=1)],
            comment: Annotated[str, Form(max_length=10_000)] = "",
            csrf_token: Annotated[str, Form()] = "") -> Response:
    """Fire ``trigger`` as the viewer; back to the page with a notice, or the refusal."""
    check_csrf(viewer, csrf_token)
    result = actions.advance(prog, code, trigger.strip(), acting(viewer),
                             comment=comment.strip() or None,
                             expected_version=expected_version)
    return RedirectResponse(
        f"/regions/{quote(result.instance.subject)}?done={quote(trigger.strip())}",
        status_code=303)
