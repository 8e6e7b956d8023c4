"""What the coordinator tools share: who may use them, the form fields, cohort lookup, a form's
local date, page numbers over a cohort's regions, and the redirect back after a post.

The tools are split by task (:mod:`.index`, :mod:`.dates`, :mod:`.extensions`,
:mod:`.outbox`, :mod:`.exports`), so each page stays light for a cohort of 514 regions; every
change goes through the function the command line calls, which checks role and scope itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode

from fastapi import Form, Path, Query
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from config.messages import Message
from engine import InvalidInputError, PermissionDenied
from interfaces.web.deps import Viewer, require_sees, role_named
from interfaces.web.problems import form_date
from workflows import roles
from workflows.directory.cohorts import find_cohort as lookup_cohort
from workflows.directory.models import Cohort
from workflows.reporting import coordination
from workflows.reporting.status import StatusRow

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER: a larger id would fail in the database, not here
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; no real input contains it
PER_PAGE = 50  # regions (or rows) a page

#: Notices a redirect may ask a page to show (a fixed list: the query cannot inject text).
NOTICES = ("cohort_deadline", "region_deadline", "extension_granted", "extension_refused",
           "outbox_retried")

CohortField = Annotated[str, Form(min_length=1, max_length=100, pattern=NO_NUL)]
RegionField = Annotated[str, Form(min_length=1, max_length=100, pattern=NO_NUL)]
StateField = Annotated[str, Form(min_length=1, max_length=63, pattern=NO_NUL)]
DayField = Annotated[str, Form(min_length=1, max_length=10)]
TimeField = Annotated[str, Form(max_length=5)]
WorkingDaysField = Annotated[str, Form(max_length=3)]
CommentField = Annotated[str, Form(max_length=4000, pattern=NO_NUL)]
CsrfField = Annotated[str, Form()]
BackField = Annotated[str, Form(max_length=600, pattern=NO_NUL)]
RegionPath = Annotated[str, Path(min_length=1, max_length=100, pattern=NO_NUL)]
CohortQuery = Annotated[str | None, Query(max_length=100, pattern=NO_NUL)]
TextQuery = Annotated[str, Query(max_length=100, pattern=NO_NUL)]
PageQuery = Annotated[int, Query(ge=1, le=100_000)]
CursorQuery = Annotated[str | None, Query(max_length=200)]  # a keyset page's cursor
DoneQuery = Annotated[str | None, Query(max_length=40)]


# -- who may use the tools -----------------------------------------------------------------

def require_coordinator(viewer: Viewer) -> None:
    """The tools are for coordinators and administrators; anyone else gets 403."""
    if viewer.is_admin or viewer.role == roles.COORDINATOR:
        return
    raise PermissionDenied("web.coordinator_tools_only", who=viewer.email,
                           role=role_named(viewer))


def require_programme_wide(viewer: Viewer, what: Message) -> None:
    if viewer.regions() is not None:
        raise PermissionDenied("web.programme_wide_only", action=what, who=viewer.email,
                               regions=sorted(viewer.regions() or ())
                               or Message("web.no_region"))


def check_region(viewer: Viewer, code: str) -> None:
    """A region's own coordinator exports and prints only its own regions."""
    require_sees(viewer, code, Message("web.ask_coordinators_for", region=code),
                 unbound=Message("web.no_region"))


def notice(done: str | None) -> str | None:
    return done if done in NOTICES else None


# -- reading helpers shared with the evaluation and reminder pages -------------------------

#: What a reader of a page can do about a cohort name that matches none.
COHORT_HINT = Message("web.cohort_hint_page")


def find_cohort(session: Session, ref: str) -> Cohort:
    """A cohort by name, or by year when that year has one cohort."""
    return lookup_cohort(session, ref, COHORT_HINT)


def visible_cohorts(session: Session, viewer: Viewer) -> list[tuple[Cohort, int]]:
    """The cohorts with their sizes; a scoped viewer sees the cohorts of its regions."""
    return coordination.visible_cohorts(session, viewer.regions())


