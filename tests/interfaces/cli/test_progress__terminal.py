"""Long commands show progress on a terminal and print only their results when piped.

``smartcity init``, the CSV imports and the demo draw Rich bars (:mod:`interfaces.cli.progress`)
labelled from the catalogue while they work; piped (Typer's ``CliRunner``, a subprocess with
captured output) they print the same result lines as ever and not a byte of progress: no label,
no bar, no terminal escape. On a terminal (a forced-terminal console in-process, or a real
pseudo-terminal for the console script) the labels appear, and the demo's day bar ends at the
number of days its report counts.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from rich.console import Console
from shippedkit import published_line  # type: ignore[import-not-found]
from typer.testing import CliRunner

import migrations
from config.settings import get_settings
from interfaces.cli import progress
from interfaces.cli.app import app

SMARTCITY = Path(sys.executable).parent / "smartcity"
ESCAPE = "\x1b"
MIGRATIONS = "Applying the database schema migrations"
REGIONS = "Loading the 514 regions and publishing the shipped workflows"
OPDS = ("region,code,name,email\n"
        "64.71,DISKOMINFO,Dinas Kominfo,kominfo@balikpapan.go.id\n"
        "64.71,BAPPEDA,Bappeda,bappeda@balikpapan.go.id\n")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> StringIO:
    """Progress drawn as on a terminal, into the returned buffer."""
    screen = StringIO()
    monkeypatch.setattr(progress, "shown", lambda: True)
    monkeypatch.setattr(progress, "console",
                        Console(force_terminal=True, file=screen, width=160))
    return screen


def _init(tmp_path: Path) -> list[str]:
    result = CliRunner().invoke(app, ["--database-url", f"sqlite:///{tmp_path / 'new.db'}",
                                      "--data-dir", str(tmp_path), "init"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_piped_init_prints_its_three_result_lines_and_no_progress(tmp_path: Path) -> None:
    assert _init(tmp_path) == [f"Database ready at sqlite:///{tmp_path / 'new.db'}",
                               "Regions added: 514", published_line()]


def test_init_on_a_terminal_shows_its_steps(tmp_path: Path, terminal: StringIO) -> None:
    assert _init(tmp_path)[1:] == ["Regions added: 514", published_line()]
    drawn = terminal.getvalue()
    revisions = len(list(ScriptDirectory.from_config(migrations.config()).walk_revisions()))
    assert f"{MIGRATIONS} " in drawn
    assert f"{revisions}/{revisions}" in drawn  # one step per revision, all of them done
    assert REGIONS in drawn
    assert ESCAPE in drawn  # a live bar, redrawn in place


def test_init_at_head_has_no_migration_step(cli, terminal: StringIO) -> None:
    assert "Regions added: 0" in cli.ok("init")
    drawn = terminal.getvalue()
    assert MIGRATIONS not in drawn
    assert REGIONS in drawn


def test_piped_import_prints_only_its_result(cli) -> None:
    path = cli.write("opds.csv", OPDS)
    result = cli.run("opd", "import", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2 OPD(s) imported (2 new, 0 updated)\n"
    assert result.stderr == ""


def test_an_import_on_a_terminal_is_labelled_with_its_file(cli, terminal: StringIO) -> None:
    path = cli.write("opds.csv", OPDS)
    assert cli.ok("opd", "import", path) == "2 OPD(s) imported (2 new, 0 updated)\n"
    assert "Importing the rows of opds.csv" in terminal.getvalue()


def test_a_refused_import_on_a_terminal_leaves_one_error_line(cli, terminal: StringIO) -> None:
    path = cli.write("opds.csv", "region,code,name,email\n99.98,X,X,x@example.go.id\n")
    assert "99.98" in cli.fail("opd", "import", path)
    assert "Importing the rows of opds.csv" in terminal.getvalue()


def test_the_console_script_piped_prints_no_progress(script, tmp_path: Path) -> None:
    env = script.env(tmp_path / "data", f"sqlite:///{tmp_path / 'piped.db'}")
    done = script.run("init", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert ESCAPE not in done.stdout
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == [
        "Database ready at sqlite", "Regions added", "Workflows published"]


def test_the_console_script_on_a_real_terminal_draws_the_steps(script, tmp_path: Path) -> None:
    env = script.env(tmp_path / "data", f"sqlite:///{tmp_path / 'tty.db'}",
                     COLUMNS="160", LINES="40", TERM="xterm")
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([str(SMARTCITY), "init"], env=env, cwd=script.cwd,
                                   stdin=follower, stdout=follower, stderr=follower)
        os.close(follower)
        screen = _read_all(leader)
        assert process.wait(timeout=120) == 0, screen
    finally:
        os.close(leader)
    assert MIGRATIONS in screen
    assert "Regions added: 514" in screen


def test_the_demo_on_a_terminal_counts_its_days(tmp_path: Path, terminal: StringIO) -> None:
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "demo"), "demo"],
                                    env={"SMARTCITY_NOW": "2027-12-01T09:00+07:00",
                                         "SMARTCITY_LANG": "en"})
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.stderr
    assert ESCAPE not in result.stdout
    days = re.search(r"(\d+) simulated days", result.stdout)
    assert days is not None, result.stdout
    drawn = terminal.getvalue()
    assert "Playing two years of the programme, day by day" in drawn
    assert f"{days[1]}/{days[1]}" in drawn  # the bar's total is the days the demo ran
    assert "Creating a sign-in account for each role" in drawn
    assert REGIONS in drawn


def _read_all(fd: int) -> str:
    """Everything the process wrote to the pseudo-terminal, until it closed its end."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")
