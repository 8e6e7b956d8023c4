"""Coordinator tools: cohort dates and region overrides, extension decisions, the outbox, and
exports (a cohort's progress and a region's history as CSV, a region's printable report).

Every change goes through the function the command line calls (``smartcity deadlines set``,
``override``, ``decide``; ``smartcity outbox retry``), which checks role and scope itself; the
page only decides what to *show*. The page is for coordinators and administrators; a region's
own coordinator sees its own regions, and the outbox (mail to everyone in the programme) is
for programme-wide coordinators and administrators only.

A form post answers with a redirect back to the page (so reloading does not post again) and a
short notice chosen from a fixed list; the tables then show what changed, times labelled with
their zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from config.messages import Message
from engine import ConflictError, InvalidInputError, NotFoundError, PermissionDenied
from interfaces.web.deps import (
    PageViewer,
    Prog,
    Viewer,
    acting,
    check_csrf,
    require_sees,
    role_named,
)
from interfaces.web.problems import form_date
from interfaces.web.templating import render
from notifications import outbox
from workflows import roles
from workflows.deadlines import extensions, setting
from workflows.directory.cohorts import find_cohort as lookup_cohort
from workflows.directory.models import Cohort, Region
from workflows.directory.regions import find_region
from workflows.programme import Programme
from workflows.reporting import coordination, exports, report
from workflows.reporting.status import StatusRow
from workflows.reporting.status import status as cohort_status
from workflows.reporting.timeline import action_of
from workflows.zones import ZONES

router = APIRouter()

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER: a larger id would fail in the database, not here
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; no real input contains it

#: Notices a redirect may ask the page to show (a fixed list: the query cannot inject text).
NOTICES = ("cohort_deadline", "region_deadline", "extension_granted", "extension_refused",
           "outbox_retried")

CohortField = Annotated[str, Form(min_length=1, max_length=100, pattern=NO_NUL)]
RegionField = Annotated[str, Form(min_length=1, max_length=100, pattern=NO_NUL)]
StateField = Annotated[str, Form(min_length=1, max_length=63, pattern=NO_NUL)]
DayField = Annotated[str, Form(min_length=1, max_length=10)]
TimeField = Annotated[str, Form(max_length=5)]
WorkingDaysField = Annotated[str, Form(max_length=3)]
CommentField = Annotated[str, Form(max_length=4000, pattern=NO_NUL)]
CsrfField = Annotated[str, Form()]
RegionPath = Annotated[str, Path(min_length=1, max_length=100, pattern=NO_NUL)]


# -- who may use the tools -----------------------------------------------------------------

def require_coordinator(viewer: Viewer) -> None:
    """The tools are for coordinators and administrators; anyone else gets 403."""
    if viewer.is_admin or viewer.role == roles.COORDINATOR:
        return
    raise PermissionDenied("web.coordinator_tools_only", who=viewer.email,
                           role=role_named(viewer))


def require_programme_wide(viewer: Viewer, what: Message) -> None:
    if viewer.regions() is not None:
        raise PermissionDenied("web.programme_wide_only", action=what, who=viewer.email,
                               regions=sorted(viewer.regions() or ())
                               or Message("web.no_region"))


def check_region(viewer: Viewer, code: str) -> None:
    """A region's own coordinator exports and prints only its own regions."""
    require_sees(viewer, code, Message("web.ask_coordinators_for", region=code),
                 unbound=Message("web.no_region"))


# -- reading helpers shared with the evaluation page ----------------------------------------

#: What a reader of a page can do about a cohort name that matches none.
COHORT_HINT = Message("web.cohort_hint_page")


def find_cohort(session: Session, ref: str) -> Cohort:
    """A cohort by name, or by year when that year has one cohort."""
    return lookup_cohort(session, ref, COHORT_HINT)


def visible_cohorts(session: Session, viewer: Viewer) -> list[tuple[Cohort, int]]:
    """The cohorts with their sizes; a scoped viewer sees the cohorts of its regions."""
    return coordination.visible_cohorts(session, viewer.regions())


def choose_cohort(session: Session, viewer: Viewer, ref: str | None) -> Cohort | None:
    """The cohort asked for, else the newest one the viewer sees (None if there is none)."""
    return coordination.choose_cohort(session, viewer.regions(), ref, COHORT_HINT)


