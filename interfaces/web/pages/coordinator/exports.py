"""``/coordinator/exports``: the downloads that exist, in one place: each cohort's progress as
CSV, and for the chosen cohort's regions (50 a page, filtered like the dates page) the
history as CSV and the printable status report; and those downloads themselves.

A region's own coordinator exports and prints only its own regions. The CSVs are
attachments that are never cached (``no-store``); the report is a page with a print sheet.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from interfaces.web.deps import PageViewer, Prog, Viewer
from interfaces.web.pages.coordinator.common import (
    NO_NUL,
    CohortQuery,
    PageQuery,
    RegionFilter,
    RegionPath,
    TextQuery,
    check_region,
    choose_cohort,
    find_cohort,
    regions_list,
    require_coordinator,
    visible_cohorts,
)
from interfaces.web.templating import render
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.programme import Programme
from workflows.reporting import exports, report
from workflows.reporting.status import StatusRow
from workflows.reporting.status import status as cohort_status
from workflows.reporting.timeline import action_of

router = APIRouter()


@router.get("/coordinator/exports")
def exports_page(
    request: Request, viewer: PageViewer, prog: Prog, cohort: CohortQuery = None,
    stage: TextQuery = "", province: TextQuery = "", q: TextQuery = "", page: PageQuery = 1,
) -> Response:
    """Every cohort's CSV; one page of the chosen cohort's regions with their downloads."""
    require_coordinator(viewer)
    chosen_filter = RegionFilter(stage.strip(), province.strip(), q.strip())
    with prog.db.read() as session:
        cohorts = visible_cohorts(session, viewer)
        chosen = choose_cohort(session, viewer, cohort)
        rows: list[StatusRow] = (cohort_status(prog, session, chosen.name, viewer.regions())
                                 if chosen is not None else [])
        d = prog.master_plan(session)
        filter_stages = [(s, d.state_label(s)) for s in d.states]
    return render(
        request, "coordinator_exports.html", viewer, cohorts=cohorts, chosen=chosen,
        **regions_list(rows, chosen, chosen_filter, page, filter_stages), tool="exports")


def _csv(name: str, body: bytes) -> Response:
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


@router.get("/coordinator/export/cohort.csv")
def export_cohort(
    viewer: PageViewer, prog: Prog,
    cohort: Annotated[str, Query(min_length=1, max_length=100, pattern=NO_NUL)],
) -> Response:
    """Every region of the cohort (a region's own coordinator: its regions) with province,
    zone, stage, version, entered date, current deadline in UTC and local, review round."""
    require_coordinator(viewer)
    with prog.db.read() as session:
        name = find_cohort(session, cohort).name
        return _csv(*exports.cohort_csv(prog, session, name, viewer.regions()))


def _region_code(prog: Programme, viewer: Viewer, ref: str) -> str:
    with prog.db.read() as session:
        code = find_region(session, ref).code
    check_region(viewer, code)
    return code


@router.get("/coordinator/export/regions/{code}/history.csv")
def export_history(viewer: PageViewer, prog: Prog, code: RegionPath) -> Response:
    """The region's history: when (UTC and local), who, role, action, from, to, comment."""
    require_coordinator(viewer)
    found = _region_code(prog, viewer, code)
    with prog.db.read() as session:
        return _csv(*exports.history_csv(session, found))


@router.get("/coordinator/report/regions/{code}")
def region_report(request: Request, viewer: PageViewer, prog: Prog,
                  code: RegionPath) -> Response:
    """A printable status report of one region (A4, with a print stylesheet)."""
    require_coordinator(viewer)
    found = _region_code(prog, viewer, code)
    with prog.db.read() as session:
        printed = report.region_report(prog, session, found)
        region = session.get(Region, found)
        assert region is not None
        session.expunge(region)
    return render(request, "report.html", viewer, report=printed, region=region,
                  printed_at=prog.engine.clock(), action_of=action_of)
