"""The mentor's review queue: the quick-win plans waiting for my decision, oldest first.

What is waiting is :func:`workflows.reporting.reviews.waiting` (read from the definition: the
states a ``review`` transition leaves for the mentor's role). Approving and rejecting go
through :func:`workflows.master_plan.actions.review`; the engine decides who may and enforces
the comment a rejection needs. When it refuses, the queue is shown again with its reason next
to the region and the mentor's comment kept, instead of a bare error page that would lose
what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

import interfaces.web.pages.confirm as confirm
from engine import Actor, PermissionDenied, WorkflowError
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf, role_named
from interfaces.web.templating import render
from workflows import roles
from workflows.directory.models import Region
from workflows.master_plan import actions
from workflows.programme import Programme
from workflows.reporting.reviews import waiting

router = APIRouter()

DECISIONS = ("approve", "reject")


def mentor(viewer: Viewer) -> Actor:
    """The mentor the queue is for; anyone else is told where their own work is."""
    actor = acting(viewer)
    if actor.role != roles.MENTOR:
        raise PermissionDenied("web.queue_for_mentors", who=viewer.email,
                               role=role_named(viewer))
    return actor


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
        items = waiting(prog, session, mentor(viewer))
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
                d = prog.definition_of(session, instance)
                notice = Notice(done, found.name, d.state_label(instance.state))
    return _page(request, viewer, prog, notice=notice)


@router.post("/queue/{code}/review")
def review(
    request: Request, code: str, viewer: PageViewer, prog: Prog,
    decision: Annotated[str, Form(max_length=16)] = "",
    comment: Annotated[str, Form(max_length=20000)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    csrf_token: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Approve or reject the plan under review; back to the queue with a notice. An approval
    is confirmed first (:mod:`interfaces.web.pages.confirm`): without ``confirmed=yes`` the
    answer is the "Yakin ...?" page and nothing is decided."""
    check_csrf(viewer, csrf_token)
    if confirm.needed(decision, confirmed):
        step = confirm.step(request, viewer, prog, code=code, trigger=decision,
                            action=f"/queue/{quote(code)}/review",
                            back=f"/queue#region-{quote(code)}", comment=comment,
                            expected_version=expected_version,
                            fields={"decision": decision.strip()})
        if step is not None:
            return step
    try:
        result = actions.review(prog, code, decision, viewer.actor or viewer.email,
                                comment=comment.strip() or None,
                                expected_version=expected_version)
    except WorkflowError as exc:
        if viewer.role != roles.MENTOR:  # nothing of the queue to show again
            raise
        return _page(request, viewer, prog, status=exc.status_code, error=str(exc),
                     error_region=code, comment=comment)
    return RedirectResponse(f"/queue?done={decision}&region={result.instance.subject}",
                            status_code=303)
