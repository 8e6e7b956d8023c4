"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

Each backend gets one template database, migrated and initialised once per session; every test
receives its own copy (a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL),
so tests never see each other's rows. PostgreSQL is found at ``SMARTCITY_TEST_PG_URL``
(default: the local trust-auth server); when it is absent the PostgreSQL half is skipped,
except under ``CI=true``, where it fails. ``sqlite_database_url`` is the SQLite half alone, for
the folders whose tests run on SQLite only (tests/interfaces/cli, tests/interfaces/web/pages).

Shared by the programme-layer tests wherever they live: ``world`` (the ``prog`` fixture with the
programme-wide coordinator and assessor registered, through :class:`worldkit.World`),
``make_prog``, and ``module_database_url``/``module_world`` for scenarios built once per module.

``engine_url`` is a database holding only the engine's schema (migrated to head, no rows), for
the engine tests and the migration test: SQLite gets a fresh copy of a migrated template file
per test; PostgreSQL gets one migrated database per test *process*, whose tables are emptied
(TRUNCATE, with the history table's append-only guard switched off for that statement: the test
database is the fixture's own) before each test -- creating and dropping a database per test
costs about a second on PostgreSQL 15, which alone would exceed the suite's time budget.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from worldkit import World  # type: ignore[import-not-found]

import migrations
from config.settings import Settings
from engine.database import Database
from interfaces.bootstrap import initialise
from workflows.programme import Programme

PG_ADMIN_URL = os.environ.get(
    "SMARTCITY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_THIS = sys.modules[__name__]  # this module (see ``root_conftest``)


@dataclass
class SimClock:
    """A settable clock: tests move time instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 2, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def _pg_admin():  # type: ignore[no-untyped-def]
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "PostgreSQL is not there"
        engine.dispose()
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}"
        if UNDER_CI:
            pytest.fail(f"{message} (required under CI=true)", pytrace=False)
        pytest.skip(message)
    return engine


def _pg_url(database: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    prog = Programme(Settings(data_dir=folder, database_url=f"sqlite:///{folder / 't.db'}"))
    initialise(prog)
    prog.close()
    return folder / "t.db"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    admin = _pg_admin()
    name = f"sc_tmpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        prog = Programme(Settings(database_url=_pg_url(name)))
        initialise(prog)
        prog.close()
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """The URL of a fresh, initialised SQLite database (the SQLite half of ``database_url``)."""
    target = tmp_path / "smartcity.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh, initialised database of each backend."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_database_url")
        return
    template_name: str = request.getfixturevalue("pg_template")
    admin = _pg_admin()
    name = f"sc_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests that call the engine, the workflows or the command line read their messages in
    English unless they ask for another language (``config.language.using("id")``, or
    ``SMARTCITY_LANG=id`` for a command): the product's default is Indonesian, and the tests of
    language (tests/config, tests/interfaces/web, test_*__language) ask for it explicitly.
    Web requests are unaffected: each one takes its language from the request (Indonesian
    unless asked), as in production."""
    from config import language

    monkeypatch.setenv("SMARTCITY_LANG", "en")
    with language.using("en"):
        yield


@pytest.fixture
def clock() -> SimClock:
    return SimClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url)


@pytest.fixture
def prog(settings: Settings, clock: SimClock) -> Iterator[Programme]:
    """A programme on a fresh database, with the simulated clock."""
    programme = Programme(settings, clock=clock)
    yield programme
    programme.close()


# -- the programme world, shared by the programme-layer tests ----------------------------------

@pytest.fixture
def world(prog: Programme, tmp_path: Path) -> World:
    """The ``prog`` fixture with the programme-wide coordinator and assessor registered."""
    w = World(prog, tmp_path / "in")
    w.seed_people()
    return w


@pytest.fixture
def make_prog(settings: Settings, clock: Any) -> Iterator[Callable[..., Programme]]:
    """Programmes on the same fresh database with changed settings (closed at teardown)."""
    made: list[Programme] = []

    def make(**updates: Any) -> Programme:
        programme = Programme(settings.model_copy(update=updates), clock=clock)
        made.append(programme)
        return programme

    yield make
    for programme in made:
        programme.close()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh initialised database shared by the tests of one module (copied from the
    session templates above), for scenarios built once and read by many."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path_factory.mktemp("module-db") / "smartcity.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_template")  # skips if PostgreSQL is absent
    admin = _pg_admin()
    name = f"sc_wf_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def world_type() -> type[World]:
    """The :class:`World` type, for fixtures that build one on their own programme."""
    return World


@dataclass
class FixedClock:
    """A clock for module-scoped worlds (tests there do not move time)."""

    now: datetime = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def module_world(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One programme and database for a whole module, for tests that each seed their own
    region and look only at it (saves creating a database per test)."""
    folder = tmp_path_factory.mktemp("module-world")
    prog = Programme(Settings(data_dir=folder, database_url=module_database_url),
                     clock=FixedClock())
    w = World(prog, folder / "in")
    w.seed_people()
    yield w
    prog.close()


# -- databases holding only the engine's schema ------------------------------------------------

ENGINE_TABLES = ("workflow_history", "review_decision", "submission", "deadline",
                 "workflow_instance", "workflow_definition")


@pytest.fixture(scope="session")
def root_conftest() -> Any:
    """This module, for fixtures and tests elsewhere that need its PostgreSQL admin URL and
    skip rules (``_pg_admin``, ``_pg_url``): no test module imports a conftest by name."""
    return _THIS


@pytest.fixture(scope="session")
def sqlite_engine_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine_template") / "engine.db"
    database = Database(f"sqlite:///{path}")
    migrations.upgrade(database.engine)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine_database() -> Iterator[str]:
    admin = _pg_admin()
    name = f"sc_engine_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = _pg_url(name)
        database = Database(url)
        migrations.upgrade(database.engine)
        database.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_engine_tables(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            conn.execute(text("ALTER TABLE workflow_history "
                              "DISABLE TRIGGER workflow_history_no_truncate"))
            conn.execute(text(f"TRUNCATE {', '.join(ENGINE_TABLES)} RESTART IDENTITY CASCADE"))
            conn.execute(text("ALTER TABLE workflow_history "
                              "ENABLE TRIGGER workflow_history_no_truncate"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of each backend, migrated to head, with no rows in the engine's tables."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_engine_template")
        target = tmp_path / "engine.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url = request.getfixturevalue("pg_engine_database")
    _empty_engine_tables(url)
    return url
