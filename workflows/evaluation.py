"""Evaluation windows, returns, scores, the achievement index and the ranking within a cohort.

Twice a year (dates in ``settings.evaluation_windows``, ``MM-DD/MM-DD`` in WIB) every region in
implementation hands in an evaluation return. A window opens at 00:00 WIB on its first day and
closes at 23:59:59 WIB on its last (stored in UTC). Whether a return is accepted depends on the
window's *times*, not on its status: the scheduler calls :func:`open_due_windows` and
:func:`close_due_windows` every few minutes to record the transitions (and to learn whom to
notify), but a return arriving a second after the close is refused even if the scheduler has
not run yet. A coordinator may extend a window for one region (:func:`extend_window`).

Assessors (or coordinators) score the five parts of a return on ``settings.evaluation_scale``,
overall or per dimension; several assessors' scores of the same part average. The index is the
weighted sum of the part means with ``settings.evaluation_weights`` (see :func:`index`).

Every function that writes is one transaction; errors are :mod:`engine.errors` types whose
messages say what to do.
"""

from __future__ import annotations

import calendar
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from engine.errors import (
    GuardFailed,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    TransitionNotAllowed,
)
from engine.models import WorkflowInstance
from engine.permissions import Actor, check_role
from workflows.directory import actor_for, find_cohort, find_region
from workflows.models import (
    CohortMember,
    EvaluationReturn,
    EvaluationScore,
    EvaluationWindow,
    Province,
    Region,
    WindowExtension,
)
from workflows.programme import MASTER_PLAN, Programme
from workflows.zones import ZONES, local

PARTS = ("baseline", "output", "outcome", "impact", "quick_win")
IMPLEMENTATION = "implementation"
WIB = ZoneInfo(ZONES["WIB"])

# Sums of float weights (0.1 * 3 + 0.2 * 4 ...) carry noise in the 16th digit; results are
# rounded to this many decimals so that a worked example comes out exact and equal indices tie.
DECIMALS = 9


# -- windows -------------------------------------------------------------------------------

_SPEC = re.compile(r"^\s*(\d{2})-(\d{2})\s*/\s*(\d{2})-(\d{2})\s*$")


def _day(year: int, month: int, day: int, spec: str) -> date:
    if not 1 <= month <= 12:
        raise InvalidInputError(f"evaluation window {spec!r}: no month {month:02d}")
    last = calendar.monthrange(year, month)[1]
    if month == 2 and day == 29:
        day = last  # 02-29 means the last day of February in a common year
    if not 1 <= day <= last:
        raise InvalidInputError(f"evaluation window {spec!r}: no day {month:02d}-{day:02d}")
    return date(year, month, day)


def window_dates(spec: str, year: int) -> tuple[date, date]:
    """The first and last day of a ``MM-DD/MM-DD`` window in ``year``.

    A window whose last day comes before its first in the calendar (``12-15/01-15``) ends in
    the following year.
    """
    found = _SPEC.match(spec)
    if found is None:
        raise InvalidInputError(
            f"evaluation window {spec!r} is not MM-DD/MM-DD (e.g. 06-01/06-30); fix "
            "SMARTCITY_EVALUATION_WINDOWS")
    m1, d1, m2, d2 = (int(g) for g in found.groups())
    first = _day(year, m1, d1, spec)
    last = _day(year, m2, d2, spec)
    if last < first:
        last = _day(year + 1, m2, d2, spec)
    return first, last


def window_times(first: date, last: date) -> tuple[datetime, datetime]:
    """00:00 WIB on ``first`` and 23:59:59 WIB on ``last``, as aware UTC datetimes."""
    opens = datetime.combine(first, time(0, 0), WIB).astimezone(UTC)
    closes = datetime.combine(last, time(23, 59, 59), WIB).astimezone(UTC)
    return opens, closes


def planned_windows(prog: Programme, year: int) -> list[tuple[str, datetime, datetime]]:
    """The year's windows from the settings: ``(name, opens_at, closes_at)``, named
    ``YYYY-H1``, ``YYYY-H2``... in the order they open."""
    spans = sorted(window_times(*window_dates(s, year))
                   for s in prog.settings.evaluation_windows)
    return [(f"{year}-H{i}", o, c) for i, (o, c) in enumerate(spans, start=1)]


