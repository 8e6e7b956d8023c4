"""Rendering pages: one Jinja2 environment (autoescaped), with the helpers every page uses.

Times are stored in UTC and shown in a zone: :func:`when` gives ``"5 Mar 2026 23:59 WITA"``
in the region's zone, and pages put WIB alongside for national dates.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from interfaces.web import i18n
from interfaces.web.deps import LANG_COOKIE, Viewer
from workflows.zones import ZONES, zone_of

HERE = Path(__file__).resolve().parent

MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def when(moment: datetime | None, zone: str = "WIB", lang: str = "id",
         with_time: bool = True) -> str:
    """A UTC moment as a date (and time) in ``zone``, labelled: ``5 Mar 2026 23:59 WITA``.

    ``zone`` is a label (WIB, WITA, WIT) or an IANA name (Asia/Makassar).
    """
    if moment is None:
        return "—"
    tz = ZONES.get(zone, zone)
    shown = moment.astimezone(ZoneInfo(tz))
    text = f"{shown.day} {MONTHS.get(lang, MONTHS['en'])[shown.month - 1]} {shown.year}"
    if with_time:
        text += f" {shown:%H:%M} {zone_of(tz)}"
    return text


env.globals.update(when=when, zones=ZONES)


def language(request: Request, viewer: Viewer | None) -> str:
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                       viewer.locale if viewer else None)


def render(request: Request, template: str, viewer: Viewer | None, status: int = 200,
           **context: Any) -> HTMLResponse:
    """A page in the viewer's language; ``?lang=`` also sets the language cookie."""
    lang = language(request, viewer)
    catalog = i18n.load(lang)
    html = env.get_template(template).render(
        request=request, viewer=viewer, lang=lang, t=catalog.t,
        csrf_token=viewer.csrf_token if viewer else None,
        mailbox=getattr(request.app.state, "mailbox", None) is not None,
        **context)
    response = HTMLResponse(html, status_code=status)
    query_lang = request.query_params.get("lang")
    if query_lang in i18n.LOCALES and query_lang != request.cookies.get(LANG_COOKIE):
        response.set_cookie(LANG_COOKIE, query_lang, max_age=365 * 86400, samesite="lax",
                            httponly=True)
    return response
