"""Evaluation: what ``smartcity evaluation`` does, over HTTP.

The year's windows (created from the settings on first sight, as the command does), a
region's return for a window, a coordinator's extension of a window for one region, an
assessor's score of one part, a region's achievement index and a cohort's ranking. Window
times are shown in WIB (national dates) and UTC; a region's own times in its zone as well.
Opening and closing windows is the scheduler's job and has no endpoint.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, Field, field_validator

from config.messages import Message
from engine import InvalidInputError
from interfaces.web.api.common import (
    CohortPath,
    NoNul,
    RegionPath,
    RegionRef,
    at_local,
    at_wib,
    check_visible,
    find_cohort,
)
from interfaces.web.api.errors import ACTION_ERRORS, BODY_ERRORS
from interfaces.web.deps import ApiViewer, Prog, acting
from workflows.directory.regions import find_region
from workflows.evaluation import WIB, editions, returns, scores, windows
from workflows.evaluation.instrument import (
    Instrument,
    load_instrument,
    parse_instrument,
    shipped_instruments,
)
from workflows.evaluation.scores import PartsIndex

router = APIRouter(prefix="/evaluation", tags=["evaluation"], responses=ACTION_ERRORS)

WindowPath = Annotated[str, Path(max_length=100, examples=["2026-H1"],
                                 description="Window name, e.g. 2026-H1."), NoNul]
Part = Literal["baseline", "output", "outcome", "impact", "quick_win"]
_YEAR = re.compile(r"^\s*(\d{4})-\d{2}-\d{2}")


class WindowOut(BaseModel):
    name: str
    status: str = Field(description="scheduled, open or closed.")
    opens_at: datetime
    closes_at: datetime
    opens_wib: str
    closes_wib: str
    opened_at: datetime | None = Field(description="When the scheduler opened it.")
    closed_at: datetime | None = Field(description="When the scheduler closed it.")
    edition: str | None = Field(
        description="The edition whose instrument (weights, scale, dimensions) scores it.")


class EditionIn(BaseModel):
    key: Annotated[str, NoNul] = Field(max_length=40, examples=["2027"],
                                       description="The edition's name, e.g. 2027.")
    instrument: str | dict[str, Any] | None = Field(
        default=None, examples=["kemendagri-2024"],
        description="A shipped instrument by name (smart-city-2023, kemendagri-2024), or an "
                    "instrument in full (key, version, title, scale, parts, dimensions); "
                    "default: the settings' weights and scale.")
    starts_on: date | None = Field(
        default=None, description="First day (WIB) of the windows it scores; default: "
                                  "1 January of a year-named edition, else today.")


class EditionOut(BaseModel):
    key: str
    starts_on: date = Field(description="Windows opening from this day (WIB) belong to it.")
    instrument_key: str
    instrument_version: int
    title: str = Field(description="The instrument's title in the caller's language.")
    weights: dict[str, float] = Field(description="Weight of each part scored, adding to 1.")
    scale: list[float] = Field(description="Lowest and highest score.")
    dimensions: list[str] = Field(description="Codes of the edition's dimensions.")
    sha256: str = Field(description="Of the frozen instrument the edition keeps.")
    created_at: datetime | None
    created_by: str
    windows: list[str]
    returns: int


class ReturnIn(BaseModel):
    region: RegionRef


class ReturnOut(BaseModel):
    region: str
    window: str
    submitted_at: datetime
    submitted_local: str
    submitted_by: str
    resubmitted: bool = Field(description="True when this updated an earlier return.")
    extended_until: datetime | None = Field(
        description="Set when accepted only thanks to the region's extension.")


class ExtendIn(BaseModel):
    region: RegionRef
    until: str = Field(
        max_length=40, examples=["2026-07-15", "2026-07-15 16:00 WIB"],
        description="'YYYY-MM-DD [HH:MM] [WIB|WITA|WIT]', in the region's zone unless named; "
                    "a date alone means 23:59:59.")

    @field_validator("until")
    @classmethod
    def _in_programme(cls, value: str) -> str:
        found = _YEAR.match(value)
        if found is None:
            raise ValueError(Message("evaluation.error.time_format"))
        if not 2017 <= int(found[1]) <= 2100:
            raise ValueError(Message("evaluation.error.year_outside", year=found[1]))
        return value


class ExtensionOut(BaseModel):
    window: str
    region: str
    until: datetime
    until_local: str
    until_wib: str
    granted_by: str
    granted_at: datetime


class ScoreIn(BaseModel):
    region: RegionRef
    part: Part
    value: float = Field(allow_inf_nan=False,
                         description="On the scale of the window's edition.")
    dimension: Annotated[str | None, NoNul] = Field(default=None, max_length=63,
                                  description="Score one dimension only (its code).")


class ScoreOut(BaseModel):
    region: str
    window: str
    part: str
    dimension: str | None
    value: float
    mean: float = Field(description="Mean of every assessor's score of this part.")
    assessors: int


class PartsOut(BaseModel):
    parts: dict[str, float] = Field(description="Mean score of each scored part.")
    index: float | None = Field(description="Weighted index; null until all parts are scored.")
    missing: list[str] = Field(description="Parts still to score.")


class IndexOut(PartsOut):
    region: str
    window: str
    per_dimension: dict[str, PartsOut]


class RankOut(PartsOut):
    rank: int | None = Field(description="Ties share a rank; null while unranked.")
    region: str
    name: str
    province: str
    zone: str
    returned: bool = Field(description="Whether the region handed in its return.")


def _parts(p: PartsIndex) -> PartsOut:
    return PartsOut(parts=p.parts, index=p.index, missing=p.missing)


@router.get("/windows", response_model=list[WindowOut])
def list_windows(
    viewer: ApiViewer, prog: Prog,
    year: Annotated[int | None, Query(
        ge=2017, le=2100, description="Default: this year in WIB.")] = None,
) -> list[WindowOut]:
    """The year's evaluation windows, created from the settings if they do not exist yet
    (idempotent: an existing window keeps its times), in the order they open."""
    chosen = year if year is not None else prog.engine.clock().astimezone(WIB).year
    windows.ensure_windows(prog, chosen)
    with prog.db.read() as session:
        rows = windows.windows(session, chosen)
        keys = {e.id: e.key for e in editions.all_editions(session)}
    return [WindowOut(name=w.name, status=w.status, opens_at=w.opens_at, closes_at=w.closes_at,
                      opens_wib=at_wib(w.opens_at) or "", closes_wib=at_wib(w.closes_at) or "",
                      opened_at=w.opened_at, closed_at=w.closed_at,
                      edition=keys.get(w.edition_id)) for w in rows]


def _edition_out(u: editions.EditionUse) -> EditionOut:
    return EditionOut(key=u.edition.key, starts_on=u.edition.starts_on,
                       instrument_key=u.edition.instrument.key,
                       instrument_version=u.edition.instrument.version,
                       title=str(u.edition.instrument.title), weights=u.edition.weights,
                       scale=list(u.edition.scale),
                       dimensions=[d.code for d in u.edition.instrument.dimensions.dimensions],
                       sha256=u.edition.sha256, created_at=u.edition.created_at,
                       created_by=u.edition.created_by, windows=u.windows, returns=u.returns)


@router.get("/editions", response_model=list[EditionOut])
def list_editions(viewer: ApiViewer, prog: Prog) -> list[EditionOut]:
    """Every edition of the evaluation, in the order they start, with the instrument it froze
    and the windows and returns scored with it (``smartcity evaluation edition list``)."""
    with prog.db.read() as session:
        used = editions.editions_in_use(session)
    return [_edition_out(u) for u in used]


def _instrument(given: str | dict[str, Any] | None) -> Instrument | None:
    """A shipped instrument by name or one given in full; never a file on the server."""
    if given is None:
        return None
    if isinstance(given, dict):
        return parse_instrument(given, "body.instrument")
    if given.strip() not in shipped_instruments():
        raise InvalidInputError("editions.error.no_shipped_instrument", ref=given.strip(),
                                known=", ".join(shipped_instruments()))
    return load_instrument(given.strip())


@router.post("/editions", status_code=status.HTTP_201_CREATED, response_model=EditionOut,
             responses=BODY_ERRORS)
def create_edition(body: EditionIn, viewer: ApiViewer, prog: Prog) -> EditionOut:
    """Create an edition frozen from an instrument (coordinators; ``smartcity evaluation
    edition create``). Windows planned that have not opened and hold no return move to it
    when it is the one in force for them; 409 for a name or first day already taken."""
    made = editions.create_edition(prog, body.key, _instrument(body.instrument),
                                   acting(viewer), body.starts_on)
    with prog.db.read() as session:
        used = editions.editions_in_use(session)
    return _edition_out(next(u for u in used if u.edition.key == made.edition.key))


@router.post("/windows/{window}/returns", status_code=status.HTTP_201_CREATED,
             response_model=ReturnOut,
             responses={200: {"description": "An earlier return was updated.",
                              "model": ReturnOut}, **BODY_ERRORS})
def submit_return(window: WindowPath, body: ReturnIn, response: Response, viewer: ApiViewer,
                  prog: Prog) -> ReturnOut:
    """Hand in the region's evaluation return (an OPD of the region or a coordinator);
    refused (409) outside the window unless the region's extension runs. 201 for a new
    return, 200 when it updates the earlier one."""
    r = returns.submit_return(prog, body.region, window, acting(viewer))
    if r.resubmitted:
        response.status_code = status.HTTP_200_OK
    with prog.db.read() as session:
        tz = find_region(session, r.region).tz
    return ReturnOut(region=r.region, window=r.window, submitted_at=r.submitted_at,
                     submitted_local=at_local(r.submitted_at, tz) or "",
                     submitted_by=r.submitted_by, resubmitted=r.resubmitted,
                     extended_until=r.extended_until)


@router.post("/windows/{window}/extensions", status_code=status.HTTP_201_CREATED,
             response_model=ExtensionOut, responses=BODY_ERRORS)
def extend_window(window: WindowPath, body: ExtendIn, viewer: ApiViewer,
                  prog: Prog) -> ExtensionOut:
    """Let one region submit after the window closes (coordinators); granting again
    replaces the earlier extension."""
    with prog.db.read() as session:
        region = find_region(session, body.region)
    until = returns.parse_time(body.until, region.tz)
    ext = returns.extend_window(prog, window, region.code, until, acting(viewer))
    return ExtensionOut(window=window.strip(), region=region.code, until=ext.until,
                        until_local=at_local(ext.until, region.tz) or "",
                        until_wib=at_wib(ext.until) or "", granted_by=ext.granted_by,
                        granted_at=ext.granted_at)


@router.post("/windows/{window}/scores", status_code=status.HTTP_201_CREATED,
             response_model=ScoreOut, responses=BODY_ERRORS)
def score(window: WindowPath, body: ScoreIn, viewer: ApiViewer, prog: Prog) -> ScoreOut:
    """Score one part of a region's return, overall or for one dimension (assessors and
    coordinators); scoring again replaces one's own score."""
    r = scores.score(prog, body.region, window, body.part, body.value, acting(viewer),
                     dimension=body.dimension)
    return ScoreOut(region=r.region, window=r.window, part=r.part, dimension=r.dimension,
                    value=r.value, mean=r.mean, assessors=r.assessors)


