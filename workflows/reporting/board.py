"""The cohort board's data: every region of a cohort as a row of region x stage, with how its
deadline stands, filtered by province and zone, with counts per stage and per tone.

:func:`board_data` loads and shapes everything with a fixed number of queries whatever the
cohort's size (the cohort list, the provinces, the latest definition, and
:func:`workflows.reporting.status.status`, which is what ``smartcity status`` prints), so a
cohort of all 514 regions costs what a cohort of eight does (``bench/board_render.py``).
Colours follow one rule, :func:`~workflows.reporting.deadlines.deadline_tone`, shared with
the region page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from engine import InvalidInputError
from workflows.directory.cohorts import cohorts
from workflows.directory.regions import province_codes
from workflows.programme import Programme
from workflows.reporting.deadlines import LATE, NONE, OK, SOON, deadline_tone
from workflows.reporting.status import status as cohort_status
from workflows.zones import ZONES

TONES = (LATE, SOON, OK, NONE)  # the order of the counts and the legend: most urgent first


@dataclass(frozen=True)
class BoardFilters:
    """The board's GET parameters, checked: a province code ("64") and a zone label."""

    province: str | None = None
    zone: str | None = None

    @classmethod
    def parse(cls, province: str | None, zone: str | None) -> BoardFilters:
        zone = (zone or "").strip().upper() or None
        if zone is not None and zone not in ZONES:
            raise InvalidInputError("reporting.unknown_zone", zone=zone)
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


def _newest(choices: list[CohortChoice], ids: dict[str, int]) -> str | None:
    if not choices:
        return None
    return max(choices, key=lambda c: (c.year, ids[c.name])).name


def board_data(prog: Programme, session: Session, cohort: str | None,
               filters: BoardFilters, scope: frozenset[str] | None = None) -> BoardData:
    """The board of ``cohort`` (the newest when None), filtered, limited to ``scope``.

    ``scope`` is the set of regions a region-bound viewer acts for; None shows them all.
    Six queries at most (plus the definition's text the first time), whatever the size.
    """
    now = prog.engine.clock()
    found = cohorts(session)
    choices = [CohortChoice(c.name, c.year, n) for c, n in found]
    chosen = cohort or _newest(choices, {c.name: c.id or 0 for c, _ in found})
    definition = prog.master_plan(session)
    stages = [(name, definition.state_label(name)) for name in definition.states]
    if chosen is None:
        return BoardData(now, choices, None, stages, [], 0, [], filters,
                         dict.fromkeys((s for s, _ in stages), 0), dict.fromkeys(TONES, 0))
    status = cohort_status(prog, session, chosen, scope)
    chosen = next((c.name for c in choices if chosen in (c.name, str(c.year))), chosen)
    # A region still on an older definition version may be in a state the latest lacks.
    known = {s for s, _ in stages}
    for r in status:
        if r.state not in known:
            known.add(r.state)
            stages.append((r.state, r.stage))
    column = {s: i for i, (s, _) in enumerate(stages)}
    province_names = province_codes(session)
    present = sorted({(province_names.get(r.province, ""), r.province) for r in status},
                     key=lambda p: p[1])
    if filters.province is not None and filters.province not in province_names.values():
        raise InvalidInputError("reporting.unknown_province", province=filters.province)
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