def local_when(day: str, at: str) -> date | datetime:
    """A form's date (``YYYY-MM-DD``) and optional time (``HH:MM``) as a naive local date
    or date-time; the domain reads it in the zone chosen next to it."""
    parsed = form_date(day)
    if not at.strip():
        return parsed
    found = re.fullmatch(r"(\d{1,2}):(\d{2})", at.strip())
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise InvalidInputError("web.not_a_time", value=at.strip())
    return datetime(parsed.year, parsed.month, parsed.day, int(found[1]), int(found[2]))


_WORKING_DAYS = re.compile(r"[0-9]{1,3}")


def working_days_of(text: str) -> int | None:
    """The form's working days: empty for none, else 1 to 365 in ASCII digits.

    ``str.isdigit`` is not enough: it accepts "²" or "٣", which ``int`` refuses or reads.
    """
    days = text.strip()
    if not days:
        return None
    if not _WORKING_DAYS.fullmatch(days) or not 1 <= int(days) <= 365:
        raise InvalidInputError("web.bad_working_days", value=days)
    return int(days)


def _back(cohort: str | None, done: str, anchor: str) -> RedirectResponse:
    query = {"done": done, **({"cohort": cohort} if cohort else {})}
    return RedirectResponse(f"/coordinator?{urlencode(query)}#{anchor}", status_code=303)


# -- the page ------------------------------------------------------------------------------