@router.get("/windows/{window}/index/{region}", response_model=IndexOut)
def region_index(window: WindowPath, region: RegionPath, viewer: ApiViewer,
                 prog: Prog) -> IndexOut:
    """The region's achievement index in the window: part means, the weighted index (once
    every part is scored) and the same per dimension."""
    with prog.db.read() as session:
        check_visible(viewer, find_region(session, region).code)
    r = scores.index(prog, window, region)
    return IndexOut(parts=r.parts, index=r.index, missing=r.missing, region=r.region,
                    window=r.window,
                    per_dimension={d: _parts(p) for d, p in r.per_dimension.items()})


@router.get("/windows/{window}/ranking/{cohort}", response_model=list[RankOut])
def ranking(window: WindowPath, cohort: CohortPath, viewer: ApiViewer,
            prog: Prog) -> list[RankOut]:
    """The cohort's regions by achievement index (ties share a rank), then the unranked.

    Programme-wide roles see every region; a caller scoped to regions (an OPD, a region's
    head, a mentor) sees only the rows of the regions they act for, as for the index of
    one region, each with its rank in the whole cohort."""
    with prog.db.read() as session:
        name = find_cohort(session, cohort).name
    return [RankOut(rank=row.rank, region=row.region, name=row.name, province=row.province,
                    zone=row.zone, returned=row.returned, parts=row.result.parts,
                    index=row.result.index, missing=row.result.missing)
            for row in scores.ranking(prog, name, window) if viewer.sees(row.region)]
