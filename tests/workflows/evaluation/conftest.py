"""Fixtures of the evaluation tests (their shared helpers live in ``evaluationkit``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from evaluationkit import (  # type: ignore[import-not-found]
    BALIKPAPAN,
    DENPASAR,
    JAYAPURA,
    SEMARANG,
    at,
    implementing,
)

from workflows.evaluation import returns as evaluation_returns
from workflows.evaluation import windows


@pytest.fixture
def returned(world: Any, clock: Any) -> dict[str, Any]:
    """Balikpapan, Jayapura and Denpasar in implementation, each with a 2026-H1 return;
    Semarang selected but still in assessment."""
    seeded = implementing(world, BALIKPAPAN, JAYAPURA, DENPASAR)
    world.region(SEMARANG)
    windows.ensure_windows(world.prog, 2026)
    at(clock, datetime(2026, 6, 10, tzinfo=UTC))
    for code, r in seeded.items():
        evaluation_returns.submit_return(world.prog, code, "2026-H1", r.opd)
    return seeded
