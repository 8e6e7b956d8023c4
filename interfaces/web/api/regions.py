"""A region's master plan: where it stands, its timeline, what the caller may do, actions,
reviews and submissions (file uploads; each listed with the id and URL of its download,
:mod:`interfaces.web.api.files`). Its calendar feed is :mod:`interfaces.web.api.calendars`.

Mirrors ``smartcity region show``, ``history``, ``actions``, ``advance``, ``review approve|
reject`` and ``submit``. Every action goes through
:mod:`workflows.master_plan.actions` as the caller, so the engine decides: 403 for a role or
region that may not act, 409 for a stale ``expected_version``, an action not possible in the
current stage or a condition not met.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from config.messages import Message
from engine import FireResult
from interfaces.web import cursors
from interfaces.web.api.common import (
    MAX_INT,
    Comment,
    ExpectedVersion,
    NoNul,
    PayloadTooLarge,
    RegionPath,
    SubjectKind,
    SubjectLabel,
    WorkflowQuery,
    at_local,
    check_visible,
)
from interfaces.web.api.deadlines import DeadlineOut, deadline_views
from interfaces.web.api.errors import ACTION_ERRORS, BODY_ERRORS, ERRORS, errors
from interfaces.web.api.paging import DEFAULT_LIMIT, PAGED, Cursor, Limit, next_headers
from interfaces.web.deps import ApiViewer, Prog, acting
from workflows import instances
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.directory.subjects import Subject
from workflows.master_plan import MASTER_PLAN, actions, uploads
from workflows.master_plan.quick_wins import QuickWinRow
from workflows.obligations import Obligations
from workflows.reporting.region import summary
from workflows.reporting.submissions import submissions_page
from workflows.reporting.timeline import subject_page

router = APIRouter(tags=["regions"], responses=ERRORS)

#: What an action with a JSON body may answer.
ACTING = {**ACTION_ERRORS, **BODY_ERRORS}


class OpdOut(BaseModel):
    code: str
    name: str
    email: str
    dimension: str | None


class OwedOut(BaseModel):
    """One thing one party owes in the region's current stage (what reminders are made of)."""

    role: str = Field(description="The role that owes it: opd, mentor, head_of_region, ...")
    party: str | None = Field(description="The OPD's code or the person's address; null when "
                                          "nobody of the role is registered for the region.")
    name: str | None
    kind: str = Field(description="submit (a document), review (a decision) or act (the "
                                  "action that closes the stage).")
    what: str = Field(description="The deliverable (submit, review) or the trigger (act).")
    label: str
    deadline_id: int | None
    due_at: datetime | None = Field(description="The stage's deadline (UTC), if it has one.")


class RegionOut(BaseModel):
    code: str
    name: str
    kind: str
    province: str
    zone: str = Field(description="WIB, WITA or WIT.")
    tz: str = Field(description="The IANA zone, e.g. Asia/Makassar.")
    cohort: str | None
    workflow: str
    workflow_version: int
    cycle: int
    state: str = Field(description="The workflow state key, e.g. mentor_review.")
    stage: str = Field(description="The state's label.")
    version: int = Field(description="Send as expected_version to act on what you saw.")
    entered_at: datetime = Field(description="When it entered the stage (UTC).")
    entered_local: str = Field(description="The same in the region's zone, labelled.")
    deadlines: list[DeadlineOut] = Field(description="Open deadlines.")
    opds: list[OpdOut]
    owed: list[OwedOut] = Field(description="Who owes what in the current stage.")


class HistoryOut(BaseModel):
    cycle: int
    seq: int
    at: datetime
    at_local: str
    actor: str
    role: str
    kind: str = Field(description="start, transition, submission, deadline, extension ...")
    trigger: str
    from_state: str | None
    to_state: str
    comment: str | None
    detail: str | None


class HistoryPage(BaseModel):
    region: str
    name: str
    zone: str
    entries: list[HistoryOut]
    next_cursor: str | None = Field(
        default=None, description="Pass as cursor for the next page; null on the last page.")


class ActionOut(BaseModel):
    trigger: str
    label: str
    dests: list[str]
    allowed: bool = Field(description="Whether the caller may fire it now.")
    reasons: list[str] = Field(description="Why not, when not allowed.")


