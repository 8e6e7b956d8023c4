"""``GET /board``: every region of a cohort as a matrix of region x stage, coloured by deadline.

The page is built in two steps so that each can be measured on its own
(``bench/board_render.py``): :func:`board_data` loads and shapes everything with a fixed
number of queries whatever the cohort's size (the cohort list, the provinces, the latest
definition, and :func:`workflows.reports.status`, which is what ``smartcity status`` prints:
one joined query for the regions, their current stage and its open deadline), then the
template renders it. There is no query per region, and the table's markup is kept compact
(blank cells are prebuilt strings, not a loop per cell) because a cohort may hold all 514
regions.

Colours follow one rule, :func:`deadline_tone`, shared with the region page: overdue (the
open deadline of the current stage has passed), due soon (within 7 days), on time, or no
deadline. Each colour also has a symbol and a text legend, so it does not rely on colour.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlmodel import Session, col, select

from engine.errors import InvalidInputError, PermissionDenied
from interfaces.web.deps import PageViewer, Prog, Viewer
from interfaces.web.templating import render
from workflows import directory, reports
from workflows.models import Province
from workflows.programme import MASTER_PLAN, Programme
from workflows.zones import ZONES

router = APIRouter()

#: Roles that see the whole cohort board (a region's own coordinator sees its own rows).
BOARD_ROLES = frozenset({"coordinator", "assessor", "admin"})
#: A deadline this close (or closer) is "due soon".
DUE_SOON = timedelta(days=7)
OK, SOON, LATE, NONE = "ok", "soon", "late", "none"
TONES = (LATE, SOON, OK, NONE)  # the order of the counts and the legend: most urgent first
#: The symbol shown in a marked cell beside its colour, so colour is never the only cue.
SYMBOLS = {OK: "✓", SOON: "!", LATE: "✗", NONE: "–"}


def deadline_tone(due_at: datetime | None, now: datetime) -> str:
    """How a stage's open deadline stands at ``now``: late, soon (<= 7 days), ok, or none."""
    if due_at is None:
        return NONE
    if due_at <= now:
        return LATE
    if due_at - now <= DUE_SOON:
        return SOON
    return OK


@dataclass(frozen=True)
class BoardFilters:
    """The board's GET parameters, checked: a province code ("64") and a zone label."""

    province: str | None = None
    zone: str | None = None

    @classmethod
    def parse(cls, province: str | None, zone: str | None) -> BoardFilters:
        zone = (zone or "").strip().upper() or None
        if zone is not None and zone not in ZONES:
            raise InvalidInputError(f"unknown zone {zone!r}: filter by WIB, WITA or WIT, or "
                                    "leave the zone empty for all")
        return cls((province or "").strip() or None, zone)


@dataclass(frozen=True)
class BoardRow:
    code: str
    name: str
    province: str
    zone: str
    state: str
    stage: str
    column: int
    tone: str
    due_at: datetime | None
    tz: str
    entered_at: datetime


@dataclass(frozen=True)
class CohortChoice:
    name: str
    year: int
    members: int


@dataclass
class BoardData:
    """Everything the board shows, loaded with a fixed number of queries."""

    now: datetime
    cohorts: list[CohortChoice]
    cohort: str | None
    stages: list[tuple[str, str]]  # (state, label) in the definition's order
    rows: list[BoardRow]
    total: int  # regions in the cohort the viewer may see, before the filters
    provinces: list[tuple[str, str]]  # (code, name) of the provinces in the cohort
    filters: BoardFilters
    stage_counts: dict[str, int] = field(default_factory=dict)
    tone_counts: dict[str, int] = field(default_factory=dict)


def _newest(cohorts: list[CohortChoice], ids: dict[str, int]) -> str | None:
    if not cohorts:
        return None
    return max(cohorts, key=lambda c: (c.year, ids[c.name])).name


def board_data(prog: Programme, session: Session, cohort: str | None,
               filters: BoardFilters, scope: frozenset[str] | None = None) -> BoardData:
    """The board of ``cohort`` (the newest when None), filtered, limited to ``scope``.

    ``scope`` is the set of regions a region-bound viewer acts for; None shows them all.
    Five queries at most (plus the definition's text the first time), whatever the size.
    """
    now = prog.engine.clock()
    found = directory.cohorts(session)
    choices = [CohortChoice(c.name, c.year, n) for c, n in found]
    chosen = cohort or _newest(choices, {c.name: c.id or 0 for c, _ in found})
    definition = prog.engine.definition(session, MASTER_PLAN).definition
    stages = [(name, definition.state_label(name)) for name in definition.states]
    if chosen is None:
        return BoardData(now, choices, None, stages, [], 0, [], filters,
                         dict.fromkeys((s for s, _ in stages), 0), dict.fromkeys(TONES, 0))
    status = reports.status(prog, session, chosen)
    chosen = next((c.name for c in choices if chosen in (c.name, str(c.year))), chosen)
    if scope is not None:
        status = [r for r in status if r.code in scope]
    # A region still on an older definition version may be in a state the latest lacks.
    known = {s for s, _ in stages}
    for r in status:
        if r.state not in known:
            known.add(r.state)
            stages.append((r.state, r.stage))
    column = {s: i for i, (s, _) in enumerate(stages)}
    province_names = {name: code for name, code in session.execute(
        select(col(Province.name), col(Province.code))).all()}
    present = sorted({(province_names.get(r.province, ""), r.province) for r in status},
                     key=lambda p: p[1])
    if filters.province is not None and filters.province not in province_names.values():
        raise InvalidInputError(f"unknown province code {filters.province!r}: choose one from "
                                "the list, or leave the province empty for all")
    rows = []
    for r in status:
        if filters.zone is not None and r.zone != filters.zone:
            continue
        if filters.province is not None and province_names.get(r.province) != filters.province:
            continue
        rows.append(BoardRow(r.code, r.name, r.province, r.zone, r.state, r.stage,
                             column[r.state], deadline_tone(r.due_at, now), r.due_at, r.tz,
                             r.entered_at))
    stage_counts = Counter(r.state for r in rows)
    tone_counts = Counter(r.tone for r in rows)
    return BoardData(
        now, choices, chosen, stages, rows, len(status), present, filters,
        {s: stage_counts.get(s, 0) for s, _ in stages},
        {t: tone_counts.get(t, 0) for t in TONES})


def check_board_viewer(viewer: Viewer) -> None:
    """Only coordinators, assessors and administrators use the cohort board."""
    if viewer.role in BOARD_ROLES:
        return
    regions = sorted(viewer.regions() or [])
    where = (f"open your region's page at /regions/{regions[0]}" if regions
             else "open your own start page at /")
    raise PermissionDenied(
        f"the cohort board is for coordinators, assessors and administrators; {viewer.email} "
        f"signs in as {viewer.role}: {where}")


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
