"""The reminder preview: who will receive which digest or escalation on which morning.

The same list as ``smartcity reminders preview``, computed by the sweep's own code
(:func:`workflows.deadlines.preview.preview`), for a cohort and a span of WIB days, a page
of lines at a time with the count per day first, so a national morning of thousands of
recipients stays a light page. A region's own coordinator sees only the lines about its
regions.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from interfaces.web.deps import PageViewer, Prog
from interfaces.web.pages.coordinator import NO_NUL, choose_cohort, require_coordinator
from interfaces.web.problems import form_date
from interfaces.web.templating import render
from workflows.deadlines.preview import ESCALATION, NATIONAL, preview, span

router = APIRouter()

PAGE = 100  # lines a page


def _day(value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    return form_date(value)


@router.get("/coordinator/reminders")
def reminders_page(
    request: Request, viewer: PageViewer, prog: Prog,
    cohort: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    first: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    last: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The preview for the chosen cohort (default: the newest) from ``from`` (default:
    now) to ``to`` (default: 7 days on)."""
    require_coordinator(viewer)
    begin, finish = span(prog.engine.clock(), _day(first), _day(last))
    with prog.db.read() as session:
        chosen = choose_cohort(session, viewer, cohort)
        mornings = (preview(prog, session, begin, finish, cohort=chosen.name,
                            regions=viewer.regions()) if chosen is not None else [])
    per_day = Counter((m.at.astimezone(NATIONAL).date(), m.kind == ESCALATION)
                      for m in mornings)
    days = sorted({d for d, _ in per_day})
    pages = max(1, -(-len(mornings) // PAGE))
    page = min(page, pages)
    return render(
        request, "reminders.html", viewer, chosen=chosen, mornings=mornings,
        shown=mornings[(page - 1) * PAGE: page * PAGE], offset=(page - 1) * PAGE, page=page,
        pages=pages,
        per_day=[(datetime.combine(d, time(12), NATIONAL), per_day[(d, False)],
                  per_day[(d, True)]) for d in days],
        recipients=len({m.email for m in mornings}),
        escalations=sum(1 for m in mornings if m.kind == ESCALATION),
        first=begin.astimezone(NATIONAL).date(),
        last=(finish - timedelta(minutes=1)).astimezone(NATIONAL).date(),
        begin=begin, finish=finish, escalation=ESCALATION)
