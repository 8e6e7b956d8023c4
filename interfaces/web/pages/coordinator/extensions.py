"""``/coordinator/extensions``: extension requests waiting for a decision first, each with its
grant/refuse form (anchor ``#extension-<id>``, where the inbox links), then those already
decided, newest decision first, a keyset page at a time; ``smartcity deadlines decide``.

Pending requests are never split over pages: each is an open deadline's (at most one a
region and stage), and an inbox link must find its anchor on the page it opens. The search
(``q``: a region's code or name) narrows both lists, ``decision`` the decided one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response

from interfaces.web import cursors
from interfaces.web.deps import PageViewer, Prog, acting, check_csrf
from interfaces.web.pages.coordinator.common import (
    MAX_INT,
    PER_PAGE,
    BackField,
    CommentField,
    CsrfField,
    CursorQuery,
    DoneQuery,
    TextQuery,
    back,
    notice,
    require_coordinator,
)
from interfaces.web.templating import render
from workflows.deadlines import extensions
from workflows.reporting import coordination
from workflows.reporting.extension_decisions import decided_extensions

router = APIRouter()

Decision = Annotated[str, Query(pattern=r"^(|granted|refused)$")]


@router.get("/coordinator/extensions")
def extensions_page(request: Request, viewer: PageViewer, prog: Prog, q: TextQuery = "",
                    decision: Decision = "", page: CursorQuery = None,
                    done: DoneQuery = None) -> Response:
    """Pending requests (all of them), then one page of decided ones."""
    require_coordinator(viewer)
    scope, search = viewer.regions(), q.strip()
    after = cursors.optional(page, 2)
    with prog.db.read() as session:
        pending = coordination.pending_extensions(prog, session, scope)
        decided = decided_extensions(
            prog, session, scope, limit=PER_PAGE,
            after=(cursors.moment(after[0]), after[1]) if after else None, search=search,
            decision=decision or None)
    needle = search.lower()
    shown = [p for p in pending
             if not needle or needle in p.region.lower() or needle in p.region_name.lower()]
    filters = {k: v for k, v in (("q", search), ("decision", decision)) if v}
    return render(
        request, "coordinator_extensions.html", viewer, pending=shown,
        pending_total=len(pending), decided=decided.rows,
        older=cursors.encode(*decided.next) if decided.next else None, first=page is not None,
        filters=filters, q=search, decision=decision, can_act=viewer.actor is not None,
        notice=notice(done), tool="extensions")


@router.post("/coordinator/extensions/{request_id}")
def decide_extension(
    viewer: PageViewer, prog: Prog,
    request_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    decision: Annotated[str, Form(pattern=r"^(grant|refuse)$")],
    comment: CommentField = "", cohort: Annotated[str, Form(max_length=100)] = "",
    back_to: BackField = "", csrf_token: CsrfField = "",
) -> Response:
    """``smartcity deadlines decide``: grant (the deadline moves, reminders re-armed) or
    refuse (a comment is required) an extension request; back to the extension page."""
    check_csrf(viewer, csrf_token)
    require_coordinator(viewer)
    result = extensions.decide_extension(prog, request_id, decision == "grant",
                                         comment.strip() or None, actor=acting(viewer))
    return back("/coordinator/extensions", f"extension_{result.status}",
                f"decided-{request_id}", cohort=cohort or None, query=back_to)
