"""Fixtures of the engine tests: ``db`` and ``workflow`` on SQLite and PostgreSQL.

The engine tests are generic, so they need only the engine's schema, not the programme's
initialisation (regions, shipped definitions): both fixtures stand on ``engine_url`` of
tests/conftest.py, a database of each backend migrated to head with :mod:`migrations` and
holding no rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from wfkit import BASIC_YAML, Harness, basic_guards

from engine.contracts import Wording
from engine.database import Database
from engine.guards import GuardRegistry
from engine.loading import load_definition
from engine.runtime import WorkflowEngine

# The engine tests' subjects are called regions in the engine's messages, as a programme's are.
WORDING = Wording(subject="region", subjects="regions")


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
