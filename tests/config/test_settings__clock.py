"""``SMARTCITY_NOW``: the service's clock, settable for tests and simulations.

Empty means the real clock; a time needs its zone (a naive one would be read differently by
every process); the programme then runs at that time.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from config.settings import Settings


def test_empty_is_the_real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_NOW", "")
    assert Settings().now is None


def test_a_time_needs_its_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_NOW", "2027-06-29T08:00")
    with pytest.raises(ValidationError, match="needs its zone"):
        Settings()
    monkeypatch.setenv("SMARTCITY_NOW", "2027-06-29T08:00+09:00")
    assert Settings().now == datetime(2027, 6, 28, 23, 0, tzinfo=UTC)


def test_the_programme_runs_at_that_time(tmp_path: Path) -> None:
    from workflows.programme import Programme

    fixed = datetime(2027, 6, 29, 1, 0, tzinfo=UTC)
    prog = Programme(Settings(data_dir=tmp_path, now=fixed))
    try:
        assert prog.engine.clock() == fixed
    finally:
        prog.close()


def test_deadlines_fall_at_the_end_of_the_day_by_default() -> None:
    settings = Settings()
    assert (settings.deadline_time, settings.deadline_on_working_day) == (time(23, 59), True)
