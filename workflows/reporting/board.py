"""The cohort board's data: every region of a cohort as a row of region x stage, with how its
deadline stands; filtered, searched, sorted and paged, with counts per status and per stage.

:func:`board_data` loads everything with a fixed number of queries whatever the cohort's size
or the filters (the cohort list, the provinces, the mentors with their regions, the latest
definition, and :func:`workflows.reporting.status.status`, which is what ``smartcity status``
prints), then filters in memory, so a cohort of all 514 regions costs what a cohort of eight
does (``bench/board_render.py``) and the mentor filter adds no query per row.

The counts are *facets*: the count per status follows every filter but the status, and the
count per stage every filter but the stage, so each count is what the board shows when that
count's link is followed (with status "late" chosen, the other statuses still say how many
regions they would show). Colours follow one rule,
:func:`~workflows.reporting.deadlines.deadline_tone`, shared with the region page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from engine import InvalidInputError
from workflows import roles
from workflows.directory.models import MentorAssignment, Person
from workflows.directory.regions import province_codes
from workflows.programme import Programme
from workflows.reporting.board_filters import PER_PAGE, STATUSES, BoardFilters, fold, sort_rows
from workflows.reporting.coordination import visible_cohorts
from workflows.reporting.deadlines import deadline_tone
from workflows.reporting.status import status as cohort_status

__all__ = ["TONES", "BoardData", "BoardFilters", "BoardRow", "CohortChoice", "board_data"]

TONES = STATUSES  # the order of the counts and the legend: most urgent first


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
    province_code: str = ""


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
    rows: list[BoardRow]  # the page's rows
    total: int  # regions in the cohort the viewer may see, before the filters
    provinces: list[tuple[str, str]]  # (code, name) of the provinces in the cohort
    filters: BoardFilters
    stage_counts: dict[str, int] = field(default_factory=dict)
    tone_counts: dict[str, int] = field(default_factory=dict)
    matching: list[BoardRow] = field(default_factory=list)  # every row the filters keep
    mentors: list[tuple[str, str]] = field(default_factory=list)  # (email, name), by name
    province_code: str | None = None  # the province filter, resolved to its code
    page: int = 1
    pages: int = 1
    per_page: int = PER_PAGE
    settable: list[tuple[str, str]] = field(default_factory=list)  # stages a date is set for

    @property
    def matched(self) -> int:
        return len(self.matching)

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 when there is none)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


def _newest(choices: list[CohortChoice], ids: dict[str, int]) -> str | None:
    if not choices:
        return None
    return max(choices, key=lambda c: (c.year, ids[c.name])).name


def _mentors(session: Session) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """Every mentor (email, name) by name, and the regions assigned to each: one query."""
    found = session.execute(
        select(col(Person.email), col(Person.name), col(MentorAssignment.region_code))
        .outerjoin(MentorAssignment, col(MentorAssignment.person_id) == Person.id)
        .where(col(Person.role) == roles.MENTOR)).all()
    names: dict[str, str] = {}
    regions: dict[str, set[str]] = {}
    for email, name, code in found:
        names[email.lower()] = name
        regions.setdefault(email.lower(), set())
        if code is not None:
            regions[email.lower()].add(code)
    listing = sorted(names.items(), key=lambda m: (fold(m[1]), m[0]))
    return listing, regions


def _province(wanted: str | None, names: dict[str, str]) -> str | None:
    """The code of the province asked for by code ("64") or name (any case, accents)."""
    if wanted is None:
        return None
    if wanted in names.values():
        return wanted
    folded = fold(wanted)
    for name, code in names.items():
        if fold(name) == folded:
            return code
    raise InvalidInputError("reporting.unknown_province", province=wanted)


def board_data(prog: Programme, session: Session, cohort: str | None,
               filters: BoardFilters, scope: frozenset[str] | None = None) -> BoardData:
    """The board of ``cohort`` (the newest when None), filtered, limited to ``scope``.

    ``scope`` is the set of regions a region-bound viewer acts for; None shows them all.
    Seven queries at most (plus the definition's text the first time), whatever the size.
    """
    now = prog.engine.clock()
    found = visible_cohorts(session, scope)  # a region's own coordinator: its cohorts
    choices = [CohortChoice(c.name, c.year, n) for c, n in found]
    chosen = cohort or _newest(choices, {c.name: c.id or 0 for c, _ in found})
    definition = prog.master_plan(session)
    stages = [(name, definition.state_label(name)) for name in definition.states]
    settable = [(s, label) for s, label in stages if not definition.states[s].final]
    mentors, assigned = _mentors(session)
    if filters.mentor is not None and filters.mentor not in assigned:
        raise InvalidInputError("board.unknown_mentor", email=filters.mentor)
    if chosen is None:
        return BoardData(now, choices, None, stages, [], 0, [], filters,
                         dict.fromkeys((s for s, _ in stages), 0), dict.fromkeys(TONES, 0),
                         mentors=mentors, settable=settable)
    status = cohort_status(prog, session, chosen, scope)
    chosen = next((c.name for c in choices if chosen in (c.name, str(c.year))), chosen)
    # A region still on an older definition version may be in a state the latest lacks.
    known = {s for s, _ in stages}
    for r in status:
        if r.state not in known:
            known.add(r.state)
            stages.append((r.state, r.stage))
    if filters.stage is not None and filters.stage not in known:
        raise InvalidInputError("board.unknown_stage", stage=filters.stage,
                                usable=[s for s, _ in stages])
    column = {s: i for i, (s, _) in enumerate(stages)}
    names = province_codes(session)
    present = sorted({(names.get(r.province, ""), r.province) for r in status},
                     key=lambda p: p[1])
    province = _province(filters.province, names)
    mentored = assigned.get(filters.mentor or "", set())
    every = [BoardRow(r.code, r.name, r.province, r.zone, r.state, r.stage, column[r.state],
                      deadline_tone(r.due_at, now), r.due_at, r.tz, r.entered_at,
                      names.get(r.province, "")) for r in status]
    matching: list[BoardRow] = []
    tone_counts: Counter[str] = Counter()
    stage_counts: Counter[str] = Counter()
    for row in every:
        if not ((filters.zone is None or row.zone == filters.zone)
                and (province is None or row.province_code == province)
                and (filters.mentor is None or row.code in mentored)
                and filters.searched(row.code, row.name)):
            continue
        in_status = filters.status is None or row.tone == filters.status
        in_stage = filters.stage is None or row.state == filters.stage
        if in_stage:
            tone_counts[row.tone] += 1
        if in_status:
            stage_counts[row.state] += 1
        if in_status and in_stage:
            matching.append(row)
    matching = sort_rows(matching, filters.sort, filters.descending, now)
    pages = max(1, -(-len(matching) // PER_PAGE))
    page = min(filters.page, pages)  # past the end (fewer rows since): the last page
    start = (page - 1) * PER_PAGE
    return BoardData(
        now, choices, chosen, stages, matching[start:start + PER_PAGE], len(status), present,
        filters, {s: stage_counts.get(s, 0) for s, _ in stages},
        {t: tone_counts.get(t, 0) for t in TONES}, matching, mentors, province, page, pages,
        PER_PAGE, settable)
