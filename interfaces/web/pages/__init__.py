"""The server-rendered pages (Jinja2, light on JavaScript, usable on a phone)."""

from fastapi import APIRouter

from interfaces.web.pages import auth

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
