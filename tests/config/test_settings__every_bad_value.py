"""Every ``SMARTCITY_*`` setting, set to a bad value, is refused by the command line in one
line naming the variable, what is wrong and a good value, with exit 1: never exit 70, a
traceback or "this is a bug", and never pydantic's English in an Indonesian reader's terminal.

The table covers every field of :class:`config.settings.Settings` (a test fails when a field
is added without a row), with each kind of mistake: not a number, out of range, bad JSON, a
date that does not exist, a list written with the wrong separator. The commands run against
an initialised SQLite database, so a value that passed validation and failed later would
show here too: only a data directory and a dimensions file that exist but are not what they
should be are refused later, in one line naming the path given. A few rows also run as the installed
``smartcity`` script in a subprocess, as the tester ran it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from config import language
from config.setting_problems import example
from config.settings import Settings, get_settings
from interfaces.cli.app import app

#: Fields any text is a good value of: nothing to refuse.
ANY_TEXT = {"smtp_username", "smtp_password", "metrics_token"}

BAD = [
    ("data_dir", "/etc/passwd"),
    ("database_url", "mysql://root@127.0.0.1/x"),
    ("database_url", "sqlite"),
    ("database_url", "postgresql+psycopg2://127.0.0.1/x"),
    ("database_url", "not a url"),
    ("database_pool_size", "0"),
    ("database_pool_size", "ten"),
    ("database_pool_size", "101"),
    ("database_max_overflow", "-1"),
    ("database_max_overflow", "1.5"),
    ("max_review_rounds", "three"),
    ("max_review_rounds", "0"),
    ("max_review_rounds", "21"),
    ("cycle_years", "99"),
    ("cycle_years", "2.5"),
    ("dimensions_file", "/nonexistent/dimensions.yaml"),
    ("dimensions_file", "/etc/hostname"),
    ("upload_max_bytes", "0"),
    ("upload_max_bytes", "25MB"),
    ("now", "yesterday"),
    ("now", "2026-03-02T08:00"),
    ("now", "2026-02-30T08:00+07:00"),
    ("smtp_host", ""),
    ("smtp_port", "smtp"),
    ("smtp_port", "0"),
    ("smtp_port", "70000"),
    ("smtp_security", "ssl"),
    ("smtp_timeout", "soon"),
    ("smtp_timeout", "0"),
    ("smtp_timeout", "nan"),
    ("smtp_timeout", "inf"),
    ("smtp_connections", "0"),
    ("smtp_connections", "33"),
    ("mail_from", "noreply"),
    ("mail_from", "Smart City <noreply@>"),
    ("mail_locale", "fr"),
    ("send_max_attempts", "0"),
    ("send_max_attempts", "many"),
    ("reminder_days", "7;3;1"),
    ("reminder_days", "7,three,1"),
    ("reminder_days", "-1"),
    ("reminder_days", "[7,3"),
    ("reminder_days", '{"a": 1}'),
    ("reminder_hour", "24"),
    ("reminder_hour", "8am"),
    ("escalation_days", "-1"),
    ("deadline_time", "25:00"),
    ("deadline_time", "noon"),
    ("deadline_on_working_day", "maybe"),
    ("collective_leave", "2026-02-30"),
    ("collective_leave", "24-12-2026"),
    ("collective_leave", '["2026-12-24"'),
    ("stall_days", "0"),
    ("evaluation_windows", "06-01"),
    ("evaluation_windows", "13-01/13-30"),
    ("evaluation_windows", "06-31/07-01"),
    ("evaluation_windows", "[1, 2]"),
    ("evaluation_scale", "4,1"),
    ("evaluation_scale", "1"),
    ("evaluation_scale", "1,x"),
    ("evaluation_scale", "1,2,3"),
    ("evaluation_weights", "baseline=1"),
    ("evaluation_weights", "baseline,output"),
    ("evaluation_weights", "{bad"),
    ("evaluation_weights", "[0.1, 0.2]"),
    ("evaluation_weights", "baseline=0.5,output=0.5,outcome=0,impact=0,quick_win=0.1"),
    ("evaluation_weights", "baseline=x,output=0.2,outcome=0.3,impact=0.3,quick_win=0.1"),
    ("evaluation_weights", "baseline=-1,output=1,outcome=0.3,impact=0.6,quick_win=0.1"),
    ("base_url", "smartcity.go.id"),
    ("secret_key", ""),
    ("secret_key", "short"),
    ("session_hours", "0"),
    ("session_hours", "a day"),
    ("link_days", "91"),
    ("log_format", "xml"),
    ("secure_cookies", "maybe"),
]


@pytest.fixture
def fresh() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_table_covers_every_setting() -> None:
    assert set(Settings.model_fields) - ANY_TEXT - {name for name, _ in BAD} == set()


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize(("field", "value"), BAD)
def test_a_bad_value_is_one_line_naming_the_variable(
        sqlite_database_url: str, tmp_path: Path, fresh: None, field: str, value: str,
        lang: str) -> None:
    name = f"SMARTCITY_{field.upper()}"
    env = {"SMARTCITY_DATABASE_URL": sqlite_database_url, "SMARTCITY_DATA_DIR": str(tmp_path),
           "SMARTCITY_LANG": lang, name: value}
    if field == "data_dir":
        env.pop("SMARTCITY_DATABASE_URL")
    result = CliRunner().invoke(app, ["status"], env=env)
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "bug" not in line and "internal" not in line
    # A data directory that is a file is "not initialised" there; a dimensions file that
    # is there but holds no dimensions is refused naming that file.
    assert name in line or value in line, line
    if lang == "id":
        for english in ("Input should", "Value error", "must ", "setting "):
            assert english not in line, line


@pytest.mark.parametrize(("field", "value"), [
    ("evaluation_scale", "1,4"), ("reminder_days", "7,3,1"), ("deadline_time", "23:59")])
def test_the_line_says_what_is_wrong_and_shows_a_good_value(
        tmp_path: Path, fresh: None, field: str, value: str) -> None:
    bad = {"evaluation_scale": "4,1", "reminder_days": "7,x,1", "deadline_time": "25:00"}
    name = f"SMARTCITY_{field.upper()}"
    result = CliRunner().invoke(app, ["status"], env={"SMARTCITY_DATA_DIR": str(tmp_path),
                                                      name: bad[field]})
    assert result.stderr.strip().endswith(f"; for example {name}={value}")
    assert f"error: setting {name}: " in result.stderr


def test_indonesian_reader_reads_indonesian(tmp_path: Path, fresh: None) -> None:
    result = CliRunner().invoke(app, ["status"], env={
        "SMARTCITY_DATA_DIR": str(tmp_path), "SMARTCITY_LANG": "id",
        "SMARTCITY_MAX_REVIEW_ROUNDS": "tiga"})
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "kesalahan: pengaturan SMARTCITY_MAX_REVIEW_ROUNDS: harus bilangan bulat "
        "(diberikan: 'tiga'); contoh yang benar: SMARTCITY_MAX_REVIEW_ROUNDS=3")


#: Examples that are not literal values: a shell command making a key, a file of one's own.
NOT_LITERAL = {"secret_key", "dimensions_file"}


@pytest.mark.parametrize("field", sorted(set(Settings.model_fields) - ANY_TEXT - NOT_LITERAL))
def test_every_example_shown_is_itself_a_good_value(monkeypatch: pytest.MonkeyPatch,
                                                    field: str) -> None:
    good = example(field)
    if good is None:
        pytest.skip(f"{field} has no example")
    monkeypatch.setenv(f"SMARTCITY_{field.upper()}", good)
    Settings()


def test_a_secret_key_long_enough_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_SECRET_KEY", "k" * 32)
    assert Settings().secret_key is not None
    monkeypatch.setenv("SMARTCITY_SECRET_KEY", "k" * 31)
    with pytest.raises(ValidationError), language.using("en"):
        Settings()


SMARTCITY = Path(sys.executable).parent / "smartcity"


@pytest.mark.parametrize(("name", "value"), [
    ("SMARTCITY_REMINDER_DAYS", "7;3;1"),
    ("SMARTCITY_EVALUATION_WEIGHTS", "{not json"),
    ("SMARTCITY_COLLECTIVE_LEAVE", "2026-13-01"),
    ("SMARTCITY_DATABASE_URL", "sqlite"),
])
def test_the_installed_command_exits_1_in_one_line(tmp_path: Path, name: str,
                                                   value: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCITY_")}
    env.update({"SMARTCITY_DATA_DIR": str(tmp_path), "SMARTCITY_LANG": "id", "NO_COLOR": "1",
                name: value})
    proc = subprocess.run([str(SMARTCITY), "status"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"kesalahan: pengaturan {name}: ")
    assert "contoh yang benar" in line
    assert "Traceback" not in proc.stderr and "bug" not in proc.stderr


@pytest.mark.parametrize(("args", "line"), [
    (["--database-url", "mysql://root@127.0.0.1/x", "status"],
     "error: --database-url: only sqlite:/// and postgresql+psycopg:// URLs are supported "
     "(given: 'mysql'); for example --database-url "
     "postgresql+psycopg://smartcity@127.0.0.1/smartcity"),
    (["worker", "--once", "--now", "2027-03-01T08:00"],
     "error: --now: needs its zone, e.g. +07:00 for WIB (given: '2027-03-01T08:00:00'); for "
     "example --now 2026-03-02T08:00+07:00"),
])
def test_a_bad_option_is_named_as_the_option(tmp_path: Path, fresh: None, args: list[str],
                                             line: str) -> None:
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), *args])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [line]