def ensure_windows(prog: Programme, year: int) -> list[EvaluationWindow]:
    """Create the year's windows from the settings that do not exist yet; return all of them.

    Idempotent: a window that already exists (by name) keeps its times and status, so changing
    the settings later does not move a window already planned.
    """
    if not 2017 <= year <= 2100:
        raise InvalidInputError(f"year {year} is outside the programme (2017 onwards)")
    planned = planned_windows(prog, year)
    with prog.db.transaction() as session:
        out = []
        for name, opens, closes in planned:
            window = session.execute(
                select(EvaluationWindow).where(EvaluationWindow.name == name)
            ).scalar_one_or_none()
            if window is None:
                window = EvaluationWindow(name=name, opens_at=opens, closes_at=closes)
                session.add(window)
                session.flush()
            out.append(window)
        return out


def windows(session: Session, year: int | None = None) -> list[EvaluationWindow]:
    """Windows (of one year, by name prefix), in the order they open."""
    query = select(EvaluationWindow).order_by(col(EvaluationWindow.opens_at))
    if year is not None:
        query = query.where(col(EvaluationWindow.name).startswith(f"{year}-"))
    return list(session.execute(query).scalars())


def find_window(session: Session, ref: str) -> EvaluationWindow:
    window = session.execute(
        select(EvaluationWindow).where(EvaluationWindow.name == ref.strip())
    ).scalar_one_or_none()
    if window is not None:
        return window
    names = [w.name for w in windows(session)]
    hint = (f"; known windows: {', '.join(names)}" if names
            else "; create them with 'smartcity evaluation windows --year YYYY'")
    raise NotFoundError(f"no evaluation window {ref.strip()!r}{hint}")


def regions_in_implementation(session: Session) -> list[str]:
    """Codes of the regions whose current (newest) master-plan cycle is in implementation."""
    newest: dict[str, tuple[int, str]] = {}
    for subject, cycle, state in session.execute(
        select(col(WorkflowInstance.subject), col(WorkflowInstance.cycle),
               col(WorkflowInstance.state))
        .where(WorkflowInstance.definition_key == MASTER_PLAN)
    ).all():
        if subject not in newest or cycle > newest[subject][0]:
            newest[subject] = (cycle, state)
    return sorted(s for s, (_, state) in newest.items() if state == IMPLEMENTATION)


@dataclass(frozen=True)
class WindowChange:
    """A window the scheduler opened or closed, and the regions in implementation then
    (whom the opening notice, or the closing report, is for)."""

    window: EvaluationWindow
    regions: list[str]


def _now(prog: Programme, now: datetime | None) -> datetime:
    at = now if now is not None else prog.engine.clock()
    if at.tzinfo is None:
        raise InvalidInputError("a time without a zone is ambiguous; give an aware datetime")
    return at.astimezone(UTC)


def _due(session: Session, prog: Programme, *conditions: object) -> list[EvaluationWindow]:
    query = select(EvaluationWindow).where(*conditions).order_by(  # type: ignore[arg-type]
        col(EvaluationWindow.opens_at))
    if not prog.db.is_sqlite:
        # Two schedulers calling at once: each window is claimed by one of them only.
        # (SQLite serialises writers with BEGIN IMMEDIATE.)
        query = query.with_for_update(skip_locked=True)
    return list(session.execute(query).scalars())


def open_due_windows(prog: Programme, now: datetime | None = None) -> list[WindowChange]:
    """Open the scheduled windows whose ``opens_at`` has come (status scheduled -> open).

    Returns what changed with the regions in implementation, for the opening notices; a second
    call at the same time returns nothing. A window whose close has also passed (the scheduler
    was down for all of it) is not opened: :func:`close_due_windows` closes it directly, so no
    opening notice goes out for a window that can no longer be used.
    """
    at = _now(prog, now)
    with prog.db.transaction() as session:
        due = _due(session, prog, EvaluationWindow.status == "scheduled",
                   col(EvaluationWindow.opens_at) <= at, col(EvaluationWindow.closes_at) > at)
        if not due:
            return []
        regions = regions_in_implementation(session)
        for window in due:
            window.status, window.opened_at = "open", at
            session.add(window)
        session.flush()
        return [WindowChange(w, list(regions)) for w in due]


