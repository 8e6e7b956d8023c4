"""Signing in and out of the pages, the links from emails, and the start page per role."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from engine.errors import NotAuthenticated
from interfaces.web.deps import (
    SESSION_COOKIE,
    OptionalViewer,
    PageViewer,
    Prog,
    check_csrf,
)
from interfaces.web.templating import render
from workflows import accounts, links
from workflows.models import Account
from workflows.programme import Programme

router = APIRouter()

HOME = {"coordinator": "/board", "admin": "/board", "mentor": "/queue", "opd": "/opd",
        "assessor": "/evaluation"}


def _local(target: str | None) -> str:
    """Only a path on this site may follow a login (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return "/"
    return target


def _signed_in(prog: Programme, response: Response, account: Account) -> Response:
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        opened = accounts.open_session(session, account, now, prog.settings.session_hours)
    response.set_cookie(SESSION_COOKIE, opened.token, max_age=prog.settings.session_hours * 3600,
                        httponly=True, samesite="lax", secure=prog.settings.secure_cookies)
    return response


@router.get("/login")
def login_form(request: Request, viewer: OptionalViewer, next: str | None = None) -> Response:
    return render(request, "login.html", None, next=_local(next), error=None, email="")


@router.post("/login")
def login(request: Request, prog: Prog, email: Annotated[str, Form(max_length=254)],
          password: Annotated[str, Form(max_length=200)],
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    now = prog.engine.clock()
    try:
        with prog.db.transaction() as session:
            account = accounts.authenticate(session, email, password, now)
            session.expunge(account)
    except NotAuthenticated as exc:
        return render(request, "login.html", None, status=401, next=_local(next),
                      error=str(exc), email=email)
    return _signed_in(prog, RedirectResponse(_local(next), status_code=303), account)


@router.post("/logout")
def logout(request: Request, viewer: PageViewer, prog: Prog,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(viewer, csrf_token)
    token = request.cookies.get(SESSION_COOKIE, "")
    with prog.db.transaction() as session:
        accounts.close_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/l/{token}")
def open_link(token: str, prog: Prog) -> Response:
    """A link from an email: signs its recipient in once and opens the item it names."""
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        opened = links.redeem(session, prog.settings, token, now)
        account = accounts.account_for_email(session, opened.email, now)
        session.expunge(account)
    return _signed_in(prog, RedirectResponse(_local(opened.path), status_code=303), account)


@router.get("/")
def home(viewer: PageViewer) -> Response:
    target = HOME.get(viewer.role)
    if target is None:  # head of region, a region's own coordinator: their region
        regions = sorted(viewer.regions() or [])
        target = f"/regions/{regions[0]}" if regions else "/board"
    return RedirectResponse(target, status_code=303)
