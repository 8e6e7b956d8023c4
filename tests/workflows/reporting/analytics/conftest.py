"""Fixtures of the analytics tests: the fixed history of ``analyticskit``, built once per
module on each backend (the tests only read it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from analyticskit import History, SettableClock, build  # type: ignore[import-not-found]

from config.settings import Settings
from workflows.programme import Programme


@pytest.fixture(scope="module")
def history(module_database_url: str, tmp_path_factory: pytest.TempPathFactory,
            world_type: type) -> Iterator[History]:
    folder = tmp_path_factory.mktemp("analytics")
    clock = SettableClock()
    prog = Programme(Settings(data_dir=folder, database_url=module_database_url), clock=clock)
    world = world_type(prog, Path(folder) / "in")
    world.seed_people()
    yield build(world, clock)
    prog.close()
