"""A region's timeline: every action on every cycle of its master plan, oldest first.

Each entry is the engine's :class:`~engine.HistoryRecord` (who, in which role, which action,
from which stage to which, the comment, when in UTC); interfaces show the time in the
region's zone.
"""

from __future__ import annotations

from sqlmodel import Session

from engine import HistoryRecord, NotFoundError, Records
from workflows.directory.models import Region
from workflows.directory.regions import find_region

#: A history entry, as every interface shows it.
HistoryRow = HistoryRecord


def history(session: Session, region_ref: str) -> tuple[Region, list[HistoryRecord]]:
    """The region's timeline over all its cycles, oldest first."""
    region = find_region(session, region_ref)
    rows = Records(session).history(region.code)
    if not rows:
        raise NotFoundError(f"{region.code} {region.name} has not joined the programme; "
                            "add it to a cohort first")
    return region, rows


def action_of(row: HistoryRecord) -> str:
    """What a history entry did, as the command line shows it."""
    return f"submit {row.detail or row.trigger}" if row.kind == "submission" else row.trigger