def close_due_windows(prog: Programme, now: datetime | None = None) -> list[WindowChange]:
    """Close the windows whose ``closes_at`` has come (open -> closed; also scheduled -> closed
    for a window missed entirely). Returns what changed; a second call returns nothing."""
    at = _now(prog, now)
    with prog.db.transaction() as session:
        due = _due(session, prog, col(EvaluationWindow.status).in_(("scheduled", "open")),
                   col(EvaluationWindow.closes_at) <= at)
        if not due:
            return []
        regions = regions_in_implementation(session)
        for window in due:
            window.status, window.closed_at = "closed", at
            session.add(window)
        session.flush()
        return [WindowChange(w, list(regions)) for w in due]


def run_due(prog: Programme, now: datetime | None = None
            ) -> tuple[list[WindowChange], list[WindowChange]]:
    """What the scheduler runs: make sure this year's windows exist (year in WIB), then open
    and close what is due. Returns ``(opened, closed)``."""
    at = _now(prog, now)
    ensure_windows(prog, at.astimezone(WIB).year)
    return open_due_windows(prog, at), close_due_windows(prog, at)


def pending_regions(prog: Programme, window_ref: str) -> list[str]:
    """Regions in implementation without a return in the window (for closing reminders)."""
    with prog.db.read() as session:
        window = find_window(session, window_ref)
        done = set(session.execute(select(EvaluationReturn.region_code).where(
            EvaluationReturn.window_id == window.id)).scalars())
        return [r for r in regions_in_implementation(session) if r not in done]


# -- extensions and returns ----------------------------------------------------------------

def _check_region_scope(actor: Actor, region: str, action: str) -> None:
    if actor.subjects is not None and region not in actor.subjects:
        raise PermissionDenied(
            f"{actor.describe()} acts for {', '.join(sorted(actor.subjects)) or 'no region'}, "
            f"not {region}; only someone of {region} or a programme coordinator may {action}")


def _aware(at: datetime, what: str) -> datetime:
    if at.tzinfo is None:
        raise InvalidInputError(f"{what} has no time zone; give it in WIB, WITA or WIT")
    return at.astimezone(UTC)


def parse_time(text: str, tz: str) -> datetime:
    """``YYYY-MM-DD [HH:MM[:SS]] [WIB|WITA|WIT]`` read in zone ``tz`` unless a zone is named;
    a date alone means 23:59:59 of that day. Returns aware UTC."""
    parts = text.strip().split()
    zone = tz
    if parts and parts[-1].upper() in ZONES:
        zone = ZONES[parts.pop().upper()]
    value = " ".join(parts)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            parsed = parsed.replace(hour=23, minute=59, second=59)
        try:
            return parsed.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
        except OverflowError:  # year 1 or 9999 pushed past the calendar by the zone offset
            raise InvalidInputError(f"{text!r} is out of the supported range of dates; give "
                                    "a date in this century") from None
    raise InvalidInputError(
        f"{text!r} is not a time: give YYYY-MM-DD or 'YYYY-MM-DD HH:MM', optionally followed "
        "by WIB, WITA or WIT (default: the region's own zone)")


