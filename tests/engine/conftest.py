"""Fixtures of the engine tests: ``engine_url``, ``db`` and ``workflow`` on SQLite and PostgreSQL.

The engine tests are generic, so they need only the engine's schema, not the programme's
initialisation (regions, shipped definitions). ``engine_url`` gives each test a database of
each backend, migrated to head with :mod:`migrations` and holding no rows: SQLite gets a fresh
copy of a migrated template file per test; PostgreSQL gets one migrated database per test
*process* (created through the admin URL and skip rules of tests/conftest.py), whose tables are
emptied (TRUNCATE, with the history table's append-only guard switched off for that
statement: the test database is the fixture's own) before each test --
creating and dropping a database per test costs about a second on PostgreSQL 15, which alone
would exceed the suite's time budget.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from wfkit import BASIC_YAML, Harness, basic_guards

import migrations
from engine.contracts import Wording
from engine.database import Database
from engine.guards import GuardRegistry
from engine.loading import load_definition
from engine.runtime import WorkflowEngine

# The engine tests' subjects are called regions in the engine's messages, as a programme's are.
WORDING = Wording(subject="region", subjects="regions")
ENGINE_TABLES = ("workflow_history", "review_decision", "submission", "deadline",
                 "workflow_instance", "workflow_definition")


def _root_conftest(config: pytest.Config) -> Any:
    """The tests/conftest.py module (it owns the PostgreSQL admin URL and skip rules)."""
    wanted = Path(__file__).resolve().parent.parent / "conftest.py"
    for plugin in config.pluginmanager.get_plugins():
        where = getattr(plugin, "__file__", None)
        if where and Path(where).resolve() == wanted:
            return plugin
    raise RuntimeError(f"{wanted} is not loaded")


@pytest.fixture(scope="session")
def root_conftest(request: pytest.FixtureRequest) -> Any:
    return _root_conftest(request.config)


@pytest.fixture(scope="session")
def sqlite_engine_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine_template") / "engine.db"
    database = Database(f"sqlite:///{path}")
    migrations.upgrade(database.engine)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def pg_engine_database(root_conftest: Any) -> Iterator[str]:
    admin = root_conftest._pg_admin()
    name = f"sc_engine_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = root_conftest._pg_url(name)
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


@pytest.fixture
def db(engine_url: str) -> Iterator[Database]:
    database = Database(engine_url)
    yield database
    database.dispose()


@pytest.fixture
def workflow(engine_url: str, clock: Any) -> Iterator[Callable[..., Harness]]:
    """``workflow(yaml_text, guards, listeners)`` publishes the definition; returns a Harness."""
    opened: list[Database] = []

    def make(yaml_text: str = BASIC_YAML, guards: GuardRegistry | None = None,
             listeners: list[Any] | None = None) -> Harness:
        registry = guards if guards is not None else basic_guards()
        db, check = Database(engine_url), Database(engine_url)
        opened.extend((db, check))
        engine = WorkflowEngine(registry, clock=clock, listeners=listeners or [],
                                wording=WORDING)
        loaded = load_definition(yaml_text, "test.yaml", registry)
        with db.transaction() as session:
            engine.publish(session, loaded)
        return Harness(db, check, engine, loaded, clock)

    yield make
    for database in opened:
        database.dispose()
