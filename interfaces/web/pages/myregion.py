""""Daerah saya": the head of region's page, where they land after signing in.

A head of region (bupati, wali kota) owes the programme a few things of their own: the signed
MoU and its signing, the commitment sheet in Bimtek IV, the presentation and its holding. The
page answers, in the region's zone with WIB alongside: which stage the region is in, what the
head still owes in it and by when (the one obligation rule of the reminders,
:mod:`workflows.obligations`, so the page never says there is nothing to do while the region
waits for the head), and whom the stage waits for otherwise. It offers the upload forms for
the documents the engine would accept from the head now
(:mod:`workflows.reporting.submittable`), the actions the engine allows the head now (sign the
MoU, the presentation held), an extension request for the open deadline the head owes
something by, and every file the region has submitted, to download.

The forms post here and come back here; the engine checks every action and submission again,
so a stale page is refused with the reason, never acted on blindly.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from config.messages import text
from engine import Actor, PermissionDenied, WorkflowError
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.problems import form_date
from interfaces.web.templating import render
from interfaces.web.uploading import UploadRefused, submit
from workflows import roles
from workflows.deadlines import extensions
from workflows.directory.actors import names
from workflows.directory.regions import find_region
from workflows.master_plan import actions, uploads
from workflows.obligations import Obligations, of_party
from workflows.programme import Programme
from workflows.reporting.deadlines import open_deadlines
from workflows.reporting.submissions import submissions
from workflows.reporting.submittable import upload_slots

router = APIRouter()

PATH = "/my-region"


def head_of_region(viewer: Viewer) -> tuple[Actor, str]:
    """The head's actor and region; anyone else is told where their own work is."""
    actor = acting(viewer)
    if actor.role != roles.HEAD_OF_REGION or not actor.subjects:
        raise PermissionDenied(text("myregion.only_heads", email=viewer.email,
                                    role=text(f"role.{viewer.role}")))
    return actor, sorted(actor.subjects)[0]


def overview(prog: Programme, session: Session, viewer: Viewer) -> dict[str, Any]:
    """Everything the page shows, read in one session."""
    actor, code = head_of_region(viewer)
    region = find_region(session, code)
    instance = prog.current_instance(session, code)
    d = prog.definition_of(session, instance)
    owed = Obligations(prog, session).master_plan([code])
    mine = of_party(owed, actor.identity)
    # The head's actions only: a coordinator's withdrawal is not theirs to weigh.
    theirs = [a for a in prog.engine.available(session, instance.id, actor)
              if any(actor.role in t.roles for t in d.transitions_for(a.trigger,
                                                                       instance.state))]
    sent = submissions(prog, session, code)
    deadlines = open_deadlines(prog, session, region=code)
    current = next((r for r in deadlines if r.state == instance.state), None)
    pending = next((q for q in (current.extensions if current else ())
                    if q.status == extensions.PENDING), None)
    spec = d.states.get(instance.state)
    now = prog.engine.clock()
    return {
        "actor": actor,
        "region": region,
        "zone": region.zone,
        "instance": instance,
        "stage": d.state_label(instance.state),
        "stage_description": spec.description if spec else None,
        "owed": mine,
        "waiting_for": [] if mine else owed,
        "allowed": [a for a in theirs if a.allowed],
        "blocked": [a for a in theirs if not a.allowed],
        "slots": upload_slots(prog, session, instance, d, actor, owed, sent),
        "files": sent[::-1],
        "labels": {name: d.deliverable_label(name) for name in d.deliverables},
        "names": names(session, {s.submitted_by for s in sent}),
        "current_deadline": current,
        # Only a head who owes something in the stage may ask to move its deadline.
        "may_extend": current is not None and any(o.deadline is not None for o in mine),
        "pending_request": pending,
        "now": now,
        "today": now.astimezone(ZoneInfo(region.tz)).date(),
        "soon_days": max(prog.settings.reminder_days, default=7),
        "upload_max_bytes": prog.settings.upload_max_bytes,
        "accept": ",".join(sorted(uploads.ALLOWED)),
    }


