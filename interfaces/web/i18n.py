"""The pages' two languages: Bahasa Indonesia (default) and English.

The texts are the programme's one message catalogue (:mod:`config.messages`, gettext ``.po``),
shared with the emails, the API and the command line. The language of a request is ``?lang=``
(which also sets the ``sc_lang`` cookie), else the cookie, else the signed-in account's, else
the browser's ``Accept-Language``, else Indonesian; :mod:`interfaces.web.app` makes it the
current language (:mod:`config.language`) for everything the request renders.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from config import language, messages

LOCALES = language.LANGUAGES
DEFAULT = language.DEFAULT


class Catalog:
    """One language's texts, for templates (``t("key", name=...)``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.texts = messages.texts(lang)

    def t(self, key: str, **values: object) -> str:
        return messages.text(key, self.lang, **values)

    def n(self, key: str, count: int, **values: object) -> str:
        return messages.plural(key, count, self.lang, **values)


@cache
def load(lang: str) -> Catalog:
    return Catalog(language.pick(lang))


def choose(query: str | None, cookie: str | None, account: str | None,
           accept: str | None = None) -> str:
    for candidate in (query, cookie, account):
        if candidate in LOCALES:
            return candidate
    return language.from_accept_language(accept) if accept else DEFAULT


class LanguageMiddleware:
    """Makes the request's language (``chooser(request)``) the current one
    (:mod:`config.language`) for everything it runs: views that name stages, errors, the page.
    A pure ASGI middleware, so the context variable is set in the very context the endpoint
    (and its thread pool) inherits. The web application chooses from ``?lang=``, the
    ``sc_lang`` cookie and ``Accept-Language``; a worker's probes from what a probe sends."""

    def __init__(self, app: ASGIApp, chooser: Callable[[Request], str]) -> None:
        self.app = app
        self.chooser = chooser

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with language.using(self.chooser(Request(scope))):
            await self.app(scope, receive, send)
