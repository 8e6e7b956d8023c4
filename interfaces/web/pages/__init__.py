"""The server-rendered pages (Jinja2, light on JavaScript, usable on a phone)."""

from fastapi import APIRouter

from interfaces.web.pages import (
    accounts,
    analytics,
    attention,
    auth,
    board,
    coordinator,
    evaluation,
    evaluation_editions,
    files,
    mailbox,
    map_geometry,
    myregion,
    opd,
    overview,
    password,
    province_workflow,
    queue,
    quick_wins,
    region,
    region_workflow,
    reminders,
)

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(attention.router)
router.include_router(queue.router)
router.include_router(opd.router)
router.include_router(quick_wins.router)
router.include_router(myregion.router)
router.include_router(board.router)
router.include_router(overview.router)
router.include_router(map_geometry.router)
router.include_router(region.router)
router.include_router(region_workflow.router)
router.include_router(province_workflow.router)
router.include_router(coordinator.router)
router.include_router(reminders.router)
router.include_router(evaluation_editions.router)
router.include_router(evaluation.router)
router.include_router(analytics.router)
router.include_router(mailbox.router)
router.include_router(files.router)
router.include_router(accounts.router)
router.include_router(password.router)
