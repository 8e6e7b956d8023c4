"""The OPD's page: my region's stage, my deadlines, what I still owe, and the forms to act.

An OPD (a regional agency) comes here from its reminder email. The page answers, in the
region's own zone with WIB alongside (national dates are announced in WIB): which stage the
region is in, which of the open deadlines are this OPD's (it owes something by them) and which
of those are overdue or close, what this OPD still has to do now, whom the stage waits for
when not this OPD, and what the mentor asked when the plan was rejected. It offers the
quick-win form while a plan may be submitted (:mod:`interfaces.web.pages.quick_win_form`,
posted to :mod:`interfaces.web.pages.quick_wins`), the upload form, the workflow actions
the engine allows this OPD now (send for review, resubmit), an extension request for the open
deadline, and a calendar feed of the deadlines.

"What I still have to submit" is :mod:`workflows.reporting.agency`'s: the same rule as the
reminders'.

Uploads are refused early when too big: from the declared length before the body is parsed,
and from the parsed part's size before its bytes are read into memory. Everything else about
the file (type, emptiness, size again, checksum, the name never used as a path) is checked by
:func:`workflows.master_plan.actions.submit_data` and the storage layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

import interfaces.web.pages.quick_win_form as quick_win_form
from config.messages import Message, text
from engine import (
    Actor,
    AvailableAction,
    InstanceSnapshot,
    InvalidInputError,
    NotAuthenticated,
    PermissionDenied,
    Records,
    WorkflowDefinition,
    WorkflowError,
)
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf
from interfaces.web.pages.quick_win_form import QuickWinForm
from interfaces.web.problems import form_date
from interfaces.web.templating import filesize, render
from workflows import roles
from workflows.access import links
from workflows.access.accounts import active_account
from workflows.deadlines import extensions, feeds
from workflows.directory.regions import find_region
from workflows.master_plan import QUICK_WIN_PLAN, actions, uploads
from workflows.master_plan.quick_wins import QuickWinRow
from workflows.obligations import Obligations, of_party
from workflows.programme import Programme
from workflows.reporting.agency import last_rejection, open_items, stage_duties
from workflows.reporting.deadlines import open_deadlines
from workflows.reporting.submissions import submissions

router = APIRouter()

CSV_MAX_BYTES = 1024 * 1024  # a quick-win list is a few kilobytes; this is generous
FORM_ROOM = 64 * 1024  # the other fields and the multipart framing
NOTE_MAX = 5000


@dataclass(frozen=True)
class Notice:
    kind: str  # "submit", "advance" or "extension"
    values: dict[str, Any]


def _my_region(viewer: Viewer) -> tuple[Actor, str]:
    """The OPD's actor and its region; anyone else is refused with where to go instead."""
    actor = acting(viewer)
    if actor.role != roles.OPD or not actor.subjects:
        raise PermissionDenied("opd.only_opds", email=viewer.email,
                               role=Message(f"role.{viewer.role}"))
    return actor, sorted(actor.subjects)[0]


def _actions(prog: Programme, session: Session, instance: InstanceSnapshot,
             d: WorkflowDefinition, actor: Actor) -> tuple[list[AvailableAction],
                                                           list[AvailableAction]]:
    """(actions I may fire now, actions my role fires here but whose conditions are unmet).

    Actions of other roles (a coordinator's withdrawal) are not listed: they are not the
    OPD's to do, and their refusals would only be noise.
    """
    mine = [a for a in prog.engine.available(session, instance.id, actor)
            if any(actor.role in t.roles for t in d.transitions_for(a.trigger, instance.state))]
    return [a for a in mine if a.allowed], [a for a in mine if not a.allowed]


