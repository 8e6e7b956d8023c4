"""``POST /board/bulk``: one action on the regions selected on the cohort board.

Three actions, each one transaction through the function that owns it, all or nothing:

* ``deadline``: an own date for each region, for the stage it is in or a chosen one
  (:func:`workflows.deadlines.setting.set_region_deadlines`; refused whole if one region is
  not the coordinator's, is in another stage, or the date has passed);
* ``remind``: reminder digests now, through the outbox, one per person who owes something in
  the regions, listing only that (:func:`workflows.deadlines.remind_now.remind_now`);
* ``mentor``: a mentor assigned to every region
  (:func:`workflows.directory.registration.assign_mentor`).

Coordinators act (a region's own coordinator on its regions only, checked per region by the
workflow functions, and here for the mentor); an administrator with no person behind the
account may assign mentors only. The form carries the session's CSRF token like every form.
The answer is a redirect back to the same filtered page (so reloading does not post again)
with a notice chosen from a fixed list and its counts.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from config.messages import Message
from engine import InvalidInputError, PermissionDenied
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf, role_named
from interfaces.web.pages.coordinator import local_when, working_days_of
from workflows import roles
from workflows.deadlines import setting
from workflows.deadlines.remind_now import remind_now
from workflows.directory import registration

router = APIRouter()

ACTIONS = ("deadline", "remind", "mentor")
#: The notices a redirect may ask the board to show: key -> catalogue key.
NOTICES = {"deadline": "board.done.deadline", "remind": "board.done.remind",
           "remind_new": "board.done.remind_new", "remind_none": "board.done.remind_none",
           "remind_idle": "board.done.remind_idle", "mentor": "board.done.mentor"}
#: What the redirect keeps of the board's query (the filters, the page, compact mode).
KEPT = ("cohort", "status", "stage", "province", "zone", "mentor", "q", "sort", "page",
        "compact")
MOST = 1000  # regions in one action (a cohort holds 514 at most)
NO_NUL = r"^[^\x00]*$"

Field = Annotated[str, Form(max_length=200, pattern=NO_NUL)]


def notice(done: str | None, n: int | None, m: int | None) -> tuple[str, int, int] | None:
    """The sentence a redirect asked for (its plural key and counts), from the fixed list:
    the query cannot inject text."""
    if done not in NOTICES:
        return None
    return NOTICES[done], n or 0, m or 0


def _back(back: str, done: str, n: int, m: int = 0) -> RedirectResponse:
    kept = [(k, v) for k, v in parse_qsl(back)[:20] if k in KEPT]
    query = urlencode([*kept, ("done", done), ("n", str(n)), ("m", str(m))], quote_via=quote)
    return RedirectResponse(f"/board?{query}#board-notice", status_code=303)


def _codes(region: list[str]) -> list[str]:
    codes = list(dict.fromkeys(c.strip() for c in region if c.strip()))
    if not codes:
        raise InvalidInputError("deadlines.bulk_none_chosen")
    if len(codes) > MOST or any(len(c) > 10 for c in codes):
        raise InvalidInputError("board.bad_selection", most=MOST)
    return codes


def _require_bulk(viewer: Viewer) -> None:
    if viewer.role == roles.COORDINATOR or viewer.is_admin:
        return
    raise PermissionDenied("board.bulk_for_coordinators", who=viewer.email,
                           role=role_named(viewer))


def _assign(viewer: Viewer, prog: Prog, mentor: str, codes: list[str]) -> int:
    """A mentor to every region, after checking that the viewer coordinates each one."""
    if not mentor.strip():
        raise InvalidInputError("board.choose_mentor")
    if not viewer.is_admin:
        actor = acting(viewer)
        for code in codes:
            setting.require_coordinator_of(actor, code,
                                           Message("board.action.assign_mentor", region=code))
    return registration.assign_mentor(prog, mentor.strip(), codes)


@router.post("/board/bulk")
def bulk_action(
    viewer: PageViewer, prog: Prog,
    action: Annotated[str, Form(pattern=r"^(deadline|remind|mentor)$")],
    region: Annotated[list[str] | None, Form(max_length=MOST)] = None,
    stage: Field = "", day: Annotated[str, Form(max_length=10)] = "",
    at: Annotated[str, Form(max_length=5)] = "", zone: Annotated[str, Form(max_length=4)] = "",
    working_days: Annotated[str, Form(max_length=3)] = "",
    comment: Annotated[str, Form(max_length=4000, pattern=NO_NUL)] = "",
    mentor: Field = "", back: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Set a date, send reminders now, or assign a mentor, for the regions ticked."""
    check_csrf(viewer, csrf_token)
    _require_bulk(viewer)
    codes = _codes(region or [])
    if action == "deadline":
        if not day.strip():
            raise InvalidInputError("board.choose_day")
        done = setting.set_region_deadlines(
            prog, codes, stage.strip() or None, local_when(day, at), zone=zone or None,
            working_days=working_days_of(working_days), actor=acting(viewer),
            comment=comment.strip() or None)
        return _back(back, "deadline", len(done))
    if action == "remind":
        sent = remind_now(prog, codes, acting(viewer))
        if not sent.queued and not sent.already:
            return _back(back, "remind_idle", len(codes))
        if not sent.queued:
            return _back(back, "remind_none", len(sent.already))
        if not sent.already:
            return _back(back, "remind_new", len(sent.queued))
        return _back(back, "remind", len(sent.queued), len(sent.already))
    new = _assign(viewer, prog, mentor, codes)
    return _back(back, "mentor", len(codes), new)
