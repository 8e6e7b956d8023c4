"""The twice-yearly evaluation: windows, returns, scores, the achievement index, the ranking,
and the emails about windows."""

from __future__ import annotations

from typing import Final
from zoneinfo import ZoneInfo

from workflows.zones import ZONES

#: The five parts of a return that assessors score, in the order they are shown.
PARTS: Final = ("baseline", "output", "outcome", "impact", "quick_win")
#: Window dates are national: read and shown in WIB.
WIB: Final = ZoneInfo(ZONES["WIB"])
#: Sums of float weights (0.1 * 3 + 0.2 * 4 ...) carry noise in the 16th digit; results are
#: rounded to this many decimals so that a worked example comes out exact and equal indices
#: tie.
DECIMALS: Final = 9
