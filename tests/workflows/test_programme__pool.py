"""The PostgreSQL connection pool of a programme (workflows/programme.py -> engine/database.py)
is sized by SMARTCITY_DATABASE_POOL_SIZE and SMARTCITY_DATABASE_MAX_OVERFLOW, 10 and 10 unless
set: each process has its own pool, so the operator sizes it against max_connections."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.pool import QueuePool

from config.settings import Settings
from workflows.programme import Programme

# Nothing listens there: the pool is made with the engine, before any connection is opened.
URL = "postgresql+psycopg://smartcity@127.0.0.1:1/nowhere"


def _pool(settings: Settings) -> QueuePool:
    prog = Programme(settings)
    try:
        pool = prog.db.engine.pool
        assert isinstance(pool, QueuePool)
        return pool
    finally:
        prog.close()


def test_the_pool_is_ten_and_ten_unless_set(tmp_path: Path) -> None:
    pool = _pool(Settings(data_dir=tmp_path, database_url=URL))
    assert (pool.size(), pool._max_overflow) == (10, 10)


def test_the_pool_follows_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_DATABASE_POOL_SIZE", "4")
    monkeypatch.setenv("SMARTCITY_DATABASE_MAX_OVERFLOW", "0")
    pool = _pool(Settings(data_dir=tmp_path, database_url=URL))
    assert (pool.size(), pool._max_overflow) == (4, 0)
