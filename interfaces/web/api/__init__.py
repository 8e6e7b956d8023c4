"""The REST API, version 1: every action of the command line, as JSON over HTTP."""

from fastapi import APIRouter

from interfaces.web.api import (
    auth,
    calendars,
    cohorts,
    deadlines,
    evaluation,
    files,
    migrations,
    outbox,
    province_workflows,
    region_workflows,
    regions,
)

router = APIRouter(prefix="/api/v1")
router.include_router(auth.router)
for area in (cohorts, regions, region_workflows, province_workflows, calendars, files,
             deadlines, evaluation, outbox, migrations):
    router.include_router(area.router)
