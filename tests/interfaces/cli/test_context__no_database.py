"""A data directory with no database in it is refused, not quietly made into an empty one.

``SMARTCITY_DATA_DIR=var/mine`` is read relative to the working directory; run from another
directory, it names a place with no database. Every command but ``init`` and ``demo`` (which
create one) then stops with one line naming the file, the working directory it was read
against and ``smartcity init``, exit code 1, and nothing written: no directory, no file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from interfaces.cli.app import app


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_settings) -> Path:
    """A working directory with no database under it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SMARTCITY_DATABASE_URL", raising=False)
    return tmp_path.resolve()


def _refused(*args: str, **env: str) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    return line


@pytest.mark.parametrize("command", [["status"], ["deadlines"], ["outbox"],
                                     ["region", "list"], ["serve"]])
def test_a_relative_data_dir_without_a_database_is_refused(elsewhere: Path,
                                                           command: list[str]) -> None:
    line = _refused(*command, SMARTCITY_DATA_DIR="var/mine")
    assert line == (f"error: the database at sqlite:///{elsewhere}/var/mine/smartcity.db is not "
                    f"initialised: the file does not exist (var/mine is relative to the "
                    f"working directory {elsewhere}); run 'smartcity init' first")
    assert list(elsewhere.iterdir()) == []


def test_the_data_dir_option_too_and_in_indonesian(elsewhere: Path) -> None:
    line = _refused("--data-dir", "data", "status", SMARTCITY_LANG="id")
    assert line == (f"kesalahan: basis data di sqlite:///{elsewhere}/data/smartcity.db belum "
                    f"disiapkan: berkasnya tidak ada (data dibaca relatif terhadap direktori "
                    f"kerja {elsewhere}); jalankan 'smartcity init' terlebih dahulu")
    assert list(elsewhere.iterdir()) == []


def test_an_absolute_one_names_its_file(elsewhere: Path) -> None:
    line = _refused("--data-dir", str(elsewhere / "d"), "status")
    assert line == (f"error: the database at sqlite:///{elsewhere}/d/smartcity.db is not "
                    "initialised: the file does not exist; run 'smartcity init' first")
    assert not (elsewhere / "d").exists()


def test_init_creates_it_and_then_the_commands_work(elsewhere: Path) -> None:
    env = {"SMARTCITY_DATA_DIR": "var/mine"}
    done = CliRunner().invoke(app, ["init"], env=env)
    assert done.exit_code == 0, done.stderr
    assert (elsewhere / "var" / "mine" / "smartcity.db").exists()
    listed = CliRunner().invoke(app, ["status"], env=env)
    assert listed.exit_code == 0, listed.stderr
    assert "No cohorts yet" in listed.stdout


def test_validating_a_definition_needs_no_database(elsewhere: Path) -> None:
    shipped = Path(__file__).resolve().parents[3] / "workflows/definitions/master_plan.yaml"
    done = CliRunner().invoke(app, ["--data-dir", "none-here", "workflow", "validate",
                                    str(shipped)])
    assert done.exit_code == 0, done.stderr
    assert not (elsewhere / "none-here" / "smartcity.db").exists()
