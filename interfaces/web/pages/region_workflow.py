"""``GET /regions/{code}/workflows/{key}``: one of a region's workflows other than the master
plan (the award round ...): its stage, what is owed, the viewer's actions as buttons, the
upload forms for what the viewer may submit now, the documents, the history and the diagram.
``POST .../advance`` and ``POST .../submit`` act on it as the region page does on the master
plan (same CSRF token, same one-transaction actions with ``key``).

Who may look is the region page's rule (:func:`interfaces.web.pages.region.
check_region_viewer`), and its helpers split the actions, draw the diagram and word the
upload notice; what it shows is :func:`workflows.reporting.instance_view.instance_view`.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

import interfaces.web.pages.confirm as confirm
from interfaces.web import uploading
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.pages.board import SYMBOLS
from interfaces.web.pages.region import (
    check_region_viewer,
    diagram,
    split_actions,
    uploaded_notice,
)
from interfaces.web.templating import render
from interfaces.web.uploading import UploadRefused
from workflows import instances
from workflows.directory.subjects import PROVINCE, kind_of
from workflows.master_plan import actions, uploads
from workflows.obligations import of_party
from workflows.programme import Programme
from workflows.reporting.instance_view import instance_view
from workflows.reporting.submittable import upload_slots

router = APIRouter()


def _base(code: str, key: str) -> str:
    """The page's address: under /provinces/ for a province's own workflow."""
    where = "provinces" if kind_of(code) == PROVINCE else "regions"
    return f"/{where}/{quote(code)}/workflows/{quote(key)}"


def _page(request: Request, viewer: Viewer, prog: Programme, code: str, key: str, *,
          status: int = 200, done: str | None = None, uploaded: str | None = None,
          refused: UploadRefused | None = None) -> HTMLResponse:
    with prog.db.read() as session:
        check_region_viewer(viewer, instances.subject_of(prog, session, key, code).code)
        view = instance_view(prog, session, code, key, viewer.actor)
        slots = ([] if view.final else
                 upload_slots(prog, session, view.instance, view.definition, viewer.actor,
                              view.owed, view.latest))
    allowed, blocked = split_actions(view, viewer)
    base = _base(view.region.code, key)
    return render(request, "region_workflow.html", viewer, status=status, view=view,
                  actions=allowed, blocked=blocked,
                  done=view.trigger_labels.get(done) if done else None,
                  uploaded=uploaded_notice(view, uploaded),
                  diagram=partial(diagram, view), symbols=SYMBOLS,
                  now=prog.engine.clock(), mine=of_party(view.owed, viewer.email),
                  slots=slots, refused=refused, base=base,
                  upload_action=f"{base}/submit", upload_region=view.region.code,
                  zone=view.region.zone, names=view.names,
                  upload_max_bytes=prog.settings.upload_max_bytes,
                  accept=",".join(sorted(uploads.ALLOWED)))


@router.get("/regions/{code}/workflows/{key}", response_class=HTMLResponse)
def workflow_page(request: Request, code: str, key: str, viewer: PageViewer, prog: Prog,
                  done: str | None = None, uploaded: str | None = None) -> HTMLResponse:
    """The page; ``?done=TRIGGER`` after an action, ``?uploaded=DELIVERABLE`` after an
    upload."""
    return _page(request, viewer, prog, code, key, done=done, uploaded=uploaded)


@router.post("/regions/{code}/workflows/{key}/submit")
async def submit_document(request: Request, code: str, key: str, viewer: PageViewer,
                          prog: Prog) -> Response:
    """A new version of a document of this workflow; back to the page with a notice, or
    the reason beside the form."""
    try:
        result = await uploading.submit(request, viewer, prog, code, key)
    except UploadRefused as refused:
        return await run_in_threadpool(_page, request, viewer, prog, code, key,
                                       status=refused.status, refused=refused)
    return RedirectResponse(f"{_base(result.region, key)}?uploaded="
                            f"{quote(result.deliverable)}#uploads", status_code=303)


@router.post("/regions/{code}/workflows/{key}/advance")
def advance(request: Request, code: str, key: str, viewer: PageViewer, prog: Prog,
            trigger: Annotated[str, Form(min_length=1, max_length=63)],
            expected_version: Annotated[int, Form(ge=1)],
            comment: Annotated[str, Form(max_length=10_000)] = "",
            csrf_token: Annotated[str, Form()] = "",
            confirmed: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Fire ``trigger`` on the region's instance of ``key`` as the viewer. What cannot be
    undone (an approval, a withdrawal, what ends the workflow) is confirmed first, as on the
    region page (:mod:`.confirm`): without ``confirmed=yes`` the answer is the "Yakin ...?"
    page and nothing is done."""
    check_csrf(viewer, csrf_token)
    if confirm.needed(trigger, confirmed, key):
        base = _base(code, key)
        step = confirm.step(request, viewer, prog, code=code, trigger=trigger,
                            action=f"{base}/advance", back=f"{base}#actions-h",
                            comment=comment, expected_version=expected_version,
                            fields={"trigger": trigger.strip()}, key=key)
        if step is not None:
            return step
    result = actions.advance(prog, code, trigger.strip(), acting(viewer),
                             comment=comment.strip() or None,
                             expected_version=expected_version, key=key)
    return RedirectResponse(f"{_base(result.instance.subject, key)}?done="
                            f"{quote(trigger.strip())}", status_code=303)
