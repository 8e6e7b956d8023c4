"""The smart-city master plan: its definition, the guards it names, what people do on it, and
the emails its reviews send.

The names code refers to are constants here; everything else (states, labels, who may submit
what) is read from the definition, ``workflows/definitions/master_plan.yaml``.
"""

from __future__ import annotations

from typing import Final

#: The workflow key of the master plan (``key:`` in ``workflows/definitions/master_plan.yaml``).
MASTER_PLAN: Final = "master_plan"
#: The deliverable a quick-win plan is submitted as; it lists its quick wins.
QUICK_WIN_PLAN: Final = "quick_win_plan"
#: The per-OPD deliverable of bimtek I.
QUESTIONNAIRE: Final = "questionnaire"
#: The coordinator's trigger that grants one more revision round after the last one.
GRANT_EXTRA_ROUND: Final = "grant_extra_round"
#: The state a region in implementation is in (evaluation returns are handed in there).
IMPLEMENTATION: Final = "implementation"
