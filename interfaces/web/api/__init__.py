"""The REST API, version 1: every action of the command line, as JSON over HTTP."""

from fastapi import APIRouter

from interfaces.web.api import auth

router = APIRouter(prefix="/api/v1")
router.include_router(auth.router)
