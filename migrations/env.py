"""Alembic environment: the target metadata is every table of the engine, the notifications and
the programme's packages."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

# Each import registers its package's tables in SQLModel's metadata.
import engine as _engine  # noqa: F401
import notifications.models  # noqa: F401
import workflows.access.models
import workflows.deadlines.models
import workflows.directory.models
import workflows.evaluation.models
import workflows.master_plan.quick_wins  # noqa: F401

target_metadata = SQLModel.metadata
cfg = context.config


def run() -> None:
    engine = cfg.attributes.get("engine")
    if not engine:
        url = cfg.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError(
                "no database to migrate: pass an engine in the Alembic config's attributes "
                "or set sqlalchemy.url"
            )
        engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
