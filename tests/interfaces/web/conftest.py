"""Fixtures for the web tests: a seeded programme behind the FastAPI app, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from webkit import Web  # type: ignore[import-not-found]
from worldkit import World  # type: ignore[import-not-found]

from workflows.programme import Programme


@pytest.fixture
def web(prog: Programme, tmp_path: Path) -> Web:
    """Kota Balikpapan in the 2026 cohort with two OPDs, its head and mentor; no accounts yet."""
    world = World(prog, tmp_path / "in")
    world.seed_people()
    return Web(world, world.region())
