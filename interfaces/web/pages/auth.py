"""Signing in and out of the pages, the links from emails, and the start page per role."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from config import messages
from config.language import pick
from engine import ConflictError, NotAuthenticated
from interfaces.web import i18n
from interfaces.web.deps import (
    LANG_COOKIE,
    SESSION_COOKIE,
    PageViewer,
    Prog,
    check_csrf,
)
from interfaces.web.templating import language, render
from workflows import roles
from workflows.access import accounts, known_devices, links, sessions
from workflows.access.models import Account
from workflows.access.throttle import SignInThrottled
from workflows.programme import Programme

router = APIRouter()

LOGIN_COOKIE = "sc_login"
HOME = {roles.COORDINATOR: "/board", "admin": "/board", roles.MENTOR: "/queue",
        roles.OPD: "/opd", roles.ASSESSOR: "/evaluation", roles.HEAD_OF_REGION: "/my-region"}


def _local(target: str | None) -> str:
    """Only a path on this site may follow a login (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return "/"
    return target


def _sign_in(session: Session, prog: Programme, response: Response,
             account: Account) -> Response:
    """Open a browser session in the caller's transaction (the one that checked the
    credentials or used the link) and set its cookie on ``response``."""
    opened = sessions.open_session(session, account, prog.engine.clock(),
                                   prog.settings.session_hours)
    response.set_cookie(SESSION_COOKIE, opened.token, max_age=prog.settings.session_hours * 3600,
                        httponly=True, samesite="lax", secure=prog.settings.cookies_secure)
    response.delete_cookie(LOGIN_COOKIE)
    # This browser is now a known device of the address: the throttle's shared caps (its
    # network's, the address's from everywhere) no longer delay it (known_devices.py).
    response.set_cookie(known_devices.COOKIE,
                        known_devices.issue(prog.settings, account.email, prog.engine.clock()),
                        max_age=int(known_devices.KEPT.total_seconds()), httponly=True,
                        samesite="lax", secure=prog.settings.cookies_secure)
    # The account's language from here on (pages are built in the request's language, read
    # from this cookie before anyone is looked up); ?lang= changes both.
    response.set_cookie(LANG_COOKIE, pick(account.locale), max_age=365 * 86400,
                        samesite="lax", httponly=True)
    return response


def _login_page(request: Request, prog: Programme, *, next: str, error: str | None = None,
                email: str = "", status: int = 200) -> Response:
    """The login form, with a fresh token in a cookie and in the form (login CSRF: a hostile
    page cannot sign a visitor into someone else's account)."""
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, status=status, next=_local(next),
                      error=error, email=email, login_token=token)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="lax",
                        secure=prog.settings.cookies_secure)
    return response


@router.get("/login")
def login_form(request: Request, prog: Prog, next: str | None = None) -> Response:
    return _login_page(request, prog, next=next or "/")


@router.post("/login")
def login(request: Request, prog: Prog, email: Annotated[str, Form(max_length=254)],
          password: Annotated[str, Form(max_length=200)],
          next: Annotated[str, Form(max_length=2000)] = "/",
          login_token: Annotated[str, Form(max_length=100)] = "") -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(login_token.encode(), expected.encode()):
        return _login_page(request, prog, next=next, email=email, status=403,
                           error=i18n.load(language(request, None)).t("login.expired"))
    host = request.client.host if request.client else None
    try:
        with accounts.signing_in(prog, email, password, host,
                                 request.cookies.get(known_devices.COOKIE)) as (session, account):
            return _sign_in(session, prog, RedirectResponse(_local(next), status_code=303),
                            account)
    except NotAuthenticated as exc:  # a wrong password, or 429 while the client is delayed
        refused = _login_page(request, prog, next=next, email=email, status=exc.status_code,
                              error=str(exc))
        if isinstance(exc, SignInThrottled):
            refused.headers["Retry-After"] = str(exc.retry_after)
        return refused


@router.post("/logout")
def logout(request: Request, viewer: PageViewer, prog: Prog,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(viewer, csrf_token)
    token = request.cookies.get(SESSION_COOKIE, "")
    with prog.db.transaction() as session:
        sessions.close_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _link_refusal(prog: Programme, token: str) -> tuple[str, str | None]:
    """The page a sign-in link names (``/`` when unreadable), and why it opens nothing
    (expired, used, cut short, a newer password, a disabled account) or None."""
    with prog.db.read() as session:
        opened, reason = links.inspect(session, prog.settings, token, prog.engine.clock())
        if opened is not None and reason is None:
            reason = accounts.link_refusal(session, opened.email, opened.issued_at)
    return (opened.path if opened is not None else "/"), reason


def _link_refused(request: Request, prog: Programme, target: str, reason: str) -> Response:
    """The sign-in form instead of a link that no longer works, saying why in the reader's
    language, and opening the link's page once signed in."""
    return _login_page(request, prog, next=target, status=401,
                       error=messages.text(f"accounts.link.{reason}"))


@router.get("/l/{token}")
def open_link(request: Request, token: str, prog: Prog) -> Response:
    """A link from an email: a page with one button. Fetching it uses nothing up, so mail
    scanners that open every link leave it working for the person it was sent to. A link
    that no longer works shows the sign-in form with the reason instead."""
    target, reason = _link_refusal(prog, token)
    if reason is not None:
        return _link_refused(request, prog, target, reason)
    opened = links.peek(prog.settings, token, prog.engine.clock())
    return render(request, "link.html", None, token=token, email=opened.email)


@router.post("/l/{token}")
def use_link(request: Request, token: str, prog: Prog) -> Response:
    """Use the link: sign its recipient in, once, and open the item it names."""
    now = prog.engine.clock()
    try:
        with prog.db.transaction() as session:
            opened = links.redeem(session, prog.settings, token, now)
            account = accounts.account_for_email(session, opened.email, now, opened.issued_at)
            return _sign_in(session, prog,
                            RedirectResponse(_local(opened.path), status_code=303), account)
    except (NotAuthenticated, ConflictError):  # a concurrent use fails on the nonce
        target, reason = _link_refusal(prog, token)
        return _link_refused(request, prog, target, reason or links.USED)


@router.get("/")
def home(viewer: PageViewer) -> Response:
    target = HOME.get(viewer.role)
    if target is None:  # a role without a start page of its own: its region
        regions = sorted(viewer.regions() or [])
        target = f"/regions/{regions[0]}" if regions else "/board"
    return RedirectResponse(target, status_code=303)