def extend_window(prog: Programme, window_ref: str, region_ref: str, until: datetime,
                  as_email: str) -> WindowExtension:
    """Let one region submit until ``until`` after the window closes (coordinator only).

    Granting again replaces the earlier extension of that region and window.
    """
    until = _aware(until, "the extension's end")
    with prog.db.transaction() as session:
        actor = actor_for(session, as_email)
        check_role("extend an evaluation window", ["coordinator"], actor)
        window = find_window(session, window_ref)
        region = find_region(session, region_ref)
        _check_region_scope(actor, region.code, "extend its window")
        now = prog.engine.clock()
        if until <= window.closes_at:
            raise InvalidInputError(
                f"window {window.name} already runs until {local(window.closes_at, region.tz)}; "
                "an extension must end after that")
        if until <= now:
            raise InvalidInputError(
                f"{local(until, region.tz)} has already passed; give a later time")
        ext = session.execute(select(WindowExtension).where(
            WindowExtension.window_id == window.id,
            WindowExtension.region_code == region.code)).scalar_one_or_none()
        if ext is None:
            assert window.id is not None, "a window read from the database has an id"
            ext = WindowExtension(window_id=window.id, region_code=region.code, until=until,
                                  granted_by=actor.identity, granted_at=now)
        ext.until, ext.granted_by, ext.granted_at = until, actor.identity, now
        session.add(ext)
        session.flush()
        return ext


@dataclass(frozen=True)
class ReturnResult:
    region: str
    window: str
    submitted_at: datetime
    submitted_by: str
    resubmitted: bool
    extended_until: datetime | None  # set when accepted only thanks to an extension


def submit_return(prog: Programme, region_ref: str, window_ref: str,
                  as_email: str) -> ReturnResult:
    """Hand in the region's evaluation return for the window (an OPD of the region or a
    coordinator). One return per region and window: submitting again updates its time and
    submitter. Refused outside the window unless the region's extension is still running."""
    with prog.db.transaction() as session:
        actor = actor_for(session, as_email)
        check_role("submit an evaluation return", ["opd", "coordinator"], actor)
        region = find_region(session, region_ref)
        _check_region_scope(actor, region.code, "submit its evaluation return")
        window = find_window(session, window_ref)
        instance = prog.current_instance(session, region.code)
        if instance.state != IMPLEMENTATION:
            raise TransitionNotAllowed(
                f"{region.code} {region.name} is in stage {instance.state!r}, not "
                f"{IMPLEMENTATION!r}; only regions implementing an adopted master plan hand in "
                "evaluation returns")
        now = prog.engine.clock()
        extended = _gate(session, window, region, now)
        ret = session.execute(select(EvaluationReturn).where(
            EvaluationReturn.window_id == window.id,
            EvaluationReturn.region_code == region.code)).scalar_one_or_none()
        resubmitted = ret is not None
        if ret is None:
            assert window.id is not None, "a window read from the database has an id"
            ret = EvaluationReturn(window_id=window.id, region_code=region.code,
                                   submitted_by=actor.identity, submitted_at=now)
        ret.submitted_by, ret.submitted_at = actor.identity, now
        session.add(ret)
        session.flush()
        return ReturnResult(region.code, window.name, now, actor.identity, resubmitted,
                            extended)


def _gate(session: Session, window: EvaluationWindow, region: Region,
          now: datetime) -> datetime | None:
    """None if the window is open at ``now``; the extension's end if only an extension lets
    the region in; otherwise refuse, saying when the window opens or closed."""
    action = "submit an evaluation return"
    if now < window.opens_at:
        raise GuardFailed(action, [
            f"window {window.name} is not open yet: it opens {local(window.opens_at, region.tz)}"
            f" and closes {local(window.closes_at, region.tz, '%Y-%m-%d %H:%M:%S')}"])
    if now < window.closes_at:
        return None
    ext = session.execute(select(WindowExtension).where(
        WindowExtension.window_id == window.id,
        WindowExtension.region_code == region.code)).scalar_one_or_none()
    if ext is not None and now < ext.until:
        return ext.until
    closed = local(window.closes_at, region.tz, "%Y-%m-%d %H:%M:%S")
    if ext is not None:
        why = (f"window {window.name} closed {closed} and the extension for {region.code} ended "
               f"{local(ext.until, region.tz)}")
    else:
        why = f"window {window.name} closed {closed}"
    raise GuardFailed(action, [
        f"{why}; a coordinator can extend it for {region.code} with 'smartcity evaluation "
        f"extend {window.name} {region.code} UNTIL'"])


