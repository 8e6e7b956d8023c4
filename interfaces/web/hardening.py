"""Security headers on every answer: what a browser may frame, sniff, cache and tell others.

A ministry's staff open these pages on shared office computers, sign-in links carry their
token in the path, and the pages show personal data (names, email addresses, a region's
documents). So, as a pure ASGI middleware (like
:class:`~interfaces.web.i18n.LanguageMiddleware`) registered outside the compression, so the
headers are on compressed and plain answers, redirects, 304s and error pages alike:

* **Framing** (clickjacking): an HTML page says ``X-Frame-Options: DENY`` and
  ``Content-Security-Policy: frame-ancestors 'none'``. A response that sets its own policy
  keeps it, with ``frame-ancestors 'none'`` appended when it names no ``frame-ancestors`` of
  its own (the mailbox's raw message, ``sandbox; default-src 'none'``); a policy that does
  name one (the mailbox page, ``'self'``) was chosen where it was written and is left alone.
  The mailbox shows an email in an ``<iframe srcdoc>``: framing rules apply to a page being
  framed, not to the frames it holds, so the outer page's ``DENY`` does not affect it.
* ``X-Content-Type-Options: nosniff`` everywhere: an upload or a raw email is never
  re-interpreted as HTML or script whatever its bytes.
* **Referrer**: ``same-origin`` (the app's own "back to the page you came from" after
  sign-in still works; no other site learns a region's URL). The sign-in link (``/l/<token>``)
  and password pages (``/password/<token>``) send ``no-referrer``: their path *is* the
  credential, and a stylesheet request or a proxy log must not repeat it.
* **Caching**: ``Cache-Control: no-store`` on every HTML page, every ``/api/`` answer and
  anything asked with the session cookie or an ``Authorization`` header, so Back after
  sign-out on a shared computer shows nothing from the cache (the login page too: it holds a
  login token). An answer that sets its own ``Cache-Control`` keeps it: static files and the
  map geometry are public and cached on purpose, downloads say ``private`` themselves.
* ``Strict-Transport-Security: max-age=31536000`` only when session cookies are ``Secure``
  (``secure_cookies``, or a ``https://`` ``base_url``): HSTS on a plain-HTTP laptop would
  at best be ignored and at worst pin ``localhost`` to HTTPS in the browser for a year.

A header the endpoint already set is never overwritten (only the CSP is merged).
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.web.deps import SESSION_COOKIE

FRAME_ANCESTORS = "frame-ancestors 'none'"
HSTS = "max-age=31536000"
#: Pages whose path is a credential: a Referer would repeat it.
TOKEN_PATHS = ("/l/", "/password/")


def _referrer_policy(path: str) -> str:
    return "no-referrer" if path.startswith(TOKEN_PATHS) else "same-origin"


def _private(scope: Scope, headers: MutableHeaders) -> bool:
    """Whether the answer may hold what one person should not leave in a shared cache."""
    request = Headers(scope=scope)
    return (headers.get("content-type", "").startswith("text/html")
            or scope["path"].startswith("/api/")
            or "authorization" in request
            or SESSION_COOKIE in Request(scope).cookies)


def apply(scope: Scope, headers: MutableHeaders, *, hsts: bool) -> None:
    """Adds the headers to one answer's ``headers`` (those already there win)."""
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", _referrer_policy(scope["path"]))
    policy = headers.get("content-security-policy")
    if policy is not None:
        if "frame-ancestors" not in policy.lower():
            headers["Content-Security-Policy"] = f"{policy.rstrip().rstrip(';')}; {FRAME_ANCESTORS}"
        headers.setdefault("X-Frame-Options", "DENY")
    elif headers.get("content-type", "").startswith("text/html"):
        headers["Content-Security-Policy"] = FRAME_ANCESTORS
        headers.setdefault("X-Frame-Options", "DENY")
    if "cache-control" not in headers and _private(scope, headers):
        headers["Cache-Control"] = "no-store"
    if hsts:
        headers.setdefault("Strict-Transport-Security", HSTS)


def applied(request: Request, response: Response) -> Response:
    """``response`` with the headers: for the plain 500, which Starlette sends from outside
    every middleware, this one included."""
    apply(request.scope, response.headers, hsts=request.app.state.prog.settings.cookies_secure)
    return response


class SecurityHeadersMiddleware:
    """Adds the headers to the start of every HTTP answer the app sends."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                apply(scope, MutableHeaders(scope=message), hsts=self.hsts)
            await send(message)

        await self.app(scope, receive, send_hardened)
