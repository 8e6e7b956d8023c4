"""Rendering pages: one Jinja2 environment (autoescaped), with the helpers every page uses.

Times are stored in UTC and shown in a zone: :func:`when` gives ``"5 Mar 2026 23.59 WITA"``
in the region's zone (CLDR's forms through Babel, :func:`workflows.zones.spoken`), and pages
put WIB alongside for national dates. The page's language is the request's current language
(:mod:`config.language`, set by the app's middleware), so labels of the definition rendered in
a template come out in it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from config.language import current, using
from config.messages import text
from interfaces.web import i18n
from interfaces.web.deps import LANG_COOKIE, Viewer
from workflows import roles
from workflows.access import languages
from workflows.evaluation.naming import window_title
from workflows.programme import Programme
from workflows.reporting.attention import attention_counts
from workflows.zones import ZONES, spoken

HERE = Path(__file__).resolve().parent

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def when(moment: datetime | None, zone: str = "WIB", lang: str | None = None,
         with_time: bool = True, full: bool = False) -> str:
    """A UTC moment as a date (and time) in ``zone``, labelled: ``5 Mar 2026 23.59 WITA`` in
    tables, ``Kamis, 5 Maret 2026 pukul 23.59 WITA`` with ``full``.

    ``zone`` is a label (WIB, WITA, WIT) or an IANA name (Asia/Makassar).
    """
    return spoken(moment, zone, lang=lang, time=with_time, weekday=full, short=not full)


def filesize(size: int, lang: str | None = None) -> str:
    """A file's size as a person reads it, in the language's number form (CLDR, through
    Babel): ``"1,2 MB"`` in Indonesian, ``"1.2 MB"`` in English, ``"830 B"``."""
    from babel.numbers import format_decimal

    chosen = lang or current()
    amount = float(size)
    for unit in ("B", "KB", "MB"):
        if amount < 1024:
            shape = "#,##0" if unit == "B" else "#,##0.#"
            return f"{format_decimal(amount, format=shape, locale=chosen)} {unit}"
        amount /= 1024
    return f"{format_decimal(amount, format='#,##0.#', locale=chosen)} GB"


def listed(values: Iterable[object], limit: int = 3) -> str:
    """Names or labels in a sentence, in the current language: the first ``limit``, then
    "and N more". Plain text, so a template passing it to ``t()`` escapes it once."""
    found = [str(v) for v in values]
    if len(found) <= limit:
        return ", ".join(found)
    return text("list.more", shown=", ".join(found[:limit]), count=len(found) - limit)


env.globals.update(when=when, zones=ZONES, filesize=filesize, window_title=window_title,
                   listed=listed)
env.filters.update(window_title=window_title)  # editions | map("window_title")


def language(request: Request, viewer: Viewer | None) -> str:
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                       viewer.locale if viewer else None,
                       request.headers.get("accept-language"))


def sees_attention(viewer: Viewer | None) -> bool:
    """Whether the viewer has the inbox "Perlu perhatian": coordinators and administrators."""
    return viewer is not None and (viewer.is_admin or viewer.role == roles.COORDINATOR)


def attention_menu(request: Request, viewer: Viewer | None) -> dict[str, int] | None:
    """The inbox's counts for the menu's badge, for a viewer who has the inbox (None for
    anyone else): the cheap counts, in one read session, on every page they open, so a
    resolved item leaves the count on the next page."""
    if not sees_attention(viewer):
        return None
    assert viewer is not None
    prog: Programme = request.app.state.prog
    with prog.db.read() as session:
        return attention_counts(prog, session, viewer.regions())


def render(request: Request, template: str, viewer: Viewer | None, status: int = 200,
           **context: Any) -> HTMLResponse:
    """A page in the viewer's language; ``?lang=`` also sets the language cookie.

    A coordinator's or an administrator's menu shows the inbox's count: a page that has the
    counts already (the inbox itself) passes them as ``attention``.
    """
    lang = language(request, viewer)
    catalog = i18n.load(lang)
    if "attention" not in context:  # not on a server error's page: the database may be down
        context["attention"] = attention_menu(request, viewer) if status < 500 else None
    with using(lang):
        html = env.get_template(template).render(
            request=request, viewer=viewer, lang=lang, t=catalog.t, n=catalog.n,
            csrf_token=viewer.csrf_token if viewer else None,
            mailbox=getattr(request.app.state, "mailbox", None) is not None,
            **context)
    response = HTMLResponse(html, status_code=status)
    query_lang = request.query_params.get("lang")
    if query_lang in i18n.LOCALES and query_lang != request.cookies.get(LANG_COOKIE):
        response.set_cookie(LANG_COOKIE, query_lang, max_age=365 * 86400, samesite="lax",
                            httponly=True)
    if query_lang in i18n.LOCALES and viewer is not None and query_lang != viewer.locale:
        # Choosing a language is choosing it for one's emails too.
        prog = request.app.state.prog
        with prog.db.transaction() as session:
            languages.set_language(session, viewer.email, query_lang)
    return response
