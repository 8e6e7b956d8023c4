"""Helpers for driving the ``smartcity`` command line in-process and as a real subprocess.

Everything is a fixture (no test imports this file), so the helpers work in any pytest import
mode. The command-line tests run on SQLite only: here ``database_url`` is the SQLite half of the
one in tests/conftest.py (parsing, printing and exit codes do not depend on the backend, which
the engine, notification, programme and API tests cover on both); only ``smartcity init`` and
the "not initialised" refusal still meet a never-initialised database of each backend
(``empty_database_url``). ``cli`` runs ``interfaces.cli.app.app`` through Typer's ``CliRunner``
(stdout and stderr captured separately) against the fresh database of ``database_url``.
``Cli.table`` reads a rich table back into rows keyed by column header, joining the lines of
wrapped cells, so tests assert on cell contents rather than on layout. ``Cli.setup_region`` and
``Cli.drive_to_quick_win_submission`` build state through the command line only. ``script``
runs the installed ``smartcity`` console script. ``db``, ``planner`` and ``smtp_server`` (from
``smtpkit``) serve the ``smartcity outbox`` tests.

The command line speaks ``SMARTCITY_LANG`` (else the locale's language, else Indonesian); these
tests read its English (tests/conftest.py sets ``SMARTCITY_LANG=en``, and ``Script.env`` does
for the console script) unless a test of the Indonesian output sets ``SMARTCITY_LANG=id``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from smtpkit import db, planner, smtp_server  # noqa: F401 - fixtures of the outbox tests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result
from worldkit import document

from config.settings import get_settings
from interfaces.cli.app import app

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SMARTCITY = Path(sys.executable).parent / "smartcity"
PG_ADMIN_URL = os.environ.get(
    "SMARTCITY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Cast:
    """The region, cohort and actors ``Cli.setup_region`` creates."""

    region: str = "64.71"  # Kota Balikpapan, Kalimantan Timur, WITA
    region_name: str = "Kota Balikpapan"
    other_region: str = "91.71"  # Kota Jayapura, Papua, WIT
    cohort: str = "Smart City 2026"
    coordinator: str = "coordinator@kominfo.go.id"
    assessor: str = "assessor@kominfo.go.id"
    head: str = "walikota@balikpapan.go.id"
    opd: str = "diskominfo@balikpapan.go.id"
    mentor: str = "mentor@itb.ac.id"


CAST = Cast()


def clean(text: str) -> str:
    return ANSI.sub("", text)


def squash(text: str) -> str:
    """Text without any whitespace: compares cell contents however rich wrapped them."""
    return re.sub(r"\s+", "", text)


def error_line(result: Result, code: int = 1) -> str:
    """Assert the run failed with ``code`` and exactly one ``error:`` line; return that line."""
    stderr = clean(result.stderr)
    assert result.exit_code == code, (
        f"exit {result.exit_code}, stdout={result.stdout!r}, stderr={stderr!r}, "
        f"exception={result.exception!r}"
    )
    assert "Traceback" not in result.output
    assert result.stdout.strip() == "", f"a refusal printed {result.stdout!r} on stdout"
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def table(stdout: str, title: str | None = None) -> list[dict[str, str]]:
    """The rows of the first (or the titled) rich table in ``stdout``, keyed by column header.

    A body line whose first cell is empty continues the previous row (rich wrapped a cell);
    the pieces of a wrapped cell are joined with a space.
    """
    tables: list[tuple[str, list[str], list[list[str]]]] = []
    previous = ""
    lines = clean(stdout).splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("┏"):
            header: list[list[str]] = []
            rows: list[list[list[str]]] = []
            i += 1
            while i < len(lines) and lines[i].strip().startswith("┃"):
                cells = [c.strip() for c in lines[i].strip().strip("┃").split("┃")]
                header = header or [[] for _ in cells]
                for parts, cell in zip(header, cells, strict=True):
                    parts.append(cell)
                i += 1
            while i < len(lines) and not lines[i].strip().startswith("└"):
                if lines[i].strip().startswith("│"):
                    cells = [c.strip() for c in lines[i].strip().strip("│").split("│")]
                    if cells[0] or not rows:
                        rows.append([[c] for c in cells])
                    else:
                        for parts, cell in zip(rows[-1], cells, strict=True):
                            parts.append(cell)
                i += 1
            names = [" ".join(p for p in parts if p) for parts in header]
            body = [[" ".join(p for p in parts if p) for parts in row] for row in rows]
            tables.append((previous, names, body))
        elif line:
            previous = line
        i += 1
    for found_title, names, body in tables:
        if title is None or squash(title) in squash(found_title):
            return [dict(zip(names, row, strict=True)) for row in body]
    raise AssertionError(f"no table titled {title!r} in:\n{stdout}")


@dataclass
class Cli:
    """The command line bound to one database, one data directory and a folder of files."""

    url: str
    data_dir: Path
    files: Path
    runner: CliRunner

    table = staticmethod(table)
    clean = staticmethod(clean)
    squash = staticmethod(squash)
    error_line = staticmethod(error_line)

    def run(self, *args: str, env: dict[str, str | None] | None = None) -> Result:
        return self.runner.invoke(
            app, ["--database-url", self.url, "--data-dir", str(self.data_dir), *args], env=env
        )

    def ok(self, *args: str) -> str:
        """Run, assert exit 0 with nothing on stderr, return stdout."""
        result = self.run(*args)
        assert result.exit_code == 0, (
            f"{args}: exit {result.exit_code}, stdout={result.stdout!r}, "
            f"stderr={result.stderr!r}, exception={result.exception!r}"
        )
        assert result.stderr == ""
        return clean(result.stdout)

    def fail(self, *args: str, code: int = 1) -> str:
        """Run, assert it failed with exactly one ``error:`` line on stderr; return the line."""
        return error_line(self.run(*args), code)

    # -- files ------------------------------------------------------------------------------

    def write(self, name: str, content: str) -> str:
        path = self.files / name
        path.write_text(content, encoding="utf-8")
        return str(path)

    def document(self, name: str = "document.pdf", body: str = "draft") -> str:
        """A real file of ``name``'s type holding ``body`` (uploads are checked by content)."""
        path = self.files / name
        path.write_bytes(document(Path(name).suffix, body))
        return str(path)

    def quick_wins(self, name: str = "quick_wins.csv") -> str:
        return self.write(name, "title,dimension,element,opd\n"
                                "Online building permits,governance,public_service,DISKOMINFO\n")

    # -- state through the command line ----------------------------------------------------

    def setup_region(self) -> Cast:
        """A cohort with 64.71, a coordinator, assessor, head of region, OPD and mentor."""
        c = CAST
        self.ok("cohort", "create", c.cohort, "--year", "2026")
        self.ok("cohort", "add", c.cohort, c.region)
        self.ok("person", "add", c.coordinator, "--name", "Ayu Coordinator",
                "--role", "coordinator")
        self.ok("person", "add", c.assessor, "--name", "Budi Assessor", "--role", "assessor")
        self.ok("person", "add", c.head, "--name", "Rahmad Walikota", "--role", "head_of_region",
                "--region", c.region)
        self.ok("opd", "add", c.region, "DISKOMINFO", "Dinas Komunikasi dan Informatika", c.opd,
                "--dimension", "governance")
        self.ok("mentor", "add", c.mentor, "--name", "Sari Mentor", "--region", c.region)
        return c

    def drive_to_quick_win_submission(self) -> None:
        """Walk 64.71 (after ``setup_region``) from assessment to quick-win submission."""
        c = CAST
        doc = self.document()
        steps = [
            ("submit", "assessment_result", c.assessor), ("advance", "assess", c.assessor),
            ("submit", "signed_mou", c.head), ("advance", "sign_mou", c.head),
            ("submit", "council_decree", c.coordinator),
            ("submit", "implementation_team_decree", c.coordinator),
            ("advance", "establish_institutions", c.coordinator),
            ("submit", "questionnaire", c.opd), ("advance", "close_bimtek_1", c.coordinator),
            ("submit", "buku_1", c.opd), ("submit", "programme_mapping", c.opd),
            ("advance", "close_bimtek_2", c.coordinator),
            ("submit", "buku_2", c.opd), ("submit", "quick_win_shortlist", c.opd),
            ("advance", "close_bimtek_3", c.coordinator),
            ("submit", "commitment_sheet", c.head), ("advance", "close_bimtek_4", c.coordinator),
        ]
        for verb, what, who in steps:
            if verb == "submit":
                self.ok("submit", c.region, what, doc, "--as", who)
            else:
                self.ok("advance", c.region, what, "--as", who)