def choose_cohort(session: Session, viewer: Viewer, ref: str | None) -> Cohort | None:
    """The cohort asked for, else the newest one the viewer sees (None if there is none)."""
    return coordination.choose_cohort(session, viewer.regions(), ref, COHORT_HINT)


def local_when(day: str, at: str) -> date | datetime:
    """A form's date (``YYYY-MM-DD``) and optional time (``HH:MM``) as a naive local date
    or date-time; the domain reads it in the zone chosen next to it."""
    parsed = form_date(day)
    if not at.strip():
        return parsed
    found = re.fullmatch(r"(\d{1,2}):(\d{2})", at.strip())
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise InvalidInputError("web.not_a_time", value=at.strip())
    return datetime(parsed.year, parsed.month, parsed.day, int(found[1]), int(found[2]))


_WORKING_DAYS = re.compile(r"[0-9]{1,3}")


def working_days_of(text: str) -> int | None:
    """The form's working days: empty for none, else 1 to 365 in ASCII digits.

    ``str.isdigit`` is not enough: it accepts "²" or "٣", which ``int`` refuses or reads.
    """
    days = text.strip()
    if not days:
        return None
    if not _WORKING_DAYS.fullmatch(days) or not 1 <= int(days) <= 365:
        raise InvalidInputError("web.bad_working_days", value=days)
    return int(days)


# -- a cohort's regions, filtered and a page at a time -------------------------------------

@dataclass(frozen=True)
class RegionFilter:
    """The regions list's filters: a stage (state key), a province (name or code) and a
    search in codes and names; empty ones select everything."""

    stage: str = ""
    province: str = ""
    q: str = ""

    def keeps(self, row: StatusRow) -> bool:
        province, q = self.province.strip().lower(), self.q.strip().lower()
        return ((not self.stage or row.state == self.stage)
                and (not province or province in (row.province.lower(),
                                                   row.code.split(".")[0]))
                and (not q or q in row.code.lower() or q in row.name.lower()))

    def query(self) -> dict[str, str]:
        return {k: v for k, v in (("stage", self.stage), ("province", self.province),
                                  ("q", self.q)) if v}


T = TypeVar("T")


@dataclass(frozen=True)
class Numbered(Generic[T]):
    """One numbered page of a list already in memory (a cohort's regions: at most 514)."""

    rows: list[T]
    page: int
    pages: int
    total: int


def numbered(rows: Sequence[T], page: int, per_page: int = PER_PAGE) -> Numbered[T]:
    """Page ``page`` of ``rows`` (past the last page: the last one)."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(page, 1), pages)
    return Numbered(list(rows[(page - 1) * per_page: page * per_page]), page, pages, len(rows))


def regions_list(rows: Sequence[StatusRow], chosen: Cohort | None, chosen_filter: RegionFilter,
                 page: int, stages: list[tuple[str, str]]) -> dict[str, Any]:
    """What a tool's list of the chosen cohort's regions shows (``regions`` in
    templates/_coordinator_lists.html): page ``page`` of the ``rows`` the filter keeps, the
    filter with its ``stages`` (code, label) and the rows' provinces, and the query the page
    links keep."""
    return {"shown": numbered([r for r in rows if chosen_filter.keeps(r)], page),
            "total": len(rows), "filter": chosen_filter, "filter_stages": stages,
            "provinces": sorted({r.province for r in rows}),
            "query": {**({"cohort": chosen.name} if chosen else {}), **chosen_filter.query()}}


# -- back to the page after a post ---------------------------------------------------------

#: The query keys a form may carry back to its page (its filters and page number).
BACK_KEYS = ("cohort", "stage", "province", "q", "page", "status", "decision")


def back(path: str, done: str, anchor: str, *, cohort: str | None = None,
         query: str = "") -> RedirectResponse:
    """A 303 to ``path`` with the notice, keeping the page's own filters (``query``, a query
    string the form carried: only the known keys are kept)."""
    kept = {k: v for k, v in parse_qsl(query) if k in BACK_KEYS and k != "cohort"}
    params = {"done": done, **({"cohort": cohort} if cohort else {}), **kept}
    return RedirectResponse(f"{path}?{urlencode(params)}#{anchor}", status_code=303)
