"""Evaluation windows: twice a year, opened and closed by the scheduler, in WIB.

Twice a year (dates in ``settings.evaluation_windows``, ``MM-DD/MM-DD`` in WIB) every region in
implementation hands in an evaluation return. A window opens at 00:00 WIB on its first day and
closes at 23:59:59 WIB on its last (stored in UTC). Whether a return is accepted depends on the
window's *times*, not on its status (:mod:`workflows.evaluation.returns`): the scheduler calls
:func:`open_due_windows` and :func:`close_due_windows` every few minutes to record the
transitions (and to learn whom to notify), but a return arriving a second after the close is
refused even if the scheduler has not run yet.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from config.messages import Message
from engine import InvalidInputError, NotFoundError, Records
from workflows.evaluation import WIB
from workflows.evaluation.editions import edition_in_force
from workflows.evaluation.models import EvaluationReturn, EvaluationWindow
from workflows.master_plan import IMPLEMENTATION, MASTER_PLAN
from workflows.programme import Programme

_SPEC = re.compile(r"^\s*(\d{2})-(\d{2})\s*/\s*(\d{2})-(\d{2})\s*$")


def _day(year: int, month: int, day: int, spec: str) -> date:
    if not 1 <= month <= 12:
        raise InvalidInputError("evaluation.error.no_month", spec=spec, month=f"{month:02d}")
    last = calendar.monthrange(year, month)[1]
    if month == 2 and day == 29:
        day = last  # 02-29 means the last day of February in a common year
    if not 1 <= day <= last:
        raise InvalidInputError("evaluation.error.no_day", spec=spec,
                                day=f"{month:02d}-{day:02d}")
    return date(year, month, day)


def window_dates(spec: str, year: int) -> tuple[date, date]:
    """The first and last day of a ``MM-DD/MM-DD`` window in ``year``.

    A window whose last day comes before its first in the calendar (``12-15/01-15``) ends in
    the following year.
    """
    found = _SPEC.match(spec)
    if found is None:
        raise InvalidInputError("evaluation.error.bad_spec", spec=spec)
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
    the settings later does not move a window already planned. A new window belongs to the
    edition in force on its first day (:func:`~workflows.evaluation.editions.edition_in_force`).
    """
    if not 2017 <= year <= 2100:
        raise InvalidInputError("directory.year_outside", year=year)
    planned = planned_windows(prog, year)
    with prog.db.transaction() as session:
        out = []
        for name, opens, closes in planned:
            window = session.execute(
                select(EvaluationWindow).where(EvaluationWindow.name == name)
            ).scalar_one_or_none()
            if window is None:
                edition = edition_in_force(session, prog, opens)
                window = EvaluationWindow(name=name, opens_at=opens, closes_at=closes,
                                          edition_id=edition.id)
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
    hint = (Message("evaluation.error.known_windows", names=names) if names
            else Message("evaluation.error.no_windows_yet"))
    raise NotFoundError("evaluation.error.no_window", ref=ref.strip(), hint=hint)


def regions_in_implementation(session: Session) -> list[str]:
    """Codes of the regions whose current (newest) master-plan cycle is in implementation."""
    current = Records(session).current_instances(MASTER_PLAN)
    return sorted(s for s, instance in current.items() if instance.state == IMPLEMENTATION)


@dataclass(frozen=True)
class WindowChange:
    """A window the scheduler opened or closed, and the regions in implementation then
    (whom the opening notice, or the closing report, is for)."""

    window: EvaluationWindow
    regions: list[str]


def _now(prog: Programme, now: datetime | None) -> datetime:
    at = now if now is not None else prog.engine.clock()
    if at.tzinfo is None:
        raise InvalidInputError("evaluation.error.naive_time")
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
