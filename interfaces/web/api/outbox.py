"""The email outbox: what is waiting, sent or dead-lettered, and re-queuing dead letters.

Mirrors ``smartcity outbox`` and ``smartcity outbox retry``. The outbox holds every region's
mail (recipients, subjects, the server's answers), so only the programme's coordinators may
read it or re-queue from it; the command line, run on the server, has no such check.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from config.messages import Message
from engine import PermissionDenied
from interfaces.web.api.common import MAX_INT
from interfaces.web.api.errors import BODY_ERRORS, ERRORS
from interfaces.web.api.paging import PAGED, Cursor, next_headers
from interfaces.web.deps import ApiViewer, Prog, Viewer, role_named
from interfaces.web.outbox_pages import outbox_page
from notifications import outbox
from workflows import roles

router = APIRouter(prefix="/outbox", tags=["outbox"], responses=ERRORS)

Status = Literal["pending", "sending", "sent", "dead"]


class MessageOut(BaseModel):
    id: int
    status: str = Field(description="pending, sending, sent or dead.")
    recipient: str
    kind: str
    subject: str
    attempts: int
    last_error: str | None = Field(description="The mail server's last answer, if it failed.")
    due_at: datetime
    sent_at: datetime | None
    created_at: datetime


class OutboxPage(BaseModel):
    counts: dict[str, int] = Field(description="Messages per status, over the whole outbox.")
    messages: list[MessageOut]
    next_cursor: str | None = Field(None, description="The cursor of the next page (also in "
                                                      "X-Next-Cursor); null on the last page.")


class RetryIn(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=MAX_INT)]] | None = Field(
        default=None, min_length=1, max_length=1000,
        description="Dead-lettered message ids to send again; omit (or null) for every dead "
                    "letter.")


class RequeuedOut(BaseModel):
    id: int
    recipient: str
    kind: str
    subject: str
    last_error: str | None = Field(description="Why it had been dead-lettered.")


class RetryOut(BaseModel):
    requeued: list[RequeuedOut]
    not_dead: list[int] = Field(description="Ids given that were not dead letters (left as "
                                            "they are).")


def _coordinator(viewer: Viewer, what: Message) -> None:
    if viewer.role != roles.COORDINATOR or viewer.regions() is not None:
        raise PermissionDenied(
            "web.only_programme_coordinators", action=what, who=viewer.email,
            role=(Message("web.region_bound_coordinator") if viewer.role == roles.COORDINATOR
                  else role_named(viewer)))


@router.get("", response_model=OutboxPage, responses=PAGED)
def list_outbox(
    request: Request, response: Response, viewer: ApiViewer, prog: Prog,
    status: Annotated[Status | None, Query(description="Only this status (default all).")]
    = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many rows.")] = 50,
    cursor: Cursor = None,
) -> OutboxPage:
    """Outbox messages (pending and sending by due time, the others newest first) with the
    count per status (coordinators), a keyset page at a time: pass the previous page's
    ``next_cursor`` as ``cursor`` (with the same ``status``) for the next one."""
    _coordinator(viewer, Message("web.action.read_outbox"))
    rows, token = outbox_page(prog.db, status, limit, cursor)
    next_headers(request, response, token)
    return OutboxPage(counts=outbox.counts(prog.db), next_cursor=token, messages=[MessageOut(
        id=m.id or 0, status=m.status, recipient=m.recipient, kind=m.kind, subject=m.subject,
        attempts=m.attempts, last_error=m.last_error, due_at=m.due_at, sent_at=m.sent_at,
        created_at=m.created_at) for m in rows])


@router.post("/retry", response_model=RetryOut, responses=BODY_ERRORS)
def retry(body: RetryIn, viewer: ApiViewer, prog: Prog) -> RetryOut:
    """Put dead letters back in the queue, due now with their attempts reset, after the
    cause is fixed (coordinators). Other ids are left as they are and listed."""
    _coordinator(viewer, Message("web.action.requeue"))
    requeued = outbox.retry_dead(prog.db, body.ids, prog.engine.clock())
    done = {r.id for r in requeued}
    return RetryOut(
        requeued=[RequeuedOut(id=r.id, recipient=r.recipient, kind=r.kind, subject=r.subject,
                              last_error=r.last_error) for r in requeued],
        not_dead=sorted(set(body.ids or ()) - done))
