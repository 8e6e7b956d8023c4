"""The installed ``smartcity`` console script, run as a user runs it, never shows a traceback.

Each test starts ``.venv/bin/smartcity`` (next to ``sys.executable``) in a directory without a
``.env`` file, configured only through ``SMARTCITY_DATA_DIR`` / ``SMARTCITY_DATABASE_URL``,
and checks the exit code and that stderr holds one line and no ``Traceback``: for a successful
``init`` (twice), an unknown region, an unmet guard, a missing ``--as``, an unreachable or
never-initialised database, a bad setting and an unusable database URL.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from shippedkit import published_line  # type: ignore[import-not-found]


def _refused(proc: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_init_twice_in_the_data_dir(script, tmp_path: Path) -> None:
    env = script.env(tmp_path / "data", None)
    first = script.run("init", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert f"Database ready at sqlite:///{(tmp_path / 'data').resolve()}/smartcity.db" in (
        first.stdout)
    assert "Regions added: 514" in first.stdout
    assert published_line() in first.stdout
    second = script.run("init", env=env)
    assert second.returncode == 0, second.stderr
    assert "Regions added: 0" in second.stdout
    assert "Workflows published: none new" in second.stdout


def test_refusals_on_each_database(script, cli, cast, database_url: str) -> None:
    cli.setup_region()  # in-process, on the same database
    env = script.env(cli.data_dir, database_url)
    assert _refused(script.run("history", "Kota Balikpapn", env=env)).startswith(
        "error: unknown region “Kota Balikpapn”; did you mean Kota Balikpapan")
    assert _refused(script.run("advance", cast.region, "assess", "--as", cast.assessor,
                               env=env)) == (
        "error: cannot record the readiness assessment: still to be submitted: "
        "Readiness assessment result")


def test_missing_as_is_a_usage_error(script, tmp_path: Path) -> None:
    usage = script.run("advance", "64.71", "assess", env=script.env(tmp_path, None))
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr
    assert "Missing option '--as'" in usage.stderr
    assert usage.stdout == ""


def test_unreachable_database(script, tmp_path: Path) -> None:
    env = script.env(tmp_path, "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/x")
    line = _refused(script.run("status", env=env))
    assert line.startswith("error: cannot use the database at postgresql+psycopg://nobody:***@")
    init = script.run("init", env=env)  # exit 70 today, see test_app__errors
    assert init.returncode != 0
    assert "Traceback" not in init.stderr
    assert "s3cret" not in init.stderr + init.stdout


def test_never_initialised_data_dir(script, tmp_path: Path) -> None:
    line = _refused(script.run("status", env=script.env(tmp_path / "new", None)))
    assert "is not initialised" in line
    assert line.endswith("run 'smartcity init' first")


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("SMARTCITY_MAX_REVIEW_ROUNDS", "lots",
     "error: setting SMARTCITY_MAX_REVIEW_ROUNDS: must be a whole number (given: 'lots')"),
    ("SMARTCITY_CYCLE_YEARS", "99",
     "error: setting SMARTCITY_CYCLE_YEARS: must be at most 20 (given: '99')"),
    ("SMARTCITY_DATABASE_URL", "mysql://root@127.0.0.1/x",
     "error: setting SMARTCITY_DATABASE_URL: only sqlite:///"),
])
def test_bad_settings(script, tmp_path: Path, name: str, value: str, expected: str) -> None:
    env = script.env(tmp_path, None, **{name: value})
    assert _refused(script.run("status", env=env)).startswith(expected)


def test_unusable_database_url_option(script, tmp_path: Path) -> None:
    proc = script.run("--database-url", "not a url", "status", env=script.env(tmp_path, None))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_brackets_in_input_never_cause_a_traceback(script, database_url: str,
                                                   tmp_path: Path) -> None:
    proc = script.run("history", "[/x]", env=script.env(tmp_path, database_url))
    assert "Traceback" not in proc.stderr
    assert _refused(proc) == ("error: unknown region “[/x]”; check the region's name or its "
                              "Kemendagri code (e.g. 64.71)")
