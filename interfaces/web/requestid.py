"""A request id on every answer and every log line written while answering.

A reverse proxy or a client may send ``X-Request-ID``; it is kept when it is a sane token (at
most 128 characters of letters, digits, ``.``, ``_`` and ``-``), so one id follows a request
from the proxy's log through ours. Anything else (absent, too long, with spaces, quotes or
newlines that would let a caller forge log lines or headers) is replaced by a fresh
``uuid4().hex``. The id is returned as ``X-Request-ID`` and held in
:data:`interfaces.logging_setup.REQUEST_ID` while the request runs, so an operator who gets
the id from a user's screenshot finds that request's log lines.
"""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.logging_setup import REQUEST_ID

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._-]{1,128}")


def request_id(given: str | None) -> str:
    """``given`` when it is a sane token, else a new id."""
    if given is not None and SANE.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Chooses the request's id, makes it current for the logs, and answers with it.

    A pure ASGI middleware (like :class:`interfaces.web.i18n.LanguageMiddleware`), so the
    context variable is set in the very context the endpoint and its thread pool inherit. It
    is set back when the answer went out; after an exception it is left set, because the
    application's last-resort handler logs that exception after the middleware has returned,
    and that line above all needs the id (each request runs in a task of its own, which ends
    with it).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = request_id(Headers(scope=scope).get(HEADER))
        scope.setdefault("state", {})["request_id"] = chosen

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = chosen
            await send(message)

        token = REQUEST_ID.set(chosen)
        await self.app(scope, receive, send_with_id)
        REQUEST_ID.reset(token)
