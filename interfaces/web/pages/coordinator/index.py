"""``/coordinator``: the index of the coordinator tools, each with the count that says whether
it needs a look (pending extension requests, dead letters, a cohort's dates), and the
cohorts with their board, dates, exports and reminder preview.

Counting is a fixed number of queries whatever the cohort's size; the lists themselves are
on the tools' own pages (:mod:`.dates`, :mod:`.extensions`, :mod:`.outbox`, :mod:`.exports`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from interfaces.web.deps import PageViewer, Prog
from interfaces.web.pages.coordinator.common import (
    CohortQuery,
    DoneQuery,
    choose_cohort,
    notice,
    require_coordinator,
    visible_cohorts,
)
from interfaces.web.templating import render
from notifications import outbox
from workflows.reporting import coordination

router = APIRouter()


@router.get("/coordinator")
def coordinator_page(request: Request, viewer: PageViewer, prog: Prog,
                     cohort: CohortQuery = None, done: DoneQuery = None) -> Response:
    """The tools with their counts, and the cohorts the viewer sees."""
    require_coordinator(viewer)
    scope = viewer.regions()
    with prog.db.read() as session:
        cohorts = visible_cohorts(session, viewer)
        chosen = choose_cohort(session, viewer, cohort)
        dates = len(coordination.cohort_dates(session, chosen.id or 0)) if chosen else 0
        pending = len(coordination.pending_extensions(prog, session, scope))
    members = next((n for c, n in cohorts if chosen and c.id == chosen.id), 0)
    return render(
        request, "coordinator.html", viewer, cohorts=cohorts, chosen=chosen,
        members=members, dates=dates, pending=pending,
        mail=outbox.counts(prog.db) if scope is None else None,
        programme_wide=scope is None, can_act=viewer.actor is not None,
        notice=notice(done), tool="index")