def overview(prog: Programme, session: Session, viewer: Viewer) -> dict[str, Any]:
    """Everything the OPD page shows, read in one session."""
    actor, code = _my_region(viewer)
    region = find_region(session, code)
    instance = prog.current_instance(session, code)
    d = prog.definition_of(session, instance)
    duties = stage_duties(prog, session, code, actor)
    owed, submittable = open_items(session, instance, d, actor, duties)
    allowed, blocked = _actions(prog, session, instance, d, actor)
    mine = [s for s in submissions(prog, session, code)
            if not s.party or s.party == actor.party]
    labels = {name: spec.label for name, spec in d.deliverables.items()}
    # Only the deadlines this OPD owes something by are its own (not the mentor's review).
    owing = {o.deadline.id for o in of_party(Obligations(prog, session).in_regions([code]),
                                             actor.identity) if o.deadline is not None}
    # What this OPD owes in the region's other workflows (the award round ...), linked to
    # each workflow's page, where its upload forms are.
    elsewhere = [o for o in of_party(Obligations(prog, session).current([code]),
                                     actor.identity) if o.other_workflow]
    rows = [r for r in open_deadlines(prog, session, region=code) if r.id in owing]
    current = next((r for r in rows if r.state == instance.state), None)
    pending = next((q for q in (current.extensions if current else ())
                    if q.status == extensions.PENDING), None)
    now = prog.engine.clock()
    subscription = links.calendar_token(prog.settings, actor.identity, now)
    return {
        "actor": actor,
        "region": region,
        "instance": instance,
        "stage": d.state_label(instance.state),
        "stage_description": d.states[instance.state].description,
        "deadlines": rows,
        "current_deadline": current,
        "pending_request": pending,
        "owed": owed,
        "elsewhere": elsewhere,
        "duties": duties.mine,
        "waiting_for": [] if duties.mine else duties.others,
        "submittable": submittable,
        "rejection": last_rejection(session, instance, d),
        "allowed": allowed,
        "blocked": blocked,
        "submissions": mine[-20:][::-1],
        "labels": labels,
        "upload_max_bytes": prog.settings.upload_max_bytes,
        "accept": ",".join(sorted(uploads.ALLOWED)),
        "today": now.astimezone(ZoneInfo(region.tz)).date(),
        "now": now,
        "soon_days": max(prog.settings.reminder_days, default=7),
        "subscribe_url": f"{prog.settings.base_url}/calendar/{subscription}.ics",
        "quick_win_form": quick_win_form.initial(prog, session, code, instance,
                                                 actor.party or "")
        if any(s.deliverable == QUICK_WIN_PLAN for s in submittable) else None,
    }


def _page(request: Request, viewer: Viewer, prog: Programme, *, status: int = 200,
          notice: Notice | None = None, error: str | None = None,
          form: dict[str, str] | None = None,
          quick_win_form: QuickWinForm | None = None) -> Response:
    """The page; after a refused action, with the reason and what was typed kept (the
    quick-win form's rows too, with their problems)."""
    with prog.db.read() as session:
        context = overview(prog, session, viewer)
    if quick_win_form is not None:
        context["quick_win_form"] = quick_win_form
    return render(request, "opd.html", viewer, status=status, notice=notice, error=error,
                  form=form or {}, **context)


@router.get("/opd")
def opd_page(request: Request, viewer: PageViewer, prog: Prog, done: str | None = None,
             what: str | None = None) -> Response:
    """The page; ``done`` names the action just completed, announced from the database (what
    was stored, the stage now), never from the query string's own words."""
    notice = None
    if done in ("submit", "advance", "extension"):
        actor, code = _my_region(viewer)
        with prog.db.read() as session:
            instance = prog.current_instance(session, code)
            d = prog.definition_of(session, instance)
            values: dict[str, Any] = {"stage": d.state_label(instance.state)}
            if done == "submit" and what in d.deliverables:
                spec = d.deliverables[what]
                party = (actor.party or "") if spec.per_party else ""
                latest = Records(session).latest_submission(instance.id, what, party)
                if latest is not None:
                    values.update(what=spec.label, version=latest.version,
                                  file=latest.file_name)
                    notice = Notice(done, values)
            elif done != "submit":
                notice = Notice(done, values)
    return _page(request, viewer, prog, notice=notice)