# -- scores ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreResult:
    region: str
    window: str
    part: str
    dimension: str | None
    value: float
    mean: float  # of every assessor's score of this part (and dimension)
    assessors: int


def _scale_text(prog: Programme) -> str:
    low, high = prog.settings.evaluation_scale
    return f"{low:g} to {high:g}"


def score(prog: Programme, region_ref: str, window_ref: str, part: str, value: float,
          as_email: str, dimension: str | None = None) -> ScoreResult:
    """An assessor's (or coordinator's) score of one part of a region's return, overall or for
    one dimension. Scoring the same part and dimension again replaces one's own score; several
    assessors' scores average."""
    part = part.strip().lower().replace("-", "_")
    if part not in PARTS:
        raise InvalidInputError(f"unknown part {part!r}; the parts are {', '.join(PARTS)}")
    low, high = prog.settings.evaluation_scale
    if math.isnan(value) or not low <= value <= high:
        raise InvalidInputError(
            f"score {value:g} is outside the evaluation scale {_scale_text(prog)}; give a value "
            "on that scale")
    dim = (dimension or "").strip().lower()
    if dim and prog.dimensions.get(dim) is None:
        known = ", ".join(d.code for d in prog.dimensions.dimensions)
        raise InvalidInputError(f"unknown dimension {dim!r} (one of: {known})")
    with prog.db.transaction() as session:
        actor = actor_for(session, as_email)
        check_role("score an evaluation return", ["assessor", "coordinator"], actor)
        region = find_region(session, region_ref)
        _check_region_scope(actor, region.code, "score its return")
        window = find_window(session, window_ref)
        ret = session.execute(select(EvaluationReturn).where(
            EvaluationReturn.window_id == window.id,
            EvaluationReturn.region_code == region.code)).scalar_one_or_none()
        if ret is None or ret.id is None:
            raise NotFoundError(
                f"{region.code} has no evaluation return in {window.name}; the region submits "
                f"it first ('smartcity evaluation submit {region.code} {window.name}')")
        row = session.execute(select(EvaluationScore).where(
            EvaluationScore.return_id == ret.id, EvaluationScore.part == part,
            EvaluationScore.dimension == dim, EvaluationScore.assessor == actor.identity)
        ).scalar_one_or_none()
        now = prog.engine.clock()
        if row is None:
            row = EvaluationScore(return_id=ret.id, part=part, dimension=dim, score=value,
                                  assessor=actor.identity, scored_at=now)
        row.score, row.scored_at = float(value), now
        session.add(row)
        session.flush()
        values = list(session.execute(select(EvaluationScore.score).where(
            EvaluationScore.return_id == ret.id, EvaluationScore.part == part,
            EvaluationScore.dimension == dim)).scalars())
        return ScoreResult(region.code, window.name, part, dim or None, float(value),
                           round(math.fsum(values) / len(values), DECIMALS), len(values))


@dataclass(frozen=True)
class PartsIndex:
    """Part means and their weighted index; ``index`` is None while ``missing`` is not empty."""

    parts: dict[str, float]
    index: float | None
    missing: list[str]


@dataclass(frozen=True)
class EvaluationIndex(PartsIndex):
    region: str = ""
    window: str = ""
    per_dimension: dict[str, PartsIndex] = field(default_factory=dict)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _weighted(means: dict[str, float], weights: dict[str, float]) -> PartsIndex:
    missing = [p for p in PARTS if p not in means]
    total = (None if missing
             else round(math.fsum(weights[p] * means[p] for p in PARTS), DECIMALS))
    return PartsIndex({p: round(means[p], DECIMALS) for p in PARTS if p in means}, total,
                      missing)