class ActionsPage(BaseModel):
    region: str
    subject_kind: SubjectKind
    subject_label: SubjectLabel
    state: str
    stage: str
    version: int
    actions: list[ActionOut]


class AdvanceIn(BaseModel):
    trigger: str = Field(min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_]*$",
                         examples=["close_bimtek_1"],
                         description="The action (see GET /regions/{region}/actions).")
    comment: Comment = None
    expected_version: ExpectedVersion = None


class ReviewIn(BaseModel):
    decision: Literal["approve", "reject"]
    comment: Comment = None
    expected_version: ExpectedVersion = None


class TransitionOut(BaseModel):
    region: str
    trigger: str
    from_state: str
    from_stage: str
    to_state: str
    to_stage: str
    version: int = Field(description="The region's version after the action.")
    cycle: int
    next_cycle_started: bool = Field(description="True when the action renewed the plan.")


class ReviewRound(BaseModel):
    round: int
    decision: str = Field(description="approved or rejected.")
    comment: str | None


class SubmissionOut(BaseModel):
    id: int = Field(description="The submission's id, for GET .../submissions/{id}/file.")
    file_url: str = Field(description="Where to download this version's file.")
    size_bytes: int = Field(description="The file's size, to know before downloading.")
    deliverable: str
    party: str = Field(description="The OPD of a per-OPD deliverable; empty otherwise.")
    version: int
    file_name: str
    sha256: str
    submitted_by: str
    submitted_at: datetime
    submitted_local: str
    reviews: list[ReviewRound]


class SubmitOut(BaseModel):
    region: str
    deliverable: str
    party: str
    version: int = Field(description="The deliverable's version number just received.")
    sha256: str
    quick_wins: int = Field(description="Quick wins listed with a quick-win plan.")


def _region(session: Session, viewer: ApiViewer, ref: str) -> Region:
    region = find_region(session, ref)
    check_visible(viewer, region.code)
    return region


def _subject(prog: Prog, session: Session, viewer: ApiViewer, key: str, ref: str) -> Subject:
    """The subject of workflow ``key`` that ``ref`` names (a region, or a province for a
    province workflow), visible to the viewer; an unknown key is a 404 naming the published
    ones."""
    subject = instances.subject_of(prog, session, key, ref)
    check_visible(viewer, subject.code)
    return subject


def _transition(trigger: str, result: FireResult) -> TransitionOut:
    return TransitionOut(
        region=result.instance.subject, trigger=trigger, from_state=result.from_state,
        from_stage=result.from_stage, to_state=result.to_state, to_stage=result.to_stage,
        version=result.instance.version, cycle=result.instance.cycle,
        next_cycle_started=result.successor_id is not None)


@router.get("/regions/{region}", response_model=RegionOut)
def show_region(region: RegionPath, viewer: ApiViewer, prog: Prog) -> RegionOut:
    """The region's stage, version, cycle, since when, zone, open deadlines, OPDs, and who
    owes what in the current stage."""
    with prog.db.read() as session:
        found = summary(prog, session, _region(session, viewer, region).code)
        owed = Obligations(prog, session).master_plan([found.region.code])
    r, instance = found.region, found.instance
    return RegionOut(
        code=r.code, name=r.name, kind=r.kind, province=found.province, zone=r.zone, tz=r.tz,
        cohort=found.cohort, workflow=instance.definition_key,
        workflow_version=instance.definition_version, cycle=instance.cycle,
        state=instance.state, stage=found.stage, version=instance.version,
        entered_at=instance.entered_at,
        entered_local=at_local(instance.entered_at, r.tz) or "",
        deadlines=deadline_views(prog, region=r.code),
        opds=[OpdOut(code=o.code, name=o.name, email=o.email, dimension=o.dimension)
              for o in found.opds],
        owed=[OwedOut(role=o.role, party=o.party.id if o.party else None,
                      name=o.party.name if o.party else None, kind=o.kind, what=o.duty.name,
                      label=o.label, deadline_id=o.deadline.id if o.deadline else None,
                      due_at=o.deadline.due_at if o.deadline else None)
              for o in owed])


