"""The migrations build the whole schema from an empty database, and take it down again.

For SQLite (a fresh file) and PostgreSQL (a freshly created, empty database made through
``PG_ADMIN_URL`` of tests/conftest.py, dropped afterwards): an empty database has no revision;
``upgrade`` to head creates every table of the engine and the programme, ``current() ==
head()``, and the schema matches the SQLModel models exactly (Alembic autogenerate finds no
difference); a second upgrade is a no-op; ``downgrade`` to base removes every table; upgrading
again works and the history table is append-only again (its triggers were dropped and
re-created cleanly).
"""

from __future__ import annotations

import inspect as pyinspect

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import engine.models
import migrations
import notifications.models
import workflows.access.models
import workflows.deadlines.models
import workflows.directory.models
import workflows.evaluation.models
import workflows.master_plan.quick_wins
from engine import Database

ENGINE_TABLES = {"workflow_definition", "workflow_instance", "workflow_history", "submission",
                 "review_decision", "deadline"}


def model_tables(module) -> set[str]:
    return {obj.__tablename__ for obj in vars(module).values()
            if pyinspect.isclass(obj) and issubclass(obj, SQLModel) and hasattr(obj, "__table__")}


# apscheduler_jobs belongs to APScheduler's job store; the migrations create it (no model).
STORE_TABLES = {"apscheduler_jobs"}
MODEL_MODULES = (engine.models, notifications.models, workflows.access.models,
                 workflows.deadlines.models, workflows.directory.models,
                 workflows.evaluation.models, workflows.master_plan.quick_wins)
EXPECTED = set().union(*(model_tables(m) for m in MODEL_MODULES)) | STORE_TABLES


def tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def schema_differences(db: Database) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, SQLModel.metadata)
    # Tables other test modules might declare are not the migrations' business.
    return [d for d in diffs
            if not (d[0] == "add_table" and d[1].name not in EXPECTED)
            and not (d[0] in ("remove_table", "remove_index") and _store_object(d[1]))]


def _store_object(obj) -> bool:
    table = getattr(obj, "table", obj)
    return getattr(table, "name", None) in STORE_TABLES


def assert_history_append_only(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO workflow_definition (key, version, title, source_text, sha256, "
            "published_at) VALUES ('k', 1, 't', 'x', 'h', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO workflow_instance (definition_key, definition_version, subject, cycle, "
            "state, version, created_at, updated_at, entered_at) VALUES ('k', 1, 'R', 1, 'a', 1, "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO workflow_history (instance_id, seq, at, actor, role, kind, trigger, "
            "to_state) SELECT id, 1, CURRENT_TIMESTAMP, 'a', 'r', 'start', 'start', 'a' "
            "FROM workflow_instance"))
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM workflow_history"))


def test_empty_database_to_head_and_back(empty_url):
    assert EXPECTED >= ENGINE_TABLES
    db = Database(empty_url)
    try:
        assert migrations.current(db.engine) is None
        assert tables(db) == set()
        head = migrations.head()
        assert head is not None

        migrations.upgrade(db.engine)
        assert migrations.current(db.engine) == head
        assert tables(db) == EXPECTED
        assert schema_differences(db) == []

        migrations.upgrade(db.engine)  # already there: nothing happens
        assert migrations.current(db.engine) == head

        migrations.downgrade(db.engine, "base")
        assert migrations.current(db.engine) is None
        assert tables(db) == set()

        migrations.upgrade(db.engine)
        assert migrations.current(db.engine) == head
        assert tables(db) == EXPECTED
        assert_history_append_only(db)
    finally:
        db.dispose()
