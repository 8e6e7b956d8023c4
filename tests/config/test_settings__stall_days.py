"""``SMARTCITY_STALL_DAYS``: after how many days in one stage the coordinators' inbox lists a
region as stalled. A whole number of days from 1 to 3650; anything else is refused in one
line, in the reader's language, naming what was given (the command line prints it after
``setting SMARTCITY_STALL_DAYS:``)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config import language
from config.settings import Settings


def test_sixty_days_by_default_longer_than_a_bimtek() -> None:
    assert Settings().stall_days == 60


@pytest.mark.parametrize("given, days", [("30", 30), (" 45 ", 45), ("3650", 3650), (7, 7)])
def test_a_whole_number_of_days(monkeypatch: pytest.MonkeyPatch, given: object,
                                days: int) -> None:
    if isinstance(given, str):
        monkeypatch.setenv("SMARTCITY_STALL_DAYS", given)
        assert Settings().stall_days == days
    else:
        assert Settings(stall_days=int(str(given))).stall_days == days


@pytest.mark.parametrize("given", ["0", "-3", "3651", "abc", "", "4.5", "３０", "1e3"])
def test_anything_else_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                              given: str) -> None:
    monkeypatch.setenv("SMARTCITY_STALL_DAYS", given)
    with pytest.raises(ValidationError) as refused:
        Settings()
    (problem,) = refused.value.errors()
    assert problem["loc"] == ("stall_days",)
    assert problem["msg"] == (
        f"must be a number of days, a whole number from 1 to 3650 (given: {given!r})")
    assert "\n" not in problem["msg"]


def test_the_refusal_is_worded_in_the_readers_language(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.setenv("SMARTCITY_STALL_DAYS", "sebulan")
    with language.using("id"), pytest.raises(ValidationError) as refused:
        Settings()
    assert refused.value.errors()[0]["msg"] == (
        "harus jumlah hari, bilangan bulat dari 1 sampai 3650 (diberikan: 'sebulan')")


def test_the_command_line_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from interfaces.cli.app import app

    monkeypatch.setenv("SMARTCITY_STALL_DAYS", "0")
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: setting SMARTCITY_STALL_DAYS: must be a number of days, a whole number from "
        "1 to 3650 (given: '0'); for example SMARTCITY_STALL_DAYS=60"]