@router.get("/regions/{region}/history", response_model=HistoryPage, responses=PAGED)
def region_history(
    region: RegionPath, viewer: ApiViewer, prog: Prog, request: Request, response: Response,
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
    order: Annotated[Literal["asc", "desc"], Query(
        description="asc: oldest first (the default); desc: newest first.")] = "asc",
    workflow: WorkflowQuery = MASTER_PLAN,
) -> HistoryPage:
    """The region's timeline of a workflow (the master plan unless ``workflow`` names
    another) over all its cycles, a page at a time (``limit`` entries from ``cursor``),
    oldest first or newest first: who did what, when (UTC and the region's zone), from which
    state to which, with comments."""
    after = cursors.optional(cursor, 2)
    with prog.db.read() as session:
        r = _subject(prog, session, viewer, workflow, region)
        page = subject_page(session, r, limit=limit,
                            after=(after[0], after[1]) if after else None,
                            newest_first=order == "desc", key=workflow)
    token = cursors.encode(*page.next) if page.next else None
    next_headers(request, response, token)
    return HistoryPage(region=r.code, name=r.name, zone=r.zone, next_cursor=token, entries=[
        HistoryOut(cycle=h.cycle, seq=h.seq, at=h.at, at_local=at_local(h.at, r.tz) or "",
                   actor=h.actor, role=h.role, kind=h.kind, trigger=h.trigger,
                   from_state=h.from_state, to_state=h.to_state, comment=h.comment,
                   detail=h.detail) for h in page.rows])


@router.get("/regions/{region}/actions", response_model=ActionsPage)
def region_actions(region: RegionPath, viewer: ApiViewer, prog: Prog,
                   workflow: WorkflowQuery = MASTER_PLAN) -> ActionsPage:
    """Every action out of the current stage of the region's workflow (the master plan
    unless ``workflow`` names another), whether the caller may fire it now, and the reasons
    where not (the engine's own answer)."""
    actor = acting(viewer)
    with prog.db.read() as session:
        r = _subject(prog, session, viewer, workflow, region)
        instance = prog.current_instance(session, r.code, workflow)
        d = prog.definition_of(session, instance)
        available = prog.engine.available(session, instance.id, actor)
    return ActionsPage(
        region=r.code, subject_kind=d.subject.kind, subject_label=d.subject_label(),
        state=instance.state, stage=d.state_label(instance.state),
        version=instance.version,
        actions=[ActionOut(trigger=a.trigger, label=str(a.label), dests=list(a.dests),
                           allowed=a.allowed, reasons=list(a.reasons)) for a in available])


@router.post("/regions/{region}/advance", response_model=TransitionOut,
             responses=ACTING)
def advance(region: RegionPath, body: AdvanceIn, viewer: ApiViewer,
            prog: Prog, workflow: WorkflowQuery = MASTER_PLAN) -> TransitionOut:
    """Fire a workflow action on the region as the caller (on the master plan unless
    ``workflow`` names another of the region's workflows)."""
    result = actions.advance(prog, region, body.trigger, acting(viewer),
                             comment=body.comment, expected_version=body.expected_version,
                             key=workflow)
    return _transition(body.trigger, result)


@router.post("/regions/{region}/review", response_model=TransitionOut, responses=ACTING)
def review(region: RegionPath, body: ReviewIn, viewer: ApiViewer, prog: Prog) -> TransitionOut:
    """A mentor's decision on the quick-win plan under review: approve, or reject with a
    comment (the region revises and resubmits; each round is numbered)."""
    result = actions.review(prog, region, body.decision, acting(viewer),
                            comment=body.comment, expected_version=body.expected_version)
    return _transition(body.decision, result)


@router.get("/regions/{region}/submissions", response_model=list[SubmissionOut],
            responses=PAGED)
