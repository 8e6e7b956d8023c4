"""``smartcity evaluation edition create/list/show`` through Typer's CliRunner (the evaluation
group on a root app with the real error boundary, bound to the ``prog`` fixture): an edition
from a shipped instrument or a file, the windows that belong to it, and every refusal (a
wrong instrument file, an unknown one, a clash, a bad date) as one line with exit 1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from evaluation_clikit import ANSI, Cli, squash  # type: ignore[import-not-found]

from interfaces.cli.context import state


@pytest.fixture
def cli(prog: Any) -> Iterator[Cli]:
    yield Cli(prog)
    state.close()


def test_editions_are_created_listed_and_shown(world: Any, clock: Any, cli: Cli,
                                               tmp_path: Path) -> None:
    clock.now = datetime(2026, 1, 5, tzinfo=UTC)
    assert cli.ok("edition", "list").strip() == "no editions yet"
    out = " ".join(cli.ok("edition", "create", "2026", "--instrument", "smart-city-2023",
                          "--as", world.COORDINATOR).split())
    assert out.startswith("Edition 2026 created: starts 2026-01-01, instrument smart-city "
                          "v2023, weights Baseline 10%, Output 20%, Outcome 30%, Impact 30%, "
                          "Quick Win 10%, scale 1-4 (sha256 ")
    assert squash(cli.ok("windows", "--year", "2026")).count("│2026│") == 2  # edition column
    file = tmp_path / "letter.yaml"
    file.write_text("key: kemendagri\nversion: 2027\ntitle: Surat 2027\n"
                    "scale: {low: 0, high: 10}\n"
                    "parts: {baseline: 0.1, output: 0.2, outcome: 0.3, impact: 0.2, "
                    "quick_win: 0.2}\ndimensions: shipped\n", encoding="utf-8")
    cli.ok("windows", "--year", "2027")
    out = " ".join(cli.ok("edition", "create", "2027", "--instrument", str(file),
                          "--as", world.COORDINATOR).split())
    assert "scale 0-10" in out
    assert "Windows not yet opened and without returns now use this edition: 2027-H1, " \
           "2027-H2." in out

    flat = squash(cli.ok("edition", "list"))
    assert "2026│2026-01-01│smart-cityv2023│Baseline10%,Output20%,Outcome30%," in flat
    assert "2027│2027-01-01│kemendagriv2027│Baseline10%,Output20%,Outcome30%," in flat
    assert "2026-H1,2026-H2│0" in flat and "2027-H1,2027-H2│0" in flat
    out = cli.ok("edition", "show", "2027")
    assert "Edition 2027: Surat 2027" in out
    assert "Weights: Baseline 10%, Output 20%, Outcome 30%, Impact 20%, Quick Win 20%" in out
    assert re.search(r"sha256 [0-9a-f]{64}\), created by " + re.escape(world.COORDINATOR), out)

    line = cli.fail("edition", "show", "2030")
    assert line == "error: There is no evaluation edition “2030”; the editions are: 2026, 2027."
    line = cli.fail("edition", "create", "2027", "--instrument", "kemendagri-2024",
                    "--as", world.COORDINATOR)
    assert "“2027” exists already" in line


@pytest.mark.parametrize(("parts", "problem"), [
    ("{baseline: 0.1, output: 0.2, outcome: 0.3, impact: 0.3, quick_win: 0.2}",
     "the weights add up to 1.1, not 1"),
    ("{baseline: 0.1, output: 0.2, outcome: 0.3, impact: 0.3, bonus: 0.1}",
     "unknown part “bonus”"),
])
def test_a_wrong_instrument_file_exits_1_in_one_line(world: Any, cli: Cli, tmp_path: Path,
                                                     parts: str, problem: str) -> None:
    file = tmp_path / "wrong.yaml"
    file.write_text(f"key: wrong\nversion: 1\ntitle: Salah\nscale: {{low: 1, high: 4}}\n"
                    f"parts: {parts}\ndimensions: shipped\n", encoding="utf-8")
    line = cli.fail("edition", "create", "2027", "--instrument", str(file),
                    "--as", world.COORDINATOR)
    assert line.startswith(f"error: The evaluation instrument {file} cannot be used: {problem}")
    file.write_text("key: wrong\nversion: 1\ntitle: Salah\nscale: {low: 4, high: 4}\n"
                    "parts: {output: 1}\ndimensions: shipped\n", encoding="utf-8")
    assert "`scale` must give low and high" in cli.fail(
        "edition", "create", "2027", "--instrument", str(file), "--as", world.COORDINATOR)
    assert "no instrument “nowhere.yaml”" in cli.fail(
        "edition", "create", "2027", "--instrument", "nowhere.yaml", "--as", world.COORDINATOR)
    assert cli.ok("edition", "list").strip() == "no editions yet"


def test_a_bad_first_day_is_a_usage_error(world: Any, cli: Cli) -> None:
    result = cli.run("edition", "create", "2027", "--starts", "soon", "--as", world.COORDINATOR)
    assert result.exit_code == 2
    assert "“soon” is not a date YYYY-MM-DD" in ANSI.sub("", result.stderr)
