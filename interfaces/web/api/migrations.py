"""Migrations: running regions moved to another version of a workflow, and reverted
(``smartcity workflow migrate``, ``migrations``, ``migration``, ``revert-migration``).

A dry run answers 200 with the plan, region by region; an applied migration 201 with the plan
and its number. A plan that refuses any region writes nothing and answers 422 with the one
error body, each refused region and why in ``problems``. Coordinators only (403 otherwise):
:mod:`workflows.migrations` checks the role of the actor behind the token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from config.messages import plural, text
from engine import (
    InstancePlan,
    MigrationSummary,
    PermissionDenied,
    migration_lines,
    recorded_migration,
    recorded_migrations,
)
from interfaces.web.api.common import MAX_INT, NoNul, RegionRef
from interfaces.web.api.errors import ACTION_ERRORS, BODY_ERRORS, ERRORS, ErrorBody, Responses
from interfaces.web.deps import ApiViewer, Prog, Viewer, acting, role_named
from workflows import instances, migrations, roles

router = APIRouter(tags=["migrations"], responses=ERRORS)

StateName = Annotated[str, Field(min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_]*$")]
KeyPath = Annotated[str, Path(min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_]*$",
                              examples=["master_plan"], description="The workflow's key.")]
IdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="The migration's number.")]
Reason = Annotated[str | None, Field(default=None, max_length=4000,
                                     description="Why, for each region's history."), NoNul]


class MigrationIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    to_version: int = Field(ge=1, le=MAX_INT, description="The version to move to.")
    state_map: dict[StateName, StateName] = Field(
        default_factory=dict, alias="map", max_length=200,
        description="Where regions in a state the new version lacks go: {old: new}.")
    regions: list[RegionRef] = Field(default_factory=list, max_length=600,
                                     description="Regions by code or name.")
    cohort: Annotated[str | None, Field(default=None, min_length=1, max_length=100,
                                        description="Every region of a cohort."), NoNul]
    all: bool = Field(default=False, description="Every region running the workflow.")
    dry_run: bool = Field(default=False, description="Answer the plan; write nothing.")
    all_or_nothing: bool = Field(
        default=False, description="One transaction for the batch (any conflict writes "
                                   "nothing); default: one per region.")
    reason: Reason


class RevertIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = False
    all_or_nothing: bool = False
    reason: Reason


class PlanLineOut(BaseModel):
    region: str
    cycle: int
    from_version: int
    from_state: str
    to_version: int
    to_state: str
    action: str = Field(description="apply, skip or refuse.")
    why: str | None = Field(description="Why it is skipped or refused.")
    required: list[str] = Field(description="Deliverables the target state newly requires.")
    orphaned: list[str] = Field(description="Submitted deliverables the new version does "
                                            "not define (they stay attached).")
    deadline: str = Field(description="keep, close, open, close+open, carry (a renamed stage "
                                      "keeps its deadline), reopen, close+reopen (a revert "
                                      "reopens the deadline its migration closed) or none.")
    due_at: datetime | None = Field(description="The deadline opened, carried or reopened "
                                                "(UTC).")


class PlanOut(BaseModel):
    dry_run: bool
    mode: str = Field(description="per_instance or all_or_nothing.")
    migration_id: int | None = Field(description="The migration's number once applied.")
    plans: list[PlanLineOut]
    conflicts: list[str] = Field(description="Regions changed meanwhile, not migrated.")


class MigrationOut(BaseModel):
    id: int
    workflow: str
    from_versions: list[int]
    to_version: int
    actor: str
    at: datetime
    mode: str
    state_map: dict[str, str]
    scope: str = Field(description="Which regions were asked for, in the reader's language.")
    status: str = Field(description="running, applied, partial, reverted or "
                                    "partly_reverted.")
    reason: str | None
    reverted_of: int | None
    counts: dict[str, int] = Field(description="Regions applied, skipped, conflicted.")


class LineOut(BaseModel):
    region: str
    from_version: int
    from_state: str
    to_version: int
    to_state: str
    version_after: int | None
    outcome: str = Field(description="applied, skipped or conflict.")
    reason: str | None
    deadline: str
    required: list[str]
    orphaned: list[str]


class MigrationDetailOut(MigrationOut):
    lines: list[LineOut]


def _why(p: InstancePlan) -> str | None:
    if p.refused:
        return str(p.refusal)
    return text(f"migration.skipped.{p.reason}") if p.skipped else None


def _plan_out(result: migrations.MigrationResult) -> PlanOut:
    return PlanOut(dry_run=result.dry_run, mode=result.mode, migration_id=result.migration_id,
                   conflicts=result.conflicts, plans=[PlanLineOut(
                       region=p.subject, cycle=p.cycle, from_version=p.from_version,
                       from_state=p.from_state, to_version=p.to_version, to_state=p.to_state,
                       action=p.action, why=_why(p), required=list(p.required),
                       orphaned=list(p.orphaned), deadline=p.deadline,
                       due_at=p.due.due_at if p.due else None) for p in result.plans])


def _answer(result: migrations.MigrationResult, response: Response) -> Any:
    if result.refused:
        body = ErrorBody(
            detail=plural("migration.api_refused", len(result.refused)),
            error="MigrationRefused", code="migration.api_refused",
            problems=[f"{p.subject}: {p.refusal}" for p in result.refused])
        return JSONResponse(body.model_dump(), status_code=422)
    response.status_code = status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED
    return _plan_out(result)


def _out(m: MigrationSummary) -> dict[str, Any]:
    return {"id": m.id, "workflow": m.definition_key, "from_versions": list(m.from_versions),
            "to_version": m.to_version, "actor": m.actor, "at": m.at, "mode": m.mode,
            "state_map": m.state_map, "scope": str(migrations.scope_words(m.scope)),
            "status": m.status,
            "reason": m.comment, "reverted_of": m.reverted_of, "counts": m.counts}


def _staff(viewer: Viewer) -> None:
    if not (viewer.is_admin or viewer.role == roles.COORDINATOR):
        raise PermissionDenied("migration.coordinators_only", who=viewer.email,
                               role=role_named(viewer))


WRITE: Responses = {
    200: {"model": PlanOut, "description": "A dry run: the plan, nothing written."},
    **ACTION_ERRORS, **BODY_ERRORS}
REFUSED: Responses = {422: {
    "model": ErrorBody, "description": "A region is refused (or the input is invalid); "
                                       "nothing was written. `problems` lists each region "
                                       "and why."}}


@router.post("/workflows/{key}/migrations", status_code=status.HTTP_201_CREATED,
             response_model=PlanOut, responses={**WRITE, **REFUSED})
def migrate(key: KeyPath, body: MigrationIn, response: Response, viewer: ApiViewer,
            prog: Prog) -> Any:
    """Move running regions to another version of workflow ``key`` (coordinators). The plan
    first: ``dry_run`` answers it (200); otherwise it is applied (201, its number in
    ``migration_id``), unless a region is refused (422, nothing written)."""
    scope = migrations.Scope(tuple(body.regions), body.cohort, body.all)
    result = migrations.migrate(prog, key, body.to_version, scope, acting(viewer),
                                state_map=body.state_map, dry_run=body.dry_run,
                                all_or_nothing=body.all_or_nothing, reason=body.reason)
    return _answer(result, response)


@router.get("/workflows/{key}/migrations", response_model=list[MigrationOut])
def list_migrations(key: KeyPath, viewer: ApiViewer, prog: Prog) -> list[MigrationOut]:
    """The migrations of workflow ``key``, newest first (coordinators)."""
    _staff(viewer)
    with prog.db.read() as session:
        instances.workflow(prog, session, key)  # an unknown key: 404 naming the published
        return [MigrationOut(**_out(m)) for m in recorded_migrations(session, key)]


@router.get("/migrations/{migration_id}", response_model=MigrationDetailOut)
def show_migration(migration_id: IdPath, viewer: ApiViewer, prog: Prog) -> MigrationDetailOut:
    """One migration with each region's line: where it was, where it went, how it ended."""
    _staff(viewer)
    with prog.db.read() as session:
        m = recorded_migration(session, migration_id)
        lines = migration_lines(session, migration_id)
    return MigrationDetailOut(**_out(m), lines=[LineOut(
        region=line.subject, from_version=line.from_version, from_state=line.from_state,
        to_version=line.to_version, to_state=line.to_state, version_after=line.version_after,
        outcome=line.outcome, reason=line.reason, deadline=line.deadline,
        required=list(line.required), orphaned=list(line.orphaned)) for line in lines])


@router.post("/migrations/{migration_id}/revert", status_code=status.HTTP_201_CREATED,
             response_model=PlanOut, responses={**WRITE, **REFUSED})
def revert(migration_id: IdPath, body: RevertIn, response: Response, viewer: ApiViewer,
           prog: Prog) -> Any:
    """Return every region the migration moved to the version and state it came from; a
    region changed since is refused (422, nothing written). 409 if already reverted."""
    result = migrations.revert(prog, migration_id, acting(viewer), dry_run=body.dry_run,
                               all_or_nothing=body.all_or_nothing, reason=body.reason)
    return _answer(result, response)
