"""``smartcity evaluation ...`` through Typer's CliRunner, on a root app that registers only
the evaluation group (with the real error boundary), bound to the ``prog`` fixture so the
simulated clock decides what is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from evaluation_clikit import Cli, squash  # type: ignore[import-not-found]

from interfaces.cli.context import state

BALIKPAPAN = "64.71"
JAYAPURA = "91.71"


@pytest.fixture
def cli(prog: Any) -> Iterator[Cli]:
    yield Cli(prog)
    state.close()


def test_a_window_from_creation_to_ranking(world: Any, clock: Any, cli: Cli) -> None:
    seeded = {}
    for code in (BALIKPAPAN, JAYAPURA):
        seeded[code] = world.region(code)
        world.drive(seeded[code], "implementation")
    bpn, jpr = seeded[BALIKPAPAN], seeded[JAYAPURA]

    out = cli.ok("windows", "--year", "2026")
    assert "Evaluation windows 2026 (times in WIB)" in out
    flat = squash(out)
    assert "2026-H1│2026-06-0100:00:00WIB│2026-06-3023:59:59WIB│scheduled" in flat
    assert "2026-H2│2026-11-0100:00:00WIB│2026-11-3023:59:59WIB│scheduled" in flat

    clock.now = datetime(2026, 5, 31, 17, 0, tzinfo=UTC)
    out = cli.ok("open-close")
    assert out.strip() == ("opened 2026-H1 (until 2026-06-30 23:59:59 WIB): 2 region(s) in "
                           "implementation")
    assert cli.ok("open-close").strip() == "No evaluation window is due to open or close."
    assert "│open│" in squash(cli.ok("windows"))  # the clock's year

    clock.now = datetime(2026, 6, 12, 3, 0, tzinfo=UTC)
    out = cli.ok("submit", BALIKPAPAN, "2026-H1", "--as", bpn.opd)
    assert out.strip() == ("Submitted the evaluation return of 64.71 for 2026-H1 at "
                           "2026-06-12 11:00 WITA.")
    for part, value in (("baseline", "3"), ("output", "4"), ("outcome", "3"), ("impact", "2"),
                        ("quick_win", "4")):
        cli.ok("score", BALIKPAPAN, "2026-H1", part, value, "--as", world.ASSESSOR)
    out = cli.ok("score", BALIKPAPAN, "2026-H1", "output", "4", "--dimension", "governance",
                 "--as", world.ASSESSOR)
    assert out.strip() == ("Scored output (governance) of 64.71 in 2026-H1: 4; mean of 1 "
                           "assessor(s): 4.00.")
    line = cli.fail("score", BALIKPAPAN, "2026-H1", "output", "3", "--as", bpn.opd)
    assert "only assessor or coordinator may score an evaluation return" in line.lower()
    line = cli.fail("score", BALIKPAPAN, "2026-H1", "output", "5", "--as", world.ASSESSOR)
    assert "outside the evaluation scale 1 to 4" in line

    clock.now = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
    assert cli.ok("open-close").strip() == "closed 2026-H1 (at 2026-06-30 23:59:59 WIB)"
    line = cli.fail("submit", JAYAPURA, "2026-H1", "--as", jpr.opd)
    assert line == ("error: cannot submit an evaluation return: window Semester I 2026 closed "
                    "1 July 2026 at 01:59 WIT; a coordinator can extend it for 91.71 on the "
                    "evaluation page")
    line = cli.fail("extend", "2026-H1", JAYAPURA, "2026-07-03", "--as", jpr.opd)
    assert "only coordinator may extend an evaluation window" in line.lower()
    out = cli.ok("extend", "2026-H1", JAYAPURA, "2026-07-03", "--as", world.COORDINATOR)
    assert out.strip() == ("91.71 Kota Jayapura may submit its 2026-H1 return until "
                           "2026-07-03 23:59:59 WIT.")
    out = cli.ok("submit", JAYAPURA, "2026-H1", "--as", jpr.opd)
    assert "(extension until 2026-07-03 23:59 WIT)" in out

    out = cli.ok("ranking", world.COHORT, "2026-H1")
    flat = squash(out)
    assert "1│64.71│KotaBalikpapan│KalimantanTimur│WITA│3.00│3.00│4.00│3.00│2.00│4.00" in flat
    assert "-│91.71│KotaJayapura│Papua│WIT│toscore:" in flat


def test_errors_are_one_line(world: Any, cli: Cli) -> None:
    line = cli.fail("submit", BALIKPAPAN, "2030-H1", "--as", world.COORDINATOR)
    assert "no evaluation window “2030-H1”" in line
    line = cli.fail("extend", "2026-H1", BALIKPAPAN, "soon", "--as", world.COORDINATOR)
    assert "“soon” is not a time" in line
