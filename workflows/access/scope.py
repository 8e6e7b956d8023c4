"""The one scope rule for reads: which regions someone may see.

Actions are checked by the engine itself; reads have no engine function to ask, so every
page, API endpoint and export applies this rule, the same one the engine applies to actions:
someone bound to no region in particular (a ministry coordinator or assessor, an
administrator account with no person behind it) sees every region; someone bound to regions
(an OPD, a mentor, a head of region, a region's own coordinator) only those.
"""

from __future__ import annotations

from engine import Actor


def regions_of(actor: Actor | None) -> frozenset[str] | None:
    """The regions ``actor`` acts for; None means every region."""
    return actor.subjects if actor is not None else None


def sees(actor: Actor | None, region: str) -> bool:
    """Whether ``actor`` may see ``region``."""
    regions = regions_of(actor)
    return regions is None or region in regions
