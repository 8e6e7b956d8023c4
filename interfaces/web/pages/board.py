"""``GET /board``: the regions of a cohort as a matrix of region x stage, coloured by deadline,
summary first: counts per status and per stage (each a link to the board filtered on it),
a map of the regions shown, then the table, 50 rows a page.

Filters, search, sort and page are GET parameters (``?status=late&province=91&page=2``), so a
filtered board is a link to share; every link on the page keeps them. ``compact=1`` fits the
16 stages on a 1366 px laptop (stage names abbreviated, the full name in ``<abbr title>``).
Coordinators (and administrators) also get the bulk actions on the selected rows
(:mod:`interfaces.web.pages.board_bulk`); assessors see the board read-only.

The page is built in two steps so that each can be measured on its own
(``bench/board_render.py``): :func:`workflows.reporting.board.board_data` loads and shapes
everything with a fixed number of queries whatever the cohort's size, then the template
renders it. The table's markup is kept compact (blank cells are prebuilt strings, not a loop
per cell). Each colour also has a symbol and a text legend, so it does not rely on colour.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

import interfaces.web.pages.board_bulk as board_bulk
from config.messages import Message, texts
from engine import PermissionDenied
from interfaces.web.deps import PageViewer, Prog, Viewer, role_named
from interfaces.web.map_svg import cohort_map
from interfaces.web.templating import language, render
from workflows import roles
from workflows.reporting.board import TONES, BoardData, BoardFilters, board_data
from workflows.reporting.board_filters import SORTS
from workflows.reporting.deadlines import LATE, NONE, OK, SOON
from workflows.zones import ZONES

router = APIRouter()
router.include_router(board_bulk.router)

#: Roles that see the whole cohort board (a region's own coordinator sees its own rows).
BOARD_ROLES = frozenset({roles.COORDINATOR, roles.ASSESSOR, "admin"})
#: The symbol shown in a marked cell beside its colour, so colour is never the only cue.
SYMBOLS = {OK: "✓", SOON: "!", LATE: "✗", NONE: "–"}
#: The parameters a link to the board keeps (``page`` only when the page is what changes).
KEPT = ("cohort", "status", "stage", "province", "zone", "mentor", "q", "sort", "page",
        "compact", "select")

Text = Annotated[str | None, Query(max_length=200)]


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


def board_params(data: BoardData, compact: bool) -> dict[str, str]:
    """The query that shows this very board (the cohort named, the province as its code)."""
    params = {"cohort": data.cohort or "",
              **data.filters.on_page(data.page).params(data.province_code)}
    if compact:
        params["compact"] = "1"
    return {k: v for k, v in params.items() if v}


def linker(params: dict[str, str]) -> Callable[..., str]:
    """``link(status="late")``: this board with those parameters changed (None drops one);
    a change of anything but the page goes back to the first page."""

    def link(**changes: str | None) -> str:
        query = dict(params)
        if "page" not in changes:
            query.pop("page", None)
        for key, value in changes.items():
            if value:
                query[key] = value
            else:
                query.pop(key, None)
        ordered = {k: query[k] for k in KEPT if k in query}
        return "/board" + ("?" + urlencode(ordered, quote_via=quote) if ordered else "")

    return link


def abbreviations(stages: list[tuple[str, str]], lang: str) -> dict[str, str]:
    """A short name for each stage's column in compact mode: the catalogue's, else the
    label's first word."""
    known = texts(lang)
    return {state: known.get(f"board.abbr.{state}") or label.split()[0][:6]
            for state, label in stages}


def can_bulk(viewer: Viewer) -> bool:
    """Coordinators (each on its own regions) and administrators act on selected rows."""
    return viewer.role == roles.COORDINATOR or viewer.is_admin


@router.get("/board", response_class=HTMLResponse)
def board(request: Request, viewer: PageViewer, prog: Prog,
          cohort: Text = None, province: Text = None, zone: Text = None,
          status: Text = None, stage: Text = None, mentor: Text = None,
          q: Text = None, sort: Text = None, page: Text = None,
          compact: Annotated[str | None, Query(max_length=5)] = None,
          select: Annotated[str | None, Query(max_length=5)] = None,
          done: Annotated[str | None, Query(max_length=20)] = None,
          n: Annotated[int | None, Query(ge=0, le=100_000)] = None,
          m: Annotated[int | None, Query(ge=0, le=100_000)] = None) -> HTMLResponse:
    """The cohort board; ``?cohort=`` (name or year) and the filters of
    :class:`~workflows.reporting.board_filters.BoardFilters`."""
    check_board_viewer(viewer)
    filters = BoardFilters.parse(province, zone, status=status, stage=stage, mentor=mentor,
                                 q=q, sort=sort, page=page)
    is_compact = (compact or "") in ("1", "true", "on")
    with prog.db.read() as session:
        data = board_data(prog, session, (cohort or "").strip() or None, filters,
                          viewer.regions())
    lang = language(request, viewer)
    params = board_params(data, is_compact)
    link = linker(params)
    drawn = cohort_map(data.matching, colour="status", province=data.province_code,
                       stages=data.stages, lang=lang) if data.matching else None
    return render(
        request, "board.html", viewer, data=data, blanks=_blank_cells(len(data.stages)),
        symbols=SYMBOLS, tones=TONES, zone_labels=list(ZONES), sorts=SORTS, link=link,
        compact=is_compact, abbr=abbreviations(data.stages, lang), map_svg=drawn,
        bulk=can_bulk(viewer), acts=viewer.role == roles.COORDINATOR,
        select_all=select == "page", back=urlencode(params, quote_via=quote),
        notice=board_bulk.notice(done, n, m))
