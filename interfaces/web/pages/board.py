"""``GET /board``: every region of a cohort as a matrix of region x stage, coloured by deadline.

The page is built in two steps so that each can be measured on its own
(``bench/board_render.py``): :func:`workflows.reporting.board.board_data` loads and shapes
everything with a fixed number of queries whatever the cohort's size, then the template
renders it. The table's markup is kept compact (blank cells are prebuilt strings, not a loop
per cell) because a cohort may hold all 514 regions. Each colour also has a symbol and a text
legend, so it does not rely on colour.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from config.messages import Message
from engine import PermissionDenied
from interfaces.web.deps import PageViewer, Prog, Viewer, role_named
from interfaces.web.templating import render
from workflows import roles
from workflows.reporting.board import TONES, BoardFilters, board_data
from workflows.reporting.deadlines import LATE, NONE, OK, SOON
from workflows.zones import ZONES

router = APIRouter()

#: Roles that see the whole cohort board (a region's own coordinator sees its own rows).
BOARD_ROLES = frozenset({roles.COORDINATOR, roles.ASSESSOR, "admin"})
#: The symbol shown in a marked cell beside its colour, so colour is never the only cue.
SYMBOLS = {OK: "✓", SOON: "!", LATE: "✗", NONE: "–"}


def check_board_viewer(viewer: Viewer) -> None:
    """Only coordinators, assessors and administrators use the cohort board."""
    if viewer.role in BOARD_ROLES:
        return
    regions = sorted(viewer.regions() or [])
    where = (Message("web.open_region_page", region=regions[0]) if regions
             else Message("web.open_start_page"))
    raise PermissionDenied("web.board_for_staff", who=viewer.email, role=role_named(viewer),
                           where=where)


def _blank_cells(columns: int) -> list[Markup]:
    # Prebuilt runs of empty cells: no user text, so they are safe as markup; building them
    # once keeps the template from looping over every one of the (regions x stages) cells.
    # ("</td>" may be left out in HTML: the next cell or the row's end closes it.)
    return [Markup("<td>" * n) for n in range(columns + 1)]


@router.get("/board", response_class=HTMLResponse)
def board(request: Request, viewer: PageViewer, prog: Prog, cohort: str | None = None,
          province: str | None = None, zone: str | None = None) -> HTMLResponse:
    """The cohort board; ``?cohort=`` (name or year), ``?province=`` (code), ``?zone=``."""
    check_board_viewer(viewer)
    filters = BoardFilters.parse(province, zone)
    scope = viewer.regions()
    with prog.db.read() as session:
        data = board_data(prog, session, (cohort or "").strip() or None, filters, scope)
    return render(request, "board.html", viewer, data=data, blanks=_blank_cells(
        len(data.stages)), symbols=SYMBOLS, tones=TONES, zone_labels=list(ZONES))
