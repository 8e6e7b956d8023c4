"""Calendar feeds of deadlines: a region's, and an OPD's (its region's, as its reminders).

Mirrors ``smartcity calendar``: iCalendar (RFC 5545) to import once or subscribe to, for
whoever may read the region.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from engine import NotFoundError
from interfaces.web.api.common import NoNul, RegionPath, check_visible
from interfaces.web.api.errors import ERRORS
from interfaces.web.deps import ApiViewer, Prog
from workflows.deadlines import feeds
from workflows.directory.agencies import opd_by_email
from workflows.directory.regions import find_region

router = APIRouter(tags=["regions"], responses=ERRORS)

CALENDAR: dict[int | str, dict[str, Any]] = {200: {
    "content": {"text/calendar": {"schema": {"type": "string"}}},
    "description": "An iCalendar feed of the open deadlines (RFC 5545), as an attachment.",
    "headers": {"Content-Disposition": {
        "description": 'attachment; filename="tenggat-<region>.ics"', "required": True,
        "schema": {"type": "string"}}}}}


def _ics(feed: bytes, name: str) -> Response:
    return Response(feed, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.ics"'})


@router.get("/regions/{region}/calendar.ics", response_class=Response, responses=CALENDAR)
def region_calendar(region: RegionPath, viewer: ApiViewer, prog: Prog) -> Response:
    """The region's open deadlines as iCalendar, to import or subscribe to."""
    with prog.db.read() as session:
        r = find_region(session, region)
        check_visible(viewer, r.code)
        feed = feeds.region_feed(prog, session, r.code)
    return _ics(feed, f"tenggat-{r.code}")


@router.get("/opds/{email}/calendar.ics", response_class=Response, responses=CALENDAR)
def opd_calendar(
    email: Annotated[str, Path(max_length=254, description="The OPD's email address."),
                     NoNul],
    viewer: ApiViewer, prog: Prog,
) -> Response:
    """The deadlines of the region an OPD belongs to (what its reminders are about)."""
    with prog.db.read() as session:
        opd = opd_by_email(session, email)
        if opd is None:
            raise NotFoundError("deadlines.no_opd", email=email)
        check_visible(viewer, opd.region_code)
        feed = feeds.opd_feed(prog, session, opd.email)
    slug = re.sub(r"[^a-z0-9_-]", "", opd.code.lower()) or "opd"
    return _ics(feed, f"tenggat-{opd.region_code}-{slug}")
