"""Fixtures for the web tests: a seeded programme behind the FastAPI app, on both backends for
the API (api/), on SQLite for the pages (pages/conftest.py narrows ``database_url``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from webkit import Web  # type: ignore[import-not-found]
from worldkit import World  # type: ignore[import-not-found]

from workflows.access import accounts
from workflows.programme import Programme


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at full cost takes most of a second per account; the web tests are about the
    pages and the API (tests/workflows/access/test_accounts__passwords.py checks hashing at full
    cost)."""
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def web(prog: Programme, tmp_path: Path) -> Web:
    """Kota Balikpapan in the 2026 cohort with two OPDs, its head and mentor; no accounts yet."""
    world = World(prog, tmp_path / "in")
    world.seed_people()
    return Web(world, world.region())
