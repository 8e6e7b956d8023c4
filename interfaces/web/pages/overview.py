"""``GET /overview``: where the programme stands across the archipelago, on one page.

A coordinator watching up to 514 regions sees the cohort on the map of Indonesia, coloured
by deadline status (``?colour=status``, the default) or by stage (``?colour=stage``), zooms
into one province (``?province=64``, by code or name), and reads the counts beside it; each
count is a link to the cohort board filtered to those regions, where the work is done.

The rows are the board's (:func:`workflows.reporting.board.board_data`: a fixed number of
queries whatever the cohort's size) and the map's geometry is prebuilt once per process
(:mod:`workflows.directory.geography`), so the page costs what the board's data costs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from engine import InvalidInputError
from interfaces.web.deps import PageViewer, Prog
from interfaces.web.map_svg import TONES, cohort_map
from interfaces.web.pages.board import check_board_viewer
from interfaces.web.templating import language, render
from workflows.directory import geography
from workflows.reporting.board import BoardFilters, board_data

router = APIRouter()

COLOURS = ("status", "stage")


@dataclass(frozen=True)
class ProvinceLink:
    """A province to zoom into, with how many of the cohort's regions lie in it."""

    code: str
    name: str
    count: int


def _colour(value: str | None) -> str:
    chosen = (value or "status").strip().lower() or "status"
    if chosen not in COLOURS:
        raise InvalidInputError("overview.unknown_colour", colour=value, known=", ".join(COLOURS))
    return chosen


def _link(path: str, **params: str | None) -> str:
    """A URL with the parameters that are set (the order given), for the page's links."""
    return path + ("?" + urlencode(kept) if (kept := {k: v for k, v in params.items() if v})
                   else "")


@router.get("/overview", response_class=HTMLResponse)
def overview(request: Request, viewer: PageViewer, prog: Prog, cohort: str | None = None,
             colour: str | None = None, province: str | None = None) -> HTMLResponse:
    """The cohort on the map; ``?cohort=`` (name or year), ``?colour=status|stage``,
    ``?province=`` (a code, or a name) to zoom in."""
    check_board_viewer(viewer)
    chosen = _colour(colour)
    places = geography.atlas()
    wanted = (province or "").strip()
    zoom = places.find_province(wanted).code if wanted else None
    with prog.db.read() as session:
        data = board_data(prog, session, (cohort or "").strip() or None, BoardFilters(),
                          viewer.regions())
    every = data.matching  # every row (``data.rows`` is the board's page of them)
    rows = [r for r in every if zoom is None or geography.province_of(r.code) == zoom]
    per_province = Counter(geography.province_of(r.code) for r in every)
    provinces = [ProvinceLink(p.code, p.name, per_province[p.code])
                 for p in sorted(places.provinces.values(), key=lambda p: p.name)]
    tone_counts = Counter(r.tone for r in rows)
    stage_counts = Counter(r.state for r in rows)
    lang = language(request, viewer)
    picture = cohort_map(rows, colour=chosen, province=zoom, stages=data.stages, lang=lang)
    cohort_name = data.cohort

    def here(**changes: str | None) -> str:
        params: dict[str, str | None] = {"cohort": cohort_name, "colour": chosen,
                                         "province": zoom}
        params.update(changes)
        return _link("/overview", **params)

    def board(**filters: str | None) -> str:
        return _link("/board", cohort=cohort_name, province=zoom, **filters)

    return render(
        request, "overview.html", viewer, data=data, colour=chosen, colours=COLOURS,
        zoom=places.provinces[zoom] if zoom else None, rows=rows, picture=picture,
        provinces=provinces, tones=TONES, tone_counts=tone_counts, stage_counts=stage_counts,
        here=here, board=board)
