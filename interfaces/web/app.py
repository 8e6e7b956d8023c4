"""The FastAPI application: API under ``/api/v1``, pages at the root, one error policy.

:func:`create_app` builds the app around a :class:`~workflows.programme.Programme`. Every
expected failure (:class:`engine.WorkflowError`) becomes its status code with the
message that names the problem and the fix, in the request's language (``?lang=``, the
``sc_lang`` cookie, ``Accept-Language``; Indonesian by default): JSON ``{"detail": ...,
"error": ..., "code": ...}`` for the API (``code`` is the message's catalogue key, or null),
the error page for a browser. A request FastAPI refuses before any view runs, and a plain HTTP
error, are worded from the same catalogue (:mod:`interfaces.web.problems`). Unexpected
exceptions are logged and answered with a plain 500 that shows no traceback.

Responses are lean (:mod:`interfaces.web.lean`): text is gzip-compressed for clients that
accept it, static files carry cache headers and answer conditional GETs with 304. Every answer
carries the security headers of :mod:`interfaces.web.hardening` (framing, nosniff, referrer,
no-store for what is private, HSTS behind HTTPS).

``background=True`` (what ``smartcity serve`` uses) also runs, for the life of the server,
the scheduler's clock (in whichever process holds the leader lock) and the email dispatcher:
:func:`workflows.background.services`, the same services ``smartcity worker`` runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from config.messages import text
from engine import WorkflowError
from interfaces.web import api, hardening, health, i18n, lean, metrics, pages, problems, requestid
from interfaces.web.deps import LANG_COOKIE, LoginRequired, optional_viewer
from interfaces.web.templating import render
from notifications.sink import MailSink
from workflows.background import services
from workflows.programme import Programme

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
FORM_ROOM = 2 * 1024 * 1024


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _login_url(request: Request) -> str:
    """The login page, coming back here afterwards (a form post returns to its page)."""
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:  # the post itself cannot be replayed after signing in: back to the page it came from
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc in ("", request.url.netloc)
        target = (referer.path + (f"?{referer.query}" if referer.query else "")
                  if same_site and referer.path else "/")
    return "/login?" + urlencode({"next": target})


def request_language(request: Request) -> str:
    """The language a request is answered in before anyone signs in: ``?lang=``, the
    ``sc_lang`` cookie (set at sign-in to the account's language), ``Accept-Language``."""
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                       None, request.headers.get("accept-language"))


def _answer(detail: str, error: str, code: str | None) -> dict[str, object]:
    """The API's error body: the text in the request's language, the failure's type, and its
    catalogue key (``null`` for a sentence that has none) for a client to branch on."""
    return {"detail": detail, "error": error, "code": code}


def _page_error(request: Request, status: int, message: str) -> Response:
    try:
        viewer = optional_viewer(request)
    except WorkflowError:
        viewer = None
    return render(request, "error.html", viewer, status=status, status_code=status,
                  message=message)


def create_app(prog: Programme, *, mailbox: MailSink | None = None,
               background: bool = False, worker_id: str | None = None) -> FastAPI:
    """The web application around ``prog``; ``mailbox`` shows a local SMTP sink's mail."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not background:
            yield
            return
        async with services(prog, worker_id or f"{socket.gethostname()}:{os.getpid()}"):
            yield

    app = FastAPI(
        title="smartcity-workflow",
        summary="Gerakan Menuju 100 Smart City: master plans, reviews, deadlines, evaluation.",
        version="1",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        # Refuse a request body past the upload limit while it streams in, before anything
        # is spooled to disk (room for the quick-win CSV and the form fields).
        max_body_size=prog.settings.upload_max_bytes + FORM_ROOM,
    )
    app.state.prog = prog
    app.state.mailbox = mailbox
    app.state.background = background  # /readyz checks the SMTP relay of a process that sends
    app.state.metrics, latency = metrics.registry_for(prog)  # this app's own registry

    @app.exception_handler(WorkflowError)
    async def expected(request: Request, exc: WorkflowError) -> Response:
        status = exc.status_code
        if _wants_json(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            if isinstance(retry := getattr(exc, "retry_after", None), int):  # a delayed sign-in
                headers = {"Retry-After": str(retry)}
            return JSONResponse(_answer(str(exc), type(exc).__name__, exc.code),
                                status_code=status, headers=headers)
        if status == 401 and not request.url.path.startswith(("/l/", "/login", "/calendar/")):
            return RedirectResponse(_login_url(request), status_code=303)
        return _page_error(request, status, str(exc))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(_login_url(request), status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        found = problems.problems(exc.errors())
        message = "; ".join(found) or text("web.invalid_request")
        if _wants_json(request):
            body = _answer(message, "InvalidInputError", "web.invalid_request")
            return JSONResponse({**body, "problems": found}, status_code=422)
        return _page_error(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if (unreadable := problems.unreadable_body(exc.status_code)) is not None:
            return await invalid(request, RequestValidationError(unreadable))  # 422, not 400
        message, code = problems.http_message(exc.status_code, exc.detail)
        if _wants_json(request):
            return JSONResponse(_answer(message, "HTTPError", code),
                                status_code=exc.status_code, headers=exc.headers)
        return _page_error(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Starlette answers this one outside every middleware: the language is chosen here.
        # The route template, never the path: a path may hold a sign-in token (/l/<token>,
        # /password/<token>) or, decoded, a newline that would forge a line of a text log.
        scope = request.scope  # a mount moved root_path along; app_root_path is where it was
        route = metrics.route_template(scope, str(scope.get("app_root_path",
                                                            scope.get("root_path", ""))))
        method = request.method if request.method in metrics.METHODS else "other"
        chosen = scope.get("state", {}).get("request_id")
        log.exception("internal error on %s %s (request %s)", method, route, chosen,
                      extra={"request_id": chosen})
        message = text("web.internal", request_language(request))
        if _wants_json(request):
            return hardening.applied(request, JSONResponse(
                _answer(message, "InternalError", "web.internal"), status_code=500))
        return hardening.applied(request, Response(message, status_code=500,
                                                   media_type="text/plain; charset=utf-8"))

    app.add_middleware(i18n.LanguageMiddleware, chooser=request_language)
    # Around the views' middleware, so errors and redirects answered inside are compressed too.
    app.add_middleware(GZipMiddleware, minimum_size=lean.MINIMUM_SIZE,
                       compresslevel=lean.LEVEL, exclude_content_types=lean.EXCLUDED_TYPES)
    # Outermost: compressed and plain answers, redirects and errors all carry the headers.
    app.add_middleware(hardening.SecurityHeadersMiddleware, hsts=prog.settings.cookies_secure)
    # Around all of it: each request timed by route template, and its id on answer and logs.
    app.add_middleware(metrics.RequestMetricsMiddleware, histogram=latency)
    app.add_middleware(requestid.RequestIdMiddleware)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", lean.CachedStaticFiles(directory=HERE / "static"), name="static")
    return app
