"""Alembic environment: the target metadata is every SQLModel table of engine and workflows."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import engine.models  # noqa: F401  (registers the tables)
import workflows.models  # noqa: F401

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