def _too_big(name: str, limit: int) -> str:
    return text("uploading.too_big", file=name, limit=filesize(limit))


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/opd/submit")
async def submit(request: Request, viewer: PageViewer, prog: Prog) -> Response:
    """Upload a new version of a deliverable (multipart: deliverable, file, note, quick_wins).

    The body is parsed here rather than by FastAPI, so an upload whose declared length is over
    the limit is refused before any of it is read; the CSRF token is checked as soon as the
    form is parsed, before anything else is done with it.
    """
    actor, code = _my_region(viewer)
    limit = prog.settings.upload_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + CSV_MAX_BYTES + FORM_ROOM:
        return await run_in_threadpool(
            _page, request, viewer, prog, status=413,
            error=_too_big(text("uploading.the_upload"), limit))
    form = await request.form(max_files=2, max_fields=10, max_part_size=CSV_MAX_BYTES)
    try:
        check_csrf(viewer, _text(form, "csrf_token"))
        typed = {"deliverable": _text(form, "deliverable"), "note": _text(form, "note")}

        async def again(status: int, error: str) -> Response:
            return await run_in_threadpool(_page, request, viewer, prog, status=status,
                                           error=error, form=typed)

        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await again(422, text("uploading.choose_file"))
        if upload.size is not None and upload.size > limit:
            return await again(413, _too_big(upload.filename, limit))
        data = await upload.read(limit + 1)
        if len(data) > limit:
            return await again(413, _too_big(upload.filename, limit))
        quick_wins: list[QuickWinRow] | None = None
        listed = form.get("quick_wins")
        if isinstance(listed, UploadFile) and listed.filename:
            raw = await listed.read(CSV_MAX_BYTES + 1)
            if len(raw) > CSV_MAX_BYTES:
                return await again(413, _too_big(listed.filename, CSV_MAX_BYTES))
            try:  # any encoding and separator a spreadsheet saves; bad rows by number
                quick_wins = await run_in_threadpool(actions.quick_wins_of, raw, prog,
                                                     uploads.safe_name(listed.filename))
            except InvalidInputError as exc:
                return await again(422, str(exc))
        if len(typed["note"]) > NOTE_MAX:
            return await again(422, text("uploading.note_too_long", max=NOTE_MAX))
        try:
            result = await run_in_threadpool(
                actions.submit_data, prog, code, typed["deliverable"], upload.filename, data,
                actor, quick_wins=quick_wins, note=typed["note"].strip() or None,
                quick_wins_flag=text("uploading.quick_wins_flag"))
        except WorkflowError as exc:
            return await again(exc.status_code, str(exc))
        return RedirectResponse(f"/opd?done=submit&what={result.deliverable}",
                                status_code=303)
    finally:
        await form.close()


@router.post("/opd/advance")
def advance(
    request: Request, viewer: PageViewer, prog: Prog,
    trigger: Annotated[str, Form(max_length=63)] = "",
    expected_version: Annotated[int | None, Form()] = None,
    comment: Annotated[str, Form(max_length=20000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Fire a workflow action (send for review, resubmit) as this OPD."""
    check_csrf(viewer, csrf_token)
    actor, code = _my_region(viewer)
    try:
        actions.advance(prog, code, trigger, actor, comment=comment.strip() or None,
                        expected_version=expected_version)
    except WorkflowError as exc:
        return _page(request, viewer, prog, status=exc.status_code, error=str(exc),
                     form={"comment": comment})
    return RedirectResponse("/opd?done=advance", status_code=303)


@router.post("/opd/extension")
def extension(
    request: Request, viewer: PageViewer, prog: Prog,
    until: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Ask a coordinator to move the open deadline to ``until`` (23:59 in the region's zone)."""
    check_csrf(viewer, csrf_token)
    actor, code = _my_region(viewer)
    try:
        extensions.request_extension(prog, code, form_date(until), reason, actor=actor)
    except WorkflowError as exc:
        return _page(request, viewer, prog, status=exc.status_code, error=str(exc),
                     form={"until": until, "reason": reason})
    return RedirectResponse("/opd?done=extension", status_code=303)


@router.get("/calendar/{token}.ics")
def subscribed_calendar(token: str, prog: Prog) -> Response:
    """The subscription address of an OPD's deadlines, for calendar apps (no sign-in)."""
    email, issued = links.calendar_email(prog.settings, token)
    with prog.db.read() as session:
        if active_account(session, email, issued) is None:
            raise NotAuthenticated("opd.calendar_gone")
        feed = feeds.opd_feed(prog, session, email)
    return Response(feed, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=900"})


@router.get("/opd/calendar.ics")
def calendar(viewer: PageViewer, prog: Prog) -> Response:
    """My region's open deadlines as iCalendar, to import into a phone's calendar."""
    actor, code = _my_region(viewer)
    with prog.db.read() as session:
        feed = feeds.opd_feed(prog, session, actor.identity)
    return Response(feed, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="tenggat-{code}.ics"',
        "Cache-Control": "private, no-store"})
