"""The page tests run on SQLite only: what a page renders does not depend on the backend, and
the API tests (tests/interfaces/web/api) cover the same reads and writes on both."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """A fresh, initialised SQLite database (the SQLite half of tests/conftest.py's)."""
    return sqlite_database_url