def region_submissions(region: RegionPath, viewer: ApiViewer, prog: Prog, request: Request,
                       response: Response, limit: Limit = DEFAULT_LIMIT,
                       cursor: Cursor = None) -> list[SubmissionOut]:
    """The current cycle's submissions, every version in the order received, ``limit`` at a
    time from ``cursor``, with the review rounds of each; the next page's cursor is in the
    ``X-Next-Cursor`` and ``Link`` headers (none on the last page)."""
    after = cursors.optional(cursor, 1)
    with prog.db.read() as session:
        r = _region(session, viewer, region)
        page = submissions_page(prog, session, r.code, limit=limit,
                                after=after[0] if after else None)
    next_headers(request, response, cursors.encode(page.next) if page.next else None)
    rows = page.rows
    return [SubmissionOut(
        id=s.id, file_url=request.url_for("submission_file", region=r.code,
                                          submission_id=str(s.id)).path,
        size_bytes=s.size_bytes, deliverable=s.deliverable, party=s.party, version=s.version,
        file_name=s.file_name, sha256=s.sha256, submitted_by=s.submitted_by,
        submitted_at=s.submitted_at,
        submitted_local=at_local(s.submitted_at, r.tz) or "",
        reviews=[ReviewRound(round=n, decision=dec, comment=c) for n, dec, c in s.reviews])
        for s in rows]


def _read_upload(upload: UploadFile, limit: int, what: Message) -> bytes:
    """The upload's bytes, refused (413) past ``limit`` without reading further."""
    name = uploads.safe_name(upload.filename or str(what))
    # The declared size when the parser knows it; reading stops one byte past the limit.
    too_big = upload.size is not None and upload.size > limit
    data = b"" if too_big else upload.file.read(limit + 1)
    if too_big or len(data) > limit:
        raise PayloadTooLarge("web.too_large", file=name, what=what, limit=f"{limit:,}")
    return data


@router.post("/regions/{region}/submissions", status_code=status.HTTP_201_CREATED,
             response_model=SubmitOut,
             responses={**ACTING, **errors(413, why={
                 413: "The file, or the request, is larger than the upload limit."})})
def submit(
    region: RegionPath, viewer: ApiViewer, prog: Prog,
    deliverable: Annotated[str, Form(
        min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_]*$",
        description="e.g. questionnaire, buku_1, quick_win_plan.")],
    file: Annotated[UploadFile, File(
        description="PDF, Word, Excel, PowerPoint, OpenDocument, CSV or image.")],
    party: Annotated[str | None, Form(
        max_length=32,
        description="The OPD a coordinator submits for (per-OPD deliverables)."), NoNul] = None,
    note: Annotated[str | None, Form(max_length=4000, description="A note for the history."),
                    NoNul] = None,
    expected_version: Annotated[int | None, Form(
        ge=1, le=MAX_INT,
        description="Refuse with 409 if the region changed since this version.")] = None,
    quick_wins: Annotated[UploadFile | None, File(
        description="With quick_win_plan only: a CSV with columns title, dimension, "
                    "element[, opd, description] (or judul, dimensi, elemen, opd, "
                    "deskripsi), separated by commas or semicolons, in UTF-8, UTF-16 or "
                    "latin-1; dimensions and elements by label or code.")] = None,
    workflow: WorkflowQuery = MASTER_PLAN,
) -> SubmitOut:
    """Submit a new version of a deliverable (multipart upload) to the region's workflow
    (the master plan unless ``workflow`` names another)."""
    limit = prog.settings.upload_max_bytes
    data = _read_upload(file, limit, Message("web.the_file"))
    wins: list[QuickWinRow] | None = None
    if quick_wins is not None:  # any encoding and separator a spreadsheet saves
        raw = _read_upload(quick_wins, limit, Message("web.the_quick_win_list"))
        wins = actions.quick_wins_of(
            raw, prog, uploads.safe_name(quick_wins.filename) if quick_wins.filename
            else "quick_wins")
    result = actions.submit_data(
        prog, region, deliverable, file.filename or "", data, acting(viewer),
        party=party or None, quick_wins=wins, note=note, expected_version=expected_version,
        quick_wins_flag=Message("web.quick_wins_field_api"), key=workflow)
    return SubmitOut(region=result.region, deliverable=result.deliverable, party=result.party,
                     version=result.version, sha256=result.sha256,
                     quick_wins=result.quick_wins)

