"""Fixtures of the migration tests: a database of each backend that holds nothing at all."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text


@pytest.fixture
def empty_url(engine_url: str, tmp_path, root_conftest) -> Iterator[str]:
    if engine_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin = root_conftest._pg_admin()  # PG_ADMIN_URL of tests/conftest.py
    name = f"sc_empty_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield root_conftest._pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
