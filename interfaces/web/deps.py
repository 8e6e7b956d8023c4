"""Who is asking: the signed-in viewer of a request, from a bearer token or a session cookie.

Pages use the session cookie (HttpOnly, SameSite=Lax) and a CSRF token in every form; the API
uses ``Authorization: Bearer``. A cookie-authenticated API call that changes something must
also send the session's CSRF token in ``X-CSRF-Token``. What a viewer may do is not decided
here: the viewer carries the engine :class:`~engine.Actor` derived from the directory, once
per request, and hands it down to the programme's functions; the engine refuses whatever that
actor may not do.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from config.messages import Message
from engine import Actor, NotAuthenticated, NotFoundError, PermissionDenied
from workflows.access import scope, sessions
from workflows.access.models import Account
from workflows.directory.actors import actor_for
from workflows.programme import Programme

#: Said of a viewer who acts for no region (yet).
NO_REGION_YET = Message("web.no_region_yet")
SESSION_COOKIE = "sc_session"
LANG_COOKIE = "sc_lang"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Viewer:
    """A signed-in account, and the actor the engine sees when it acts."""

    account_id: int
    email: str
    is_admin: bool
    locale: str
    actor: Actor | None  # None: an admin account with no person or OPD behind it
    via: Literal["session", "token"]
    csrf_token: str | None = None

    @property
    def role(self) -> str:
        return self.actor.role if self.actor else "admin"

    def regions(self) -> frozenset[str] | None:
        """The regions this viewer acts for; None means programme-wide."""
        return scope.regions_of(self.actor)

    def sees(self, code: str) -> bool:
        """Whether this viewer may see region ``code``: the one scope rule for reads."""
        return scope.sees(self.actor, code)


def require_sees(viewer: Viewer, code: str, advice: Message, *,
                 unbound: Message = NO_REGION_YET) -> None:
    """Refuse a region the viewer may not see (the one scope rule), saying which regions the
    viewer does act for (``unbound`` when none) and, in ``advice``, where to go or whom to
    ask."""
    if viewer.sees(code):
        return
    raise PermissionDenied("web.acts_for_other", who=viewer.email, role=role_named(viewer),
                           regions=sorted(viewer.regions() or ()) or unbound, region=code,
                           advice=advice)


def role_named(viewer: Viewer) -> Message:
    """The viewer's role as people call it, in the reader's language."""
    return Message(f"role.{viewer.role}")


class LoginRequired(Exception):
    """A page needs a signed-in viewer: answered with a redirect to the login page."""


def programme(request: Request) -> Programme:
    prog: Programme = request.app.state.prog
    return prog


def _viewer(request: Request) -> Viewer | None:
    if hasattr(request.state, "viewer"):
        cached: Viewer | None = request.state.viewer
        return cached
    prog = programme(request)
    now = prog.engine.clock()
    found: Viewer | None = None
    # Bearer tokens are for the API; a page ignores the header (a proxy's Basic auth, say).
    header = (request.headers.get("authorization", "")
              if request.url.path.startswith("/api/") else "")
    with prog.db.read() as session:
        account: Account | None = None
        via: Literal["session", "token"] = "token"
        csrf: str | None = None
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise NotAuthenticated("web.bad_authorization")
            account = sessions.token_account(session, secret.strip(), now)
            if account is None:
                raise NotAuthenticated("web.unknown_token")
        elif token := request.cookies.get(SESSION_COOKIE):
            signed_in = sessions.session_account(session, token, now)
            if signed_in is not None:
                account, web_session = signed_in
                via, csrf = "session", web_session.csrf_token
        if account is not None:
            try:
                actor: Actor | None = actor_for(session, account.email)
            except NotFoundError:
                actor = None
                if not account.is_admin:  # the person or OPD was removed from the directory
                    account = None
            if account is not None:
                found = Viewer(account.id or 0, account.email, account.is_admin,
                               account.locale, actor, via, csrf)
    request.state.viewer = found
    return found


def optional_viewer(request: Request) -> Viewer | None:
    return _viewer(request)


def api_viewer(request: Request) -> Viewer:
    """The API's caller; 401 without credentials, 403 on a cookie call without CSRF token."""
    viewer = _viewer(request)
    if viewer is None:
        raise NotAuthenticated("web.sign_in")
    if viewer.via == "session" and request.method not in SAFE_METHODS:
        check_csrf(viewer, request.headers.get("x-csrf-token"))
    return viewer


def page_viewer(request: Request) -> Viewer:
    viewer = _viewer(request)
    if viewer is None:
        raise LoginRequired()
    return viewer


def check_csrf(viewer: Viewer, given: str | None) -> None:
    """Refuse a state-changing browser request that does not carry the session's token."""
    if viewer.via != "session":
        return
    if not given or not viewer.csrf_token or not hmac.compare_digest(
            given.encode(), viewer.csrf_token.encode()):
        raise PermissionDenied("web.form_expired")


def admin_viewer(viewer: Annotated[Viewer, Depends(api_viewer)]) -> Viewer:
    if not viewer.is_admin:
        raise PermissionDenied("web.admin_only")
    return viewer


def acting(viewer: Viewer) -> Actor:
    """The engine actor of a viewer; an admin account with no person behind it has none."""
    if viewer.actor is None:
        raise PermissionDenied("web.admin_cannot_act", who=viewer.email)
    return viewer.actor


ApiViewer = Annotated[Viewer, Depends(api_viewer)]
PageViewer = Annotated[Viewer, Depends(page_viewer)]
OptionalViewer = Annotated[Viewer | None, Depends(optional_viewer)]
Prog = Annotated[Programme, Depends(programme)]
