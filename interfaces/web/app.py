"""The FastAPI application: API under ``/api/v1``, pages at the root, one error policy.

:func:`create_app` builds the app around a :class:`~workflows.programme.Programme`. Every
expected failure (:class:`engine.WorkflowError`) becomes its status code with the
message that names the problem and the fix: JSON ``{"detail": ..., "error": ...}`` for the
API, the error page for a browser. Unexpected exceptions are logged and answered with a
plain 500 that shows no traceback.

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
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine import WorkflowError
from interfaces.web import api, pages
from interfaces.web.deps import LoginRequired, optional_viewer
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

    @app.exception_handler(WorkflowError)
    async def expected(request: Request, exc: WorkflowError) -> Response:
        status = exc.status_code
        if _wants_json(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse({"detail": str(exc), "error": type(exc).__name__},
                                status_code=status, headers=headers)
        if status == 401 and not request.url.path.startswith(("/l/", "/login", "/calendar/")):
            return RedirectResponse(_login_url(request), status_code=303)
        return _page_error(request, status, str(exc))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(_login_url(request), status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
            problems.append(f"{where}: {error.get('msg', 'invalid')}" if where
                            else str(error.get("msg", "invalid")))
        message = "; ".join(problems) or "invalid request"
        if _wants_json(request):
            return JSONResponse({"detail": message, "error": "InvalidInputError",
                                 "problems": problems}, status_code=422)
        return _page_error(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail, "error": "HTTPError"},
                                status_code=exc.status_code, headers=exc.headers)
        return _page_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        message = "internal error; it has been logged"
        if _wants_json(request):
            return JSONResponse({"detail": message, "error": "InternalError"}, status_code=500)
        return Response(message, status_code=500, media_type="text/plain")

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
