"""Schema migrations (Alembic), run from code so ``smartcity init`` and the tests share them.

Every table, from the first one on, is created by a migration here; nothing calls
``create_all``. To add one: change the models, then
``alembic -c migrations/alembic.ini revision --autogenerate -m "what changed"``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (a no-op when it is there already)."""
    command.upgrade(config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(config(engine), revision)


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(config()).get_current_head()


def revisions() -> frozenset[str]:
    """Every revision this release's scripts know: a database at one they do not was migrated
    by a newer release (an old process must then be upgraded, not the database)."""
    return frozenset(s.revision for s in ScriptDirectory.from_config(config()).walk_revisions())
