"""``smartcity init`` creates a database once and is idempotent afterwards.

On a database that was never initialised (a new SQLite file, an empty PostgreSQL database) the
first ``init`` loads the 514 regions and publishes ``master_plan v4``; every later ``init`` adds
0 regions, publishes nothing new, and leaves the data entered in between alone.
"""

from __future__ import annotations

from pathlib import Path

from shippedkit import published_line  # type: ignore[import-not-found]
from typer.testing import CliRunner

from interfaces.cli.app import app


def test_first_init_loads_everything_and_the_second_nothing(
    empty_database_url: str, tmp_path: Path,
) -> None:
    runner = CliRunner()
    args = ["--database-url", empty_database_url, "--data-dir", str(tmp_path), "init"]

    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    assert first.stderr == ""
    assert "Database ready at " in first.stdout
    assert "Regions added: 514" in first.stdout
    assert published_line() in first.stdout and "master_plan v4" in published_line()

    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.stderr
    assert "Regions added: 0" in second.stdout
    assert "Workflows published: none new" in second.stdout
    assert "master_plan v4" not in second.stdout


def test_init_on_an_initialised_database_adds_nothing(cli) -> None:
    out = cli.ok("init")
    assert "Regions added: 0" in out
    assert "Workflows published: none new" in out


def test_init_keeps_what_was_entered_in_between(cli, cast) -> None:
    cli.setup_region()
    cli.ok("init")
    assert cli.table(cli.ok("cohort", "list")) == [
        {"cohort": cast.cohort, "year": "2026", "regions": "1"}
    ]
    assert cli.table(cli.ok("region", "list", "--search", "Balikpapan"))[0]["in cohort"] == "yes"
    listed = {r["key"]: r["versions"] for r in cli.table(cli.ok("workflow", "list"))}
    assert listed["master_plan"] == "4"
