"""What the evaluation tests share: the regions they use, the default windows' instants in UTC,
and two moves (set the simulated clock; drive regions to implementation).

Imported by name (``conftest`` is ambiguous as a module name): default settings give windows
06-01/06-30 and 11-01/11-30 in WIB.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

BALIKPAPAN = "64.71"  # WITA
JAYAPURA = "91.71"  # WIT
DENPASAR = "51.71"  # WITA
SEMARANG = "33.74"  # WIB

H1_OPENS = datetime(2026, 5, 31, 17, 0, tzinfo=UTC)  # 2026-06-01 00:00 WIB
H1_CLOSES = datetime(2026, 6, 30, 16, 59, 59, tzinfo=UTC)  # 2026-06-30 23:59:59 WIB
H2_OPENS = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
H2_CLOSES = datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC)


def at(clock: Any, when: datetime) -> None:
    clock.now = when


def implementing(world: Any, *codes: str) -> dict[str, Any]:
    """Regions selected into the cohort and driven to implementation."""
    seeded = {}
    for code in codes:
        seeded[code] = r = world.region(code)
        world.drive(r, "implementation")
    return seeded
