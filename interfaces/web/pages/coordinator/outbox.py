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
from interfaces.web.deps import PageViewer, Prog, check_csrf
from interfaces.web.outbox_pages import outbox_page
from interfaces.web.pages.coordinator.common import (
    MAX_INT,
    PER_PAGE,
    CsrfField,
    CursorQuery,
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
SHOWN = (outbox.DEAD, outbox.PENDING, outbox.SENDING, outbox.SENT)  # the tabs, in order


@router.get("/coordinator/outbox")
def outbox_tab(request: Request, viewer: PageViewer, prog: Prog,
                status: Status = outbox.DEAD, page: CursorQuery = None,
                done: DoneQuery = None) -> Response:
    """The counts per status, and one page of messages of ``status``."""
    require_coordinator(viewer)
    require_programme_wide(viewer, Message("coordinator.outbox_action"))
    rows, older = outbox_page(prog.db, status, PER_PAGE, page)
    return render(
        request, "coordinator_outbox.html", viewer, counts=outbox.counts(prog.db),
        statuses=SHOWN, mail_status=status, rows=rows, older=older, first=page is not None,
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