def _page(request: Request, viewer: Viewer, prog: Programme, *, status: int = 200,
          notice: str | None = None, error: str | None = None,
          refused: UploadRefused | None = None, form: dict[str, str] | None = None
          ) -> Response:
    with prog.db.read() as session:
        context = overview(prog, session, viewer)
    return render(request, "myregion.html", viewer, status=status, notice=notice, error=error,
                  refused=refused, form=form or {}, upload_action=f"{PATH}/submit",
                  upload_region=context["region"].code, **context)


def _notice(prog: Programme, code: str, done: str | None, uploaded: str | None) -> str | None:
    """What the last action did, read from the database (never the query string's words)."""
    with prog.db.read() as session:
        instance = prog.current_instance(session, code)
        d = prog.definition_of(session, instance)
        stage = d.state_label(instance.state)
        if uploaded and uploaded in d.deliverables:
            latest = [s for s in submissions(prog, session, code) if s.deliverable == uploaded]
            if latest:
                return text("uploads.done", what=d.deliverable_label(uploaded),
                            version=latest[-1].version, file=latest[-1].file_name)
        if done == "extension":
            return text("myregion.extension_sent")
        if done:
            fired = next((t for t in d.transitions if t.trigger == done), None)
            if fired is not None:
                return text("myregion.done", action=d.transition_label(fired), stage=stage)
    return None


@router.get(PATH)
def my_region(request: Request, viewer: PageViewer, prog: Prog, done: str | None = None,
              uploaded: str | None = None) -> Response:
    """The page; ``done`` (an action) or ``uploaded`` (a deliverable) announce the last step."""
    _, code = head_of_region(viewer)
    return _page(request, viewer, prog, notice=_notice(prog, code, done, uploaded))


@router.post(f"{PATH}/submit")
async def upload(request: Request, viewer: PageViewer, prog: Prog) -> Response:
    """A new version of a document the head submits (multipart; see
    :mod:`interfaces.web.uploading`)."""
    _, code = head_of_region(viewer)
    try:
        result = await submit(request, viewer, prog, code)
    except UploadRefused as refused:
        return await run_in_threadpool(_page, request, viewer, prog, status=refused.status,
                                       refused=refused)
    return RedirectResponse(f"{PATH}?uploaded={quote(result.deliverable)}#uploads",
                            status_code=303)


@router.post(f"{PATH}/advance")
def advance(
    request: Request, viewer: PageViewer, prog: Prog,
    trigger: Annotated[str, Form(max_length=63)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    comment: Annotated[str, Form(max_length=10_000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Fire one of the head's actions (sign the MoU, the presentation held)."""
    check_csrf(viewer, csrf_token)
    actor, code = head_of_region(viewer)
    try:
        actions.advance(prog, code, trigger.strip(), actor, comment=comment.strip() or None,
                        expected_version=expected_version)
    except WorkflowError as exc:
        return _page(request, viewer, prog, status=exc.status_code, error=str(exc),
                     form={"comment": comment})
    return RedirectResponse(f"{PATH}?done={quote(trigger.strip())}", status_code=303)


@router.post(f"{PATH}/extension")
def extension(
    request: Request, viewer: PageViewer, prog: Prog,
    until: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Ask a coordinator to move the open deadline to ``until`` (23:59 in the region's zone)."""
    check_csrf(viewer, csrf_token)
    actor, code = head_of_region(viewer)
    try:
        extensions.request_extension(prog, code, form_date(until, "myregion.not_a_date"),
                                     reason, actor=actor)
    except WorkflowError as exc:
        return _page(request, viewer, prog, status=exc.status_code, error=str(exc),
                     form={"until": until, "reason": reason})
    return RedirectResponse(f"{PATH}?done=extension", status_code=303)
