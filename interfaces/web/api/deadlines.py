"""Deadlines: what ``smartcity deadlines`` does, over HTTP.

Open deadlines (of a region, a cohort or everyone), a cohort's date for a stage, one region's
own date, extension requests and their decision. Every time comes back three ways: UTC as
ISO 8601 (``due_at``), in the region's own zone (``due_local``, "2026-03-05 23:59 WITA") and
in WIB (``due_wib``), because national dates are announced in WIB. Dates are entered as a
local date and an optional ``HH:MM`` (23:59 when omitted), in the zone the request names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field

from interfaces.web.api.common import (
    MAX_INT,
    CohortPath,
    Comment,
    NoNul,
    ProgrammeDate,
    RegionPath,
    at_local,
    at_wib,
    check_visible,
    find_cohort,
)
from interfaces.web.api.errors import ACTION_ERRORS, BODY_ERRORS
from interfaces.web.deps import ApiViewer, Prog, acting
from workflows.deadlines import extensions, setting
from workflows.deadlines.working_days import MAX_WORKING_DAYS
from workflows.directory.regions import find_region
from workflows.programme import Programme
from workflows.reporting.deadlines import open_deadlines

router = APIRouter(tags=["deadlines"], responses=ACTION_ERRORS)

Zone = Literal["WIB", "WITA", "WIT"]
TimeOfDay = Annotated[str | None, Field(
    default=None, pattern=r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$",
    description="HH:MM (24-hour), local; 23:59 when omitted.", examples=["16:00"])]
WorkingDays = Annotated[int | None, Field(
    default=None, ge=0, le=MAX_WORKING_DAYS,
    description="The deadline is this many working days after `date` (weekends, national "
                "holidays and cuti bersama skipped).")]
StatePath = Annotated[str, Path(
    max_length=63, pattern=r"^[a-z][a-z0-9_]*$", description="A stage, e.g. bimtek_1.")]


class ExtensionOut(BaseModel):
    id: int
    status: str = Field(description="pending, granted or refused.")
    requested_by: str
    role: str
    reason: str
    requested_until: datetime
    requested_until_local: str
    requested_until_wib: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None


class DeadlineOut(BaseModel):
    id: int
    region: str
    region_name: str
    zone: str = Field(description="The region's zone: WIB, WITA or WIT.")
    state: str
    stage: str
    due_at: datetime = Field(description="UTC.")
    due_local: str = Field(description="In the region's zone, labelled.")
    due_wib: str = Field(description="In WIB, labelled.")
    origin: str = Field(description="Where the date comes from: definition (the stage's "
                                    "days), cohort, region (an override) or extension.")
    version: int = Field(description="Bumped each time the deadline moves.")
    next_reminder_at: datetime | None = Field(
        description="When the next reminder or escalation about it goes out (UTC); null "
                    "when none is left.")
    pending_extensions: list[int] = Field(description="Ids of undecided extension requests.")
    extensions: list[ExtensionOut] = Field(description="Every extension request on it.")


class CohortDeadlineIn(BaseModel):
    date: ProgrammeDate
    time: TimeOfDay = None
    zone: Zone = Field(default="WIB", description="The zone `date` and `time` are in.")
    working_days: WorkingDays = None


class CohortDeadlineOut(BaseModel):
    cohort: str
    state: str
    due_at: datetime
    due_wib: str
    applied: list[str] = Field(description="Regions in the stage now, given this date.")
    kept: list[str] = Field(description="Regions in the stage that keep their own date "
                                        "(an override or a granted extension).")


class RegionDeadlineIn(BaseModel):
    date: ProgrammeDate
    time: TimeOfDay = None
    zone: Zone | None = Field(default=None, description="Default: the region's own zone.")
    working_days: WorkingDays = None
    comment: Comment = None


class RegionDeadlineOut(BaseModel):
    region: str
    state: str
    deadline_id: int
    due_at: datetime
    due_local: str
    due_wib: str
    version: int


class ExtensionRequestIn(BaseModel):
    until: ProgrammeDate = Field(description="The new date asked for, in the region's zone.")
    time: TimeOfDay = None
    reason: Annotated[str, NoNul] = Field(min_length=1, max_length=4000,
                                          description="Why more time is needed.")


class ExtensionDecisionIn(BaseModel):
    decision: Literal["grant", "refuse"]
    comment: Comment = None


class ExtensionResultOut(BaseModel):
    id: int
    region: str
    state: str
    status: str = Field(description="pending, granted or refused.")
    due_at: datetime = Field(description="The deadline after the action (UTC).")
    due_local: str
    due_wib: str
    requested_until: datetime
    requested_until_local: str
    version: int = Field(description="The deadline's version after the action.")


def local_when(day: date, at: str | None) -> date | datetime:
    """A date, or a naive local date-time when a time of day is given."""
    if at is None:
        return day
    hours, minutes = (int(p) for p in at.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes)


def deadline_views(prog: Programme, *, region: str | None = None,
                   cohort: str | None = None) -> list[DeadlineOut]:
    """Open deadlines as the API shows them, with their extension requests."""
    with prog.db.read() as session:
        views = open_deadlines(prog, session, region=region, cohort=cohort)
    out = []
    for v in views:
        out.append(DeadlineOut(
            id=v.id, region=v.region, region_name=v.region_name, zone=v.zone,
            state=v.state, stage=v.stage, due_at=v.due_at,
            due_local=at_local(v.due_at, v.tz) or "", due_wib=at_wib(v.due_at) or "",
            origin=v.origin,
            version=v.version, next_reminder_at=v.next_reminder,
            pending_extensions=v.pending_extensions,
            extensions=[ExtensionOut(
                id=r.id or 0, status=r.status,
                requested_by=r.requested_by, role=r.role, reason=r.reason,
                requested_until=r.requested_until,
                requested_until_local=at_local(r.requested_until, v.tz) or "",
                requested_until_wib=at_wib(r.requested_until) or "",
                created_at=r.created_at, decided_by=r.decided_by, decided_at=r.decided_at,
                decision_comment=r.decision_comment) for r in v.extensions]))
    return out


def _extension_out(r: extensions.ExtensionResult) -> ExtensionResultOut:
    return ExtensionResultOut(
        id=r.id, region=r.region, state=r.state, status=r.status,
        due_at=r.due_at, due_local=at_local(r.due_at, r.tz) or "",
        due_wib=at_wib(r.due_at) or "", requested_until=r.requested_until,
        requested_until_local=at_local(r.requested_until, r.tz) or "", version=r.version)


@router.get("/deadlines", response_model=list[DeadlineOut])
def list_deadlines(
    viewer: ApiViewer, prog: Prog,
    cohort: Annotated[str | None, Query(
        max_length=100, description="Only this cohort's regions."), NoNul] = None,
) -> list[DeadlineOut]:
    """Open deadlines, soonest first: of every region the caller may see, or of a cohort."""
    if cohort is not None:
        with prog.db.read() as session:
            cohort = find_cohort(session, cohort).name
    return [d for d in deadline_views(prog, cohort=cohort) if viewer.sees(d.region)]


@router.get("/regions/{region}/deadlines", response_model=list[DeadlineOut])
def region_deadlines(region: RegionPath, viewer: ApiViewer, prog: Prog) -> list[DeadlineOut]:
    """The region's open deadlines, with its extension requests."""
    with prog.db.read() as session:
        code = find_region(session, region).code
    check_visible(viewer, code)
    return deadline_views(prog, region=code)