@router.get("/coordinator")
def coordinator_page(
    request: Request, viewer: PageViewer, prog: Prog,
    cohort: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Cohorts (boards, exports), dates, regions with their deadlines, extension requests,
    and for programme-wide staff the outbox."""
    require_coordinator(viewer)
    scope = viewer.regions()
    with prog.db.read() as session:
        cohorts = visible_cohorts(session, viewer)
        chosen = choose_cohort(session, viewer, cohort)
        rows: list[StatusRow] = []
        cohort_dates = []
        if chosen is not None:
            rows = cohort_status(prog, session, chosen.name, scope, review_rounds=True)
            cohort_dates = coordination.cohort_dates(session, chosen.id or 0)
        d = prog.master_plan(session)
        stages = [(s, d.state_label(s)) for s, spec in d.states.items() if not spec.final]
        labels = {s: d.state_label(s) for s in d.states}
        final = {s for s, spec in d.states.items() if spec.final}
        pending = coordination.pending_extensions(prog, session, scope)
    outbox_view = None
    if scope is None:
        outbox_view = {
            "counts": outbox.counts(prog.db),
            "dead": outbox.listing(prog.db, outbox.DEAD, 100),
            "pending": outbox.listing(prog.db, outbox.PENDING, 50),
        }
    return render(
        request, "coordinator.html", viewer,
        cohorts=cohorts, chosen=chosen, rows=rows, cohort_dates=cohort_dates, stages=stages,
        labels=labels, final=final, pending=pending,
        outbox=outbox_view, programme_wide=scope is None, can_act=viewer.actor is not None,
        zones=list(ZONES), notice=done if done in NOTICES else None, now=prog.engine.clock())


# -- deadlines -----------------------------------------------------------------------------

@router.post("/coordinator/deadlines/cohort")
def set_cohort_deadline(
    viewer: PageViewer, prog: Prog, cohort: CohortField, state: StateField, day: DayField,
    at: TimeField = "", zone: Annotated[str, Form(max_length=4)] = "WIB",
    working_days: WorkingDaysField = "", csrf_token: CsrfField = "",
) -> Response:
    """``smartcity deadlines set``: a cohort's date for a stage, entered in WIB by default."""
    check_csrf(viewer, csrf_token)
    require_coordinator(viewer)
    actor = acting(viewer)
    with prog.db.read() as session:
        name = find_cohort(session, cohort).name
    setting.set_cohort_deadline(prog, name, state, local_when(day, at), zone=zone,
                                working_days=working_days_of(working_days), actor=actor)
    return _back(name, "cohort_deadline", "cohort-dates")


@router.post("/coordinator/deadlines/region")
def set_region_deadline(
    viewer: PageViewer, prog: Prog, region: RegionField, state: StateField, day: DayField,
    at: TimeField = "", zone: Annotated[str, Form(max_length=4)] = "",
    working_days: WorkingDaysField = "", comment: CommentField = "",
    cohort: Annotated[str, Form(max_length=100)] = "", csrf_token: CsrfField = "",
) -> Response:
    """``smartcity deadlines override``: one region's own date for the stage it is in,
    entered in the region's own zone unless another is chosen."""
    check_csrf(viewer, csrf_token)
    require_coordinator(viewer)
    setting.set_region_deadline(
        prog, region, state, local_when(day, at), zone=zone or None,
        working_days=working_days_of(working_days), actor=acting(viewer),
        comment=comment.strip() or None)
    return _back(cohort or None, "region_deadline", "regions")


@router.post("/coordinator/extensions/{request_id}")
def decide_extension(
    viewer: PageViewer, prog: Prog,
    request_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    decision: Annotated[str, Form(pattern=r"^(grant|refuse)$")],
    comment: CommentField = "", cohort: Annotated[str, Form(max_length=100)] = "",
    csrf_token: CsrfField = "",
) -> Response:
    """``smartcity deadlines decide``: grant (the deadline moves, reminders re-armed) or
    refuse (a comment is required) an extension request."""
    check_csrf(viewer, csrf_token)
    require_coordinator(viewer)
    result = extensions.decide_extension(prog, request_id, decision == "grant",
                                         comment.strip() or None, actor=acting(viewer))
    return _back(cohort or None, f"extension_{result.status}", "extensions")


# -- the outbox ----------------------------------------------------------------------------

@router.post("/coordinator/outbox/retry")
def retry_dead_letters(
    viewer: PageViewer, prog: Prog,
    message: Annotated[int | None, Form(ge=1, le=MAX_INT)] = None,
    all_dead: Annotated[bool, Form()] = False,
    cohort: Annotated[str, Form(max_length=100)] = "", csrf_token: CsrfField = "",
) -> Response:
    """``smartcity outbox retry``: dead letters back to the queue, due now, attempts reset
    (after the cause, such as a wrong address, was fixed)."""
    check_csrf(viewer, csrf_token)
    require_coordinator(viewer)
    require_programme_wide(viewer, Message("web.action.resend_dead"))
    if (message is None) == (not all_dead):
        raise InvalidInputError("web.choose_dead_letter")
    requeued = outbox.retry_dead(prog.db, None if all_dead else [message or 0],
                                 prog.engine.clock())
    if message is not None and not requeued:
        found = outbox.status_of(prog.db, message)
        if found is None:
            raise NotFoundError("web.no_outbox_message", id=message)
        raise ConflictError("web.not_dead", id=message,
                            status=Message(f"web.outbox_status.{found}"))
    return _back(cohort or None, "outbox_retried", "outbox")


# -- exports -------------------------------------------------------------------------------

def _csv(name: str, body: bytes) -> Response:
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


@router.get("/coordinator/export/cohort.csv")
def export_cohort(
    viewer: PageViewer, prog: Prog,
    cohort: Annotated[str, Query(min_length=1, max_length=100, pattern=NO_NUL)],
) -> Response:
    """Every region of the cohort (a region's own coordinator: its regions) with province,
    zone, stage, version, entered date, current deadline in UTC and local, review round."""
    require_coordinator(viewer)
    with prog.db.read() as session:
        name = find_cohort(session, cohort).name
        return _csv(*exports.cohort_csv(prog, session, name, viewer.regions()))


def _region_code(prog: Programme, viewer: Viewer, ref: str) -> str:
    with prog.db.read() as session:
        code = find_region(session, ref).code
    check_region(viewer, code)
    return code


@router.get("/coordinator/export/regions/{code}/history.csv")
def export_history(viewer: PageViewer, prog: Prog, code: RegionPath) -> Response:
    """The region's history: when (UTC and local), who, role, action, from, to, comment."""
    require_coordinator(viewer)
    found = _region_code(prog, viewer, code)
    with prog.db.read() as session:
        return _csv(*exports.history_csv(session, found))


@router.get("/coordinator/report/regions/{code}")
def region_report(request: Request, viewer: PageViewer, prog: Prog,
                  code: RegionPath) -> Response:
    """A printable status report of one region (A4, with a print stylesheet)."""
    require_coordinator(viewer)
    found = _region_code(prog, viewer, code)
    with prog.db.read() as session:
        printed = report.region_report(prog, session, found)
        region = session.get(Region, found)
        assert region is not None
        session.expunge(region)
    return render(request, "report.html", viewer, report=printed, region=region,
                  printed_at=prog.engine.clock(), action_of=action_of)
