"""A cohort's progress: every region with its stage, its open deadline and its review round.

The one row type for a region's progress (:class:`StatusRow`), shared by ``smartcity status``,
the API, the cohort board, the coordinator's page and the cohort export. Two queries whatever
the size of the cohort (its members with their provinces; their current instances with the
open deadline of their stage), and a third for the last review rounds when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from engine import Records
from workflows.directory.cohorts import find_cohort
from workflows.directory.models import CohortMember, Province, Region
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme


@dataclass(frozen=True)
class StatusRow:
    """One region of a cohort: where it is and what it is due to do."""

    code: str
    name: str
    province: str
    zone: str
    tz: str
    state: str
    stage: str
    stage_index: int
    cycle: int
    entered_at: datetime
    due_at: datetime | None  # the open deadline of the stage it is in
    version: int
    origin: str | None = None  # where that deadline comes from
    review_round: int = 0  # the last review round decided in the current cycle, 0 if none
    #                        (read only when asked for: see :func:`status`)


def status(prog: Programme, session: Session, cohort_ref: str,
           regions: frozenset[str] | None = None, *,
           review_rounds: bool = False) -> list[StatusRow]:
    """Every region of a cohort (only ``regions`` when given), by stage then region; with
    ``review_rounds``, each row's last review round too."""
    cohort = find_cohort(session, cohort_ref)
    members = session.execute(
        select(col(Region.code), col(Region.name), col(Province.name), col(Region.zone),
               col(Region.tz))
        .join(CohortMember, col(CohortMember.region_code) == Region.code)
        .join(Province, col(Province.code) == Region.province_code)
        .where(col(CohortMember.cohort_id) == cohort.id)
    ).all()
    if regions is not None:
        members = [m for m in members if m[0] in regions]
    records = Records(session)
    progress = records.current_with_deadlines(MASTER_PLAN, [m[0] for m in members])
    rounds = (records.review_rounds([i.id for i, _ in progress.values()])
              if review_rounds else {})
    out = []
    for code, name, province, zone, tz in members:
        if code not in progress:
            continue
        instance, due = progress[code]
        d = prog.definition_of(session, instance)
        out.append(StatusRow(
            code, name, province, zone, tz, instance.state, d.state_label(instance.state),
            list(d.states).index(instance.state), instance.cycle, instance.entered_at,
            due.due_at if due else None, instance.version, due.origin if due else None,
            rounds.get(instance.id, 0)))
    return sorted(out, key=lambda r: (r.stage_index, r.code))
