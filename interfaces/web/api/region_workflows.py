"""Starting another of a region's workflows: ``POST /regions/{region}/workflows/{key}``.

Mirrors ``smartcity workflow start KEY REGION``: a coordinator of the region (or of the
programme) starts a published workflow other than the master plan (that one starts when the
region joins a cohort). Acting on it afterwards is the region's actions with ``?workflow=KEY``
(:mod:`interfaces.web.api.regions`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, Field

from interfaces.web.api.common import RegionPath, SubjectKind, SubjectLabel
from interfaces.web.api.errors import ACTION_ERRORS
from interfaces.web.deps import ApiViewer, Prog, acting
from workflows import instances

router = APIRouter(tags=["regions"])

KeyPath = Annotated[str, Path(min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_]*$",
                              examples=["award_round"], description="The workflow's key.")]


class StartedOut(BaseModel):
    region: str
    subject_kind: SubjectKind
    subject_label: SubjectLabel
    workflow: str
    workflow_version: int
    title: str
    cycle: int = Field(description="The round: 1, or one more than the last one that ended.")
    state: str
    stage: str
    version: int = Field(description="Send as expected_version to act on what you saw.")
    entered_at: datetime


@router.post("/regions/{region}/workflows/{key}", status_code=status.HTTP_201_CREATED,
             response_model=StartedOut, responses=ACTION_ERRORS)
def start_workflow(region: RegionPath, key: KeyPath, viewer: ApiViewer,
                   prog: Prog) -> StartedOut:
    """Start workflow ``key`` for the region as a coordinator: 403 for anyone else, 404 for
    an unknown region or workflow, 409 while the region's instance of it still runs."""
    instance = instances.start(prog, key, region, acting(viewer))
    with prog.db.read() as session:
        d = prog.definition_of(session, instance)
    return StartedOut(region=instance.subject, subject_kind=d.subject.kind,
                      subject_label=d.subject_label(), workflow=key,
                      workflow_version=instance.definition_version, title=str(d.title),
                      cycle=instance.cycle, state=instance.state,
                      stage=d.state_label(instance.state), version=instance.version,
                      entered_at=instance.entered_at)
