"""``/coordinator/outbox``: the email outbox by status (``?status=dead|pending|sending|sent``,
dead letters by default) with the count of each, a keyset page at a time (``page``: the
cursor of the "older" link; sent mail grows without bound), and dead letters sent again
(``smartcity outbox retry``). Mail goes to everyone in the programme, so the page is for
programme-wide coordinators and administrators only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from config.messages import Message
from engine import ConflictError, InvalidInputError, NotFoundError
from interfaces.web import cursors
from interfaces.web.deps import PageViewer, Prog, check_csrf
from interfaces.web.pages.coordinator.common import (
    MAX_INT,
    PER_PAGE,
    CsrfField,
    DoneQuery,
    back,
    notice,
    require_coordinator,
    require_programme_wide,
)
from interfaces.web.templating import render
from notifications import outbox

router = APIRouter()

Status = Annotated[str, Query(pattern=r"^(dead|pending|sending|sent)$")]
Cursor = Annotated[str | None, Query(max_length=200)]
SHOWN = (outbox.DEAD, outbox.PENDING, outbox.SENDING, outbox.SENT)  # the tabs, in order


@router.get("/coordinator/outbox")
def outbox_page(request: Request, viewer: PageViewer, prog: Prog,
                status: Status = outbox.DEAD, page: Cursor = None,
                done: DoneQuery = None) -> Response:
    """The counts per status, and one page of messages of ``status``."""
    require_coordinator(viewer)
    require_programme_wide(viewer, Message("coordinator.outbox_action"))
    due_order = outbox.by_due_time(status)
    position = cursors.optional(page, 2 if due_order else 1)
    if position is None:
        found = outbox.listing(prog.db, status, PER_PAGE + 1)
    elif due_order:
        found = outbox.listing(prog.db, status, PER_PAGE + 1,
                               after=(cursors.moment(position[0]), position[1]))
    else:
        found = outbox.listing(prog.db, status, PER_PAGE + 1, before_id=position[0])
    rows, end = found[:PER_PAGE], found[PER_PAGE - 1] if len(found) > PER_PAGE else None
    older = None
    if end is not None:
        older = (cursors.encode(end.due_at, end.id or 0) if due_order
                 else cursors.encode(end.id or 0))
    return render(
        request, "coordinator_outbox.html", viewer, counts=outbox.counts(prog.db),
        statuses=SHOWN, chosen=status, rows=rows, older=older, first=page is not None,
        notice=notice(done), tool="outbox")


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
    return back("/coordinator/outbox", "outbox_retried", "outbox", query="status=dead")