@pytest.fixture
def cast() -> Cast:
    return CAST


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """A fresh, initialised SQLite database: the command-line tests run on SQLite only."""
    return sqlite_database_url


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    (tmp_path / "data").mkdir()
    (tmp_path / "files").mkdir()
    return Cli(database_url, tmp_path / "data", tmp_path / "files", CliRunner())


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Make the process-wide settings re-read the environment (they are cached per process)."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# -- databases that exist but were never initialised ---------------------------------------

def _empty_pg_database() -> Iterator[str]:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "PostgreSQL is not there"
        admin.dispose()
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{message} (required under CI=true)", pytrace=False)
        pytest.skip(message)
    name = f"sc_empty_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database that exists (or will be created) but was never initialised."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'never-initialised.db'}"
        return
    yield from _empty_pg_database()


# -- the installed console script ----------------------------------------------------------

@dataclass
class Script:
    """``.venv/bin/smartcity`` run as a user runs it, configured by environment variables."""

    cwd: Path

    def env(self, data_dir: Path, database_url: str | None, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SMARTCITY_") and k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
        env["SMARTCITY_DATA_DIR"] = str(data_dir)
        if database_url is not None:
            env["SMARTCITY_DATABASE_URL"] = database_url
        env["NO_COLOR"] = "1"
        env["SMARTCITY_LANG"] = "en"
        env.update(extra)
        return env

    def run(self, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(SMARTCITY), *args], env=env, cwd=self.cwd,
                              capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def script(tmp_path: Path) -> Script:
    assert SMARTCITY.exists(), f"console script missing at {SMARTCITY}"
    work = tmp_path / "cwd"  # no .env file here
    work.mkdir()
    return Script(work)