def _compute(region: str, window: str, scores: Iterable[tuple[str, str, float]],
             weights: dict[str, float]) -> EvaluationIndex:
    overall: dict[str, list[float]] = defaultdict(list)
    by_dim: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for part, dim, value in scores:
        if dim:
            by_dim[dim][part].append(value)
        else:
            overall[part].append(value)
    per_dimension = {d: _weighted({p: _mean(v) for p, v in parts.items()}, weights)
                     for d, parts in sorted(by_dim.items())}
    means: dict[str, float] = {}
    for part in PARTS:
        if overall[part]:
            means[part] = _mean(overall[part])
        else:
            dim_means = [_mean(parts[part]) for parts in by_dim.values() if parts.get(part)]
            if dim_means:
                means[part] = _mean(dim_means)
    top = _weighted(means, weights)
    return EvaluationIndex(top.parts, top.index, top.missing, region=region, window=window,
                           per_dimension=per_dimension)


def _indices(session: Session, prog: Programme, window: EvaluationWindow,
             codes: Sequence[str]) -> dict[str, EvaluationIndex]:
    rows = session.execute(
        select(col(EvaluationReturn.region_code), col(EvaluationScore.part),
               col(EvaluationScore.dimension), col(EvaluationScore.score))
        .join(EvaluationScore, col(EvaluationScore.return_id) == EvaluationReturn.id)
        .where(EvaluationReturn.window_id == window.id,
               col(EvaluationReturn.region_code).in_(codes))
    ).all()
    grouped: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for code, part, dim, value in rows:
        grouped[code].append((part, dim, value))
    weights = prog.settings.evaluation_weights
    return {c: _compute(c, window.name, grouped.get(c, []), weights) for c in codes}


def index(prog: Programme, window_ref: str, region_ref: str) -> EvaluationIndex:
    """The region's achievement index in the window.

    - ``parts``: the mean of each part over every assessor's overall score of it. A part scored
      only per dimension takes the mean of its per-dimension means.
    - ``index``: the weighted sum of the five part means with ``settings.evaluation_weights``.
      It is reported only when all five parts have a score; otherwise it is None and
      ``missing`` lists the parts still to score (a missing part is never counted as zero, nor
      are the weights of the scored parts rescaled).
    - ``per_dimension``: for each dimension with scores, the same computed over that
      dimension's scores alone (None with ``missing`` until its five parts are scored).

    Values are rounded to 9 decimals, which removes float noise (0.1*3 + 0.2*4 + 0.3*3 +
    0.3*2 + 0.1*4 is exactly 3.0).
    """
    with prog.db.read() as session:
        window = find_window(session, window_ref)
        region = find_region(session, region_ref)
        return _indices(session, prog, window, [region.code])[region.code]


@dataclass(frozen=True)
class RankRow:
    rank: int | None  # None while the index is incomplete; ties share a rank (1, 1, 3)
    region: str
    name: str
    province: str
    zone: str
    returned: bool
    result: EvaluationIndex


def ranking(prog: Programme, cohort_ref: str, window_ref: str) -> list[RankRow]:
    """Every region of the cohort: those with a complete index first, by index descending,
    equal indices sharing a rank and ordered by region code; then the unranked ones (no return,
    or parts still to score) by region code."""
    with prog.db.read() as session:
        cohort = find_cohort(session, cohort_ref)
        window = find_window(session, window_ref)
        members = session.execute(
            select(col(Region.code), col(Region.name), col(Province.name), col(Region.zone))
            .join(CohortMember, col(CohortMember.region_code) == Region.code)
            .join(Province, col(Province.code) == Region.province_code)
            .where(CohortMember.cohort_id == cohort.id)
        ).all()
        codes = [m[0] for m in members]
        returned = set(session.execute(select(EvaluationReturn.region_code).where(
            EvaluationReturn.window_id == window.id,
            col(EvaluationReturn.region_code).in_(codes))).scalars())
        results = _indices(session, prog, window, codes)
    info = {m[0]: m for m in members}

    def key(code: str) -> tuple[int, float, str]:
        value = results[code].index
        return (0, -value, code) if value is not None else (1, 0.0, code)

    out: list[RankRow] = []
    previous: float | None = None
    rank = 0
    for position, code in enumerate(sorted(codes, key=key), start=1):
        value = results[code].index
        if value is not None and value != previous:
            rank, previous = position, value
        _, name, province, zone = info[code]
        out.append(RankRow(rank if value is not None else None, code, name, province, zone,
                           code in returned, results[code]))
    return out

