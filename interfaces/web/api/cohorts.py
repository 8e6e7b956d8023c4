"""Cohorts: the list, and a cohort's progress by stage (``smartcity cohort list``, ``status``).

A scoped caller (an OPD, a mentor, a head of region) sees the rows of the regions it acts for
only; the programme's coordinators and assessors see the whole cohort.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from interfaces.web.api.common import CohortPath, at_local, find_cohort
from interfaces.web.api.errors import ERRORS
from interfaces.web.deps import ApiViewer, Prog
from workflows.directory.cohorts import cohorts
from workflows.reporting.status import status

router = APIRouter(tags=["cohorts"], responses=ERRORS)


class CohortOut(BaseModel):
    name: str
    year: int
    regions: int = Field(description="How many regions were selected into it.")


class StatusRowOut(BaseModel):
    code: str
    name: str
    province: str
    zone: str = Field(description="WIB, WITA or WIT.")
    state: str = Field(description="The workflow state key, e.g. bimtek_2.")
    stage: str = Field(description="The state's label.")
    stage_index: int = Field(description="Position of the stage along the workflow.")
    cycle: int
    version: int = Field(description="Send as expected_version to act on what you saw.")
    entered_at: datetime = Field(description="When it entered the stage (UTC).")
    entered_local: str = Field(description="The same in the region's zone, labelled.")
    due_at: datetime | None = Field(description="The open deadline of the stage (UTC).")
    due_local: str | None = Field(description="The same in the region's zone, labelled.")


class CohortStatus(BaseModel):
    cohort: str
    regions: list[StatusRowOut]
    by_stage: dict[str, int] = Field(description="How many regions are in each state.")


@router.get("/cohorts", response_model=list[CohortOut])
def list_cohorts(viewer: ApiViewer, prog: Prog) -> list[CohortOut]:
    """Every cohort with its year and number of regions, oldest first."""
    with prog.db.read() as session:
        return [CohortOut(name=c.name, year=c.year, regions=n)
                for c, n in cohorts(session)]


@router.get("/cohorts/{cohort}/status", response_model=CohortStatus)
def cohort_status(cohort: CohortPath, viewer: ApiViewer, prog: Prog) -> CohortStatus:
    """Every region of the cohort by stage, with its open deadline in its own zone."""
    with prog.db.read() as session:
        found = find_cohort(session, cohort)
        rows = status(prog, session, found.name, viewer.regions())
    out = [StatusRowOut(
        code=r.code, name=r.name, province=r.province, zone=r.zone, state=r.state,
        stage=r.stage, stage_index=r.stage_index, cycle=r.cycle, version=r.version,
        entered_at=r.entered_at, entered_local=at_local(r.entered_at, r.tz) or "",
        due_at=r.due_at, due_local=at_local(r.due_at, r.tz)) for r in rows]
    return CohortStatus(cohort=found.name, regions=out,
                        by_stage=dict(Counter(r.state for r in rows)))
