"""Seeding for the programme-layer tests: people, a region in a cohort with its OPDs, head of
region and mentor, real files to submit, and a driver that walks a region along the master plan.

Everything goes through the public functions the command line calls
(:mod:`workflows.directory`, :mod:`workflows.actions`, :mod:`workflows.reports`), one
transaction per call, on the real database of the ``prog`` fixture (SQLite and PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from worldkit import World  # type: ignore[import-not-found]

from config.settings import Settings
from workflows.programme import Programme


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
    session templates of ``tests/conftest.py``), for scenarios built once and read by many."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path_factory.mktemp("module-db") / "smartcity.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_template")  # skips if PostgreSQL is absent
    admin_url = os.environ.get(
        "SMARTCITY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"sc_wf_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
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
