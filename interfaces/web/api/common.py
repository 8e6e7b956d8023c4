"""What the API routers share: who may read a region, bounded input types, times in zones.

Writes are refused by the domain functions themselves (they resolve the caller's actor and
check role and scope); reads have no engine function to ask, so :func:`check_visible` applies
the same scope rule the engine applies to actions: a programme-wide viewer (a ministry
coordinator or assessor, an administrator) reads every region, a scoped one (an OPD, a
mentor, a head of region, a region's own coordinator) only the regions it acts for.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, Field
from sqlmodel import Session

from config.messages import Message
from engine import WorkflowError
from interfaces.web.deps import Viewer, require_sees
from workflows.directory import cohorts
from workflows.directory.models import Cohort
from workflows.zones import ZONES, local

WIB_TZ = ZONES["WIB"]

# Bounds that keep fuzzed or mistyped input inside what the database and the calendar can
# hold: an id or version beyond a 32-bit integer overflows PostgreSQL's INTEGER column, and a
# year far from the programme overflows date arithmetic.
MAX_INT = 2**31 - 1
FIRST_DATE = date(2017, 1, 1)
LAST_DATE = date(2100, 12, 31)


def _no_nul(value: str | None) -> str | None:
    """PostgreSQL cannot store NUL in text (the driver refuses it), and no legitimate input
    holds one: refused as invalid input rather than failing in the database."""
    if value is not None and "\x00" in value:
        raise ValueError(Message("web.invalid.nul"))
    return value


NoNul = AfterValidator(_no_nul)

Comment = Annotated[str | None, Field(
    default=None, max_length=4000,
    description="Why, for the history (required to reject or to refuse)."), NoNul]
ExpectedVersion = Annotated[int | None, Field(
    default=None, ge=1, le=MAX_INT,
    description="Refuse with 409 if the region changed since you saw this version.")]
ProgrammeDate = Annotated[date, Field(
    ge=FIRST_DATE, le=LAST_DATE, description="YYYY-MM-DD, a local date.")]

RegionPath = Annotated[str, Path(
    min_length=1, max_length=100, examples=["64.71", "Kota Balikpapan"],
    description="Kemendagri code (e.g. 64.71) or the region's name (Kota Balikpapan)."),
    NoNul]
#: Which of a region's workflows an operation is about (``?workflow=``; the master plan
#: unless named). An unknown key is a 404.
WorkflowQuery = Annotated[str, Query(
    min_length=1, max_length=63, pattern=r"^[a-z][a-z0-9_]*$",
    examples=["master_plan", "award_round"],
    description="The workflow's key (`smartcity workflow list` lists them): the master "
                "plan unless named.")]
#: What a workflow's subjects are and what it calls them (``subject:`` in its definition).
SubjectKind = Annotated[str, Field(description="What the workflow's subjects are, from its "
                                               "definition's subject.kind: region, province.")]
SubjectLabel = Annotated[str | None, Field(
    description="What the definition calls its subject, in the reader's language (Daerah, "
                "Provinsi); null when it names none.")]
RegionRef = Annotated[str, Field(
    min_length=1, max_length=100, examples=["64.71"],
    description="Kemendagri code (e.g. 64.71) or the region's name (Kota Balikpapan)."),
    NoNul]
CohortPath = Annotated[str, Path(
    min_length=1, max_length=100, examples=["Smart City 2026", "2026"],
    description="Cohort name, or its year when that year has one cohort."), NoNul]


class PayloadTooLarge(WorkflowError):
    """An upload over ``settings.upload_max_bytes``."""

    status_code = 413


def check_visible(viewer: Viewer, code: str) -> None:
    """Refuse to show a region to a scoped viewer who does not act for it."""
    require_sees(viewer, code, Message("web.only_people_of", region=code))


def find_cohort(session: Session, ref: str) -> Cohort:
    """A cohort by name or year (:func:`workflows.directory.cohorts.find_cohort`)."""
    return cohorts.find_cohort(session, ref, Message("web.cohort_hint_api"))


def at_local(at: datetime | None, tz: str) -> str | None:
    """``at`` in ``tz`` labelled (``2026-03-05 23:59 WITA``), or None."""
    return local(at, tz) if at is not None else None


def at_wib(at: datetime | None) -> str | None:
    return local(at, WIB_TZ) if at is not None else None

