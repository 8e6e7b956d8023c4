"""``/coordinator/dates``: a cohort's dates per stage and its regions with their deadlines, 50
a page, filtered by stage, province and a search; the forms that set a cohort's date
(``smartcity deadlines set``) and a region's own one (``smartcity deadlines override``).

A programme-wide coordinator sets cohort dates (announced in WIB); a region's own
coordinator sees and overrides its own regions only (the domain checks both again).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from interfaces.web.deps import PageViewer, Prog, acting, check_csrf
from interfaces.web.pages.coordinator.common import (
    BackField,
    CohortField,
    CohortQuery,
    CommentField,
    CsrfField,
    DayField,
    DoneQuery,
    PageQuery,
    RegionField,
    RegionFilter,
    StateField,
    TextQuery,
    TimeField,
    WorkingDaysField,
    back,
    choose_cohort,
    find_cohort,
    local_when,
    notice,
    regions_list,
    require_coordinator,
    visible_cohorts,
    working_days_of,
)
from interfaces.web.templating import render
from workflows.deadlines import setting
from workflows.reporting import coordination
from workflows.reporting.status import StatusRow
from workflows.reporting.status import status as cohort_status
from workflows.zones import ZONES

router = APIRouter()


@router.get("/coordinator/dates")
def dates_page(
    request: Request, viewer: PageViewer, prog: Prog, cohort: CohortQuery = None,
    stage: TextQuery = "", province: TextQuery = "", q: TextQuery = "", page: PageQuery = 1,
    done: DoneQuery = None,
) -> Response:
    """The chosen cohort's (default: the newest) dates and one page of its regions."""
    require_coordinator(viewer)
    scope = viewer.regions()
    chosen_filter = RegionFilter(stage.strip(), province.strip(), q.strip())
    with prog.db.read() as session:
        cohorts = visible_cohorts(session, viewer)
        chosen = choose_cohort(session, viewer, cohort)
        rows: list[StatusRow] = []
        cohort_dates = []
        if chosen is not None:
            rows = cohort_status(prog, session, chosen.name, scope, review_rounds=True)
            cohort_dates = coordination.cohort_dates(session, chosen.id or 0)
        d = prog.master_plan(session)
        stages = [(s, d.state_label(s)) for s, spec in d.states.items() if not spec.final]
        labels = {s: d.state_label(s) for s in d.states}
        final = {s for s, spec in d.states.items() if spec.final}
    listed = regions_list(rows, chosen, chosen_filter, page, list(labels.items()))
    return render(
        request, "coordinator_dates.html", viewer, cohorts=cohorts, chosen=chosen, **listed,
        cohort_dates=cohort_dates, stages=stages, labels=labels, final=final,
        back_query=urlencode({**chosen_filter.query(), "page": listed["shown"].page}),
        programme_wide=scope is None, can_act=viewer.actor is not None, zones=list(ZONES),
        notice=notice(done), tool="dates")


@router.post("/coordinator/deadlines/cohort")
def set_cohort_deadline(
    viewer: PageViewer, prog: Prog, cohort: CohortField, state: StateField, day: DayField,
    at: TimeField = "", zone: Annotated[str, Form(max_length=4)] = "WIB",
    working_days: WorkingDaysField = "", csrf_token: CsrfField = "",
) -> Response:
    """``smartcity deadlines set``: a cohort's date for a stage, entered in WIB by default."""
    check_csrf(viewer, csrf_token)
    require_coordinator(viewer)
    actor = acting(viewer)
    with prog.db.read() as session:
        name = find_cohort(session, cohort).name
    setting.set_cohort_deadline(prog, name, state, local_when(day, at), zone=zone,
                                working_days=working_days_of(working_days), actor=actor)
    return back("/coordinator/dates", "cohort_deadline", "cohort-dates", cohort=name)


@router.post("/coordinator/deadlines/region")
def set_region_deadline(
    viewer: PageViewer, prog: Prog, region: RegionField, state: StateField, day: DayField,
    at: TimeField = "", zone: Annotated[str, Form(max_length=4)] = "",
    working_days: WorkingDaysField = "", comment: CommentField = "",
    cohort: Annotated[str, Form(max_length=100)] = "", back_to: BackField = "",
    csrf_token: CsrfField = "",
) -> Response:
    """``smartcity deadlines override``: one region's own date for the stage it is in,
    entered in the region's own zone unless another is chosen; back to the same page of the
    list (``back_to``: its filters)."""
    check_csrf(viewer, csrf_token)
    require_coordinator(viewer)
    result = setting.set_region_deadline(
        prog, region, state, local_when(day, at), zone=zone or None,
        working_days=working_days_of(working_days), actor=acting(viewer),
        comment=comment.strip() or None)
    return back("/coordinator/dates", "region_deadline", f"region-{result.region}",
                cohort=cohort or None, query=back_to)