@router.put("/cohorts/{cohort}/deadlines/{state}", response_model=CohortDeadlineOut,
            responses=BODY_ERRORS)
def set_cohort_deadline(cohort: CohortPath, state: StatePath, body: CohortDeadlineIn,
                        viewer: ApiViewer, prog: Prog) -> CohortDeadlineOut:
    """Set a cohort's date for a stage (programme-wide coordinators): applied now to the
    members in that stage and to every member entering it later; a region's own override or
    granted extension is kept."""
    with prog.db.read() as session:
        name = find_cohort(session, cohort).name
    r = setting.set_cohort_deadline(
        prog, name, state, local_when(body.date, body.time), zone=body.zone,
        working_days=body.working_days, actor=acting(viewer))
    return CohortDeadlineOut(cohort=r.cohort, state=r.state, due_at=r.due_at,
                             due_wib=at_wib(r.due_at) or "", applied=r.applied, kept=r.kept)


@router.put("/regions/{region}/deadlines/{state}", response_model=RegionDeadlineOut,
            responses=BODY_ERRORS)
def set_region_deadline(region: RegionPath, state: StatePath, body: RegionDeadlineIn,
                        viewer: ApiViewer, prog: Prog) -> RegionDeadlineOut:
    """Set one region's own deadline for the stage it is in (its coordinators); it wins over
    the cohort's date. Entered in the region's zone unless `zone` is given."""
    r = setting.set_region_deadline(
        prog, region, state, local_when(body.date, body.time), zone=body.zone,
        working_days=body.working_days, actor=acting(viewer), comment=body.comment)
    return RegionDeadlineOut(region=r.region, state=r.state, deadline_id=r.deadline_id,
                             due_at=r.due_at, due_local=at_local(r.due_at, r.tz) or "",
                             due_wib=at_wib(r.due_at) or "", version=r.version)


@router.post("/regions/{region}/extensions", status_code=status.HTTP_201_CREATED,
             response_model=ExtensionResultOut, responses=BODY_ERRORS)
def request_extension(region: RegionPath, body: ExtensionRequestIn, viewer: ApiViewer,
                      prog: Prog) -> ExtensionResultOut:
    """Ask a coordinator to move the region's open deadline (an OPD of the region, its own
    coordinator or its head of region); the date is in the region's zone."""
    return _extension_out(extensions.request_extension(
        prog, region, local_when(body.until, body.time), body.reason,
        actor=acting(viewer)))


@router.post("/extensions/{request_id}/decision", response_model=ExtensionResultOut,
             responses=BODY_ERRORS)
def decide_extension(
    request_id: Annotated[int, Path(ge=1, le=MAX_INT, description="The request's id.")],
    body: ExtensionDecisionIn, viewer: ApiViewer, prog: Prog,
) -> ExtensionResultOut:
    """Grant (the deadline moves and its reminders are re-armed) or refuse (a comment is
    required) a pending extension request (a coordinator, not the one who asked)."""
    return _extension_out(extensions.decide_extension(
        prog, request_id, body.decision == "grant", body.comment,
        actor=acting(viewer)))
