"""Evaluation windows: made from the settings in UTC, opened and closed at their moments.

``workflows.evaluation.windows`` creates a year's windows from ``evaluation_windows`` (default
06-01/06-30 and 11-01/11-30 in WIB) idempotently, across the new year and leap days, refusing
bad specs; opens and closes each once, at its time, announcing it to the regions in
implementation; ``run_due`` creates the year's windows and opens the due ones for the scheduler,
and two schedulers at once open a window once. On SQLite and PostgreSQL, moving the simulated
clock instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from evaluationkit import (  # type: ignore[import-not-found]
    BALIKPAPAN,
    H1_CLOSES,
    H1_OPENS,
    H2_CLOSES,
    H2_OPENS,
    SEMARANG,
    at,
    implementing,
)
from sqlmodel import func, select

from engine import InvalidInputError
from workflows.evaluation import windows
from workflows.evaluation.models import EvaluationWindow


def test_windows_are_created_from_the_settings_in_utc_and_idempotently(prog: Any) -> None:
    made = windows.ensure_windows(prog, 2026)
    assert [(w.name, w.opens_at, w.closes_at, w.status) for w in made] == [
        ("2026-H1", H1_OPENS, H1_CLOSES, "scheduled"),
        ("2026-H2", H2_OPENS, H2_CLOSES, "scheduled"),
    ]
    again = windows.ensure_windows(prog, 2026)
    assert [w.id for w in again] == [w.id for w in made]
    with prog.db.read() as session:
        stored = windows.windows(session, 2026)
        assert [(w.name, w.opens_at, w.closes_at) for w in stored] == [
            (w.name, w.opens_at, w.closes_at) for w in made]
        assert session.execute(select(func.count()).select_from(EvaluationWindow)).scalar_one() == 2


def test_window_specs_cross_the_year_and_leap_days_and_bad_ones_are_refused(
    make_prog: Any,
) -> None:
    prog = make_prog(evaluation_windows=("12-15/01-15", "02-29/03-10"))
    made = windows.ensure_windows(prog, 2027)
    assert [(w.name, w.opens_at, w.closes_at) for w in made] == [
        ("2027-H1", datetime(2027, 2, 27, 17, tzinfo=UTC),
         datetime(2027, 3, 10, 16, 59, 59, tzinfo=UTC)),
        ("2027-H2", datetime(2027, 12, 14, 17, tzinfo=UTC),
         datetime(2028, 1, 15, 16, 59, 59, tzinfo=UTC)),
    ]
    with pytest.raises(InvalidInputError, match=r"not MM-DD/MM-DD"):
        windows.ensure_windows(make_prog(evaluation_windows=("June",)), 2026)
    with pytest.raises(InvalidInputError, match=r"no day 06-31"):
        windows.ensure_windows(make_prog(evaluation_windows=("06-01/06-31",)), 2026)


def test_windows_open_and_close_at_their_moments_idempotently(world: Any, clock: Any) -> None:
    prog = world.prog
    implementing(world, BALIKPAPAN)
    world.region(SEMARANG)  # selected but still in assessment: not announced
    windows.ensure_windows(prog, 2026)

    at(clock, datetime(2026, 5, 31, 16, 59, 59, tzinfo=UTC))
    assert windows.open_due_windows(prog) == []
    at(clock, H1_OPENS)
    opened = windows.open_due_windows(prog)
    assert [(c.window.name, c.window.status, c.window.opened_at, c.regions)
            for c in opened] == [("2026-H1", "open", H1_OPENS, [BALIKPAPAN])]
    assert windows.open_due_windows(prog) == []  # the scheduler calling twice
    assert windows.close_due_windows(prog) == []

    at(clock, datetime(2026, 6, 30, 16, 59, 58, tzinfo=UTC))
    assert windows.close_due_windows(prog) == []
    at(clock, datetime(2026, 6, 30, 17, 3, tzinfo=UTC))  # the next scheduler tick after close
    closed = windows.close_due_windows(prog)
    assert [(c.window.name, c.window.status, c.window.closed_at, c.regions)
            for c in closed] == [("2026-H1", "closed", clock.now, [BALIKPAPAN])]
    assert windows.close_due_windows(prog) == []
    assert windows.open_due_windows(prog) == []  # a closed window never reopens

    # The scheduler down for the whole of H2: the window is closed, never announced open.
    at(clock, datetime(2026, 12, 2, tzinfo=UTC))
    assert windows.open_due_windows(prog) == []
    assert [c.window.name for c in windows.close_due_windows(prog)] == ["2026-H2"]
    with prog.db.read() as session:
        assert [(w.name, w.status, w.opened_at is None) for w in windows.windows(session)] == [
            ("2026-H1", "closed", False), ("2026-H2", "closed", True)]


def test_run_due_creates_the_year_then_opens(world: Any, clock: Any) -> None:
    at(clock, H1_OPENS)
    opened, closed = windows.run_due(world.prog)
    assert [c.window.name for c in opened] == ["2026-H1"] and closed == []
    assert windows.run_due(world.prog) == ([], [])


def test_two_schedulers_at_once_open_each_window_once(prog: Any, clock: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    windows.ensure_windows(prog, 2026)
    at(clock, H1_OPENS)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: windows.open_due_windows(prog), range(4)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
