"""``GET /attention``: "Perlu perhatian", what needs a coordinator now, grouped by category.

Each item links to where it is resolved (the extension request's form, the outbox's dead
letters, the region page) and drops out once it is, as does its count in the menu
(:func:`interfaces.web.templating.render` shows the counts on every page a coordinator or an
administrator opens). The data is :func:`workflows.reporting.attention.attention_items`: a
fixed number of queries whatever the cohort's size, and a few items per category (or one
category page by page), so the page stays light for 514 regions. A region's own coordinator
sees its regions only; dead letters (mail to anyone in the programme) are for programme-wide
viewers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from engine import PermissionDenied
from interfaces.web.deps import PageViewer, Prog, Viewer, role_named
from interfaces.web.templating import render, sees_attention
from workflows.reporting.attention import attention_items

router = APIRouter()


def check_viewer(viewer: Viewer) -> None:
    """The inbox is for coordinators and administrators; anyone else gets 403."""
    if not sees_attention(viewer):
        raise PermissionDenied("attention.for_coordinators", who=viewer.email,
                               role=role_named(viewer))


@router.get("/attention", response_class=HTMLResponse)
def attention(
    request: Request, viewer: PageViewer, prog: Prog,
    category: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Every category with its first items, or ``?category=`` alone, ``?page=N``."""
    check_viewer(viewer)
    with prog.db.read() as session:
        data = attention_items(prog, session, viewer.regions(),
                               category=(category or "").strip() or None, page=page)
    return render(request, "attention.html", viewer, data=data, attention=data.counts)
