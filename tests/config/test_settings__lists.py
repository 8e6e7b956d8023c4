"""List, pair and table settings are written as an operator writes them: comma-separated text
(``SMARTCITY_REMINDER_DAYS=7,3,1``) or JSON (``[7,3,1]``), and give the same value either way.
``SMARTCITY_REMINDER_DAYS=7,3,1`` used to end in an internal error (exit 70)."""

from __future__ import annotations

from datetime import date

import pytest

from config.settings import Settings

WEIGHTS = {"baseline": 0.1, "output": 0.2, "outcome": 0.3, "impact": 0.3, "quick_win": 0.1}


@pytest.mark.parametrize(("field", "written", "value"), [
    ("reminder_days", "7,3,1", (7, 3, 1)),
    ("reminder_days", " 14, 7 ,1 ", (14, 7, 1)),
    ("reminder_days", "[7,3,1]", (7, 3, 1)),
    ("reminder_days", "5", (5,)),
    ("reminder_days", "", ()),
    ("collective_leave", "2026-12-24,2026-12-31", (date(2026, 12, 24), date(2026, 12, 31))),
    ("collective_leave", '["2026-12-24", "2026-12-31"]',
     (date(2026, 12, 24), date(2026, 12, 31))),
    ("collective_leave", "", ()),
    ("evaluation_windows", "06-01/06-30,11-01/11-30", ("06-01/06-30", "11-01/11-30")),
    ("evaluation_windows", '["06-01/06-30"]', ("06-01/06-30",)),
    ("evaluation_windows", "12-15/01-15, 02-29/03-10", ("12-15/01-15", "02-29/03-10")),
    ("evaluation_scale", "1,4", (1.0, 4.0)),
    ("evaluation_scale", "[0, 100]", (0.0, 100.0)),
    ("evaluation_weights", "baseline=0.1,output=0.2,outcome=0.3,impact=0.3,quick_win=0.1",
     WEIGHTS),
    ("evaluation_weights", "baseline: 0.1, output: 0.2, outcome: 0.3, impact: 0.3, "
                           "quick_win: 0.1", WEIGHTS),
    ("evaluation_weights", '{"baseline": 0.1, "output": 0.2, "outcome": 0.3, "impact": 0.3, '
                           '"quick_win": 0.1}', WEIGHTS),
])
def test_comma_separated_or_json(monkeypatch: pytest.MonkeyPatch, field: str, written: str,
                                 value: object) -> None:
    monkeypatch.setenv(f"SMARTCITY_{field.upper()}", written)
    assert getattr(Settings(), field) == value


def test_values_given_in_code_are_taken_as_they_are() -> None:
    settings = Settings(reminder_days=(3,), evaluation_scale=(0.0, 10.0),
                        collective_leave=(date(2026, 12, 24),))
    assert settings.reminder_days == (3,)
    assert settings.evaluation_scale == (0.0, 10.0)
    again = Settings.model_validate(settings.model_dump())
    assert again.evaluation_weights == WEIGHTS
    assert again.collective_leave == (date(2026, 12, 24),)
