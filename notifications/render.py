"""Render notification emails (subject, plain text, HTML) from Jinja2 templates.

Layout of ``notifications/templates/``::

    _layout.html                    shared HTML frame (extended by every HTML part)
    <locale>/_phrases.txt           per-locale macros (days left / overdue phrasing)
    <locale>/<kind>.subject.txt     subject, rendered as text and collapsed to one line
    <locale>/<kind>.txt             plain-text body
    <locale>/<kind>.html            HTML body

Translations are one template file per kind, locale and part rather than gettext catalogs.
These are system templates with two locales ("id", the default, and "en") and short texts,
so a translator edits a whole, readable email instead of isolated ``.po`` strings. Indonesian
nouns do not inflect and the English plurals are a plain ``{% if %}``. If admin-editable or
many more locales are ever needed, this is the place to switch to gettext or stored templates.

One :class:`jinja2.Environment` is built once and cached (templates are compiled once):

* ``StrictUndefined``: a missing context key (or item field) raises
  :class:`jinja2.exceptions.UndefinedError` instead of rendering an empty string;
* autoescape only for ``.html``/``.htm``/``.xml`` templates, and never for strings, so the
  subject and the text part carry the user's text as is while the HTML part escapes it
  (a mentor's ``<script>`` arrives as text);
* ``trim_blocks``/``lstrip_blocks`` so block tags leave no stray blank lines.

The context is plain data (dicts, str, int, None), never ORM rows. Times arrive already
formatted and labelled in the recipient's zone (``"2026-06-01 08:00 WIT"``); this module does
no time-zone arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = [
    "DEFAULT_LOCALE",
    "KINDS",
    "LOCALES",
    "TEMPLATES_DIR",
    "RenderedEmail",
    "environment",
    "render_email",
]

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"

#: Every email kind, with the context keys each one requires (documentation and a fast check).
KINDS: Final[Mapping[str, tuple[str, ...]]] = {
    "reminder_digest": (
        "recipient_name",
        "region_name",
        "region_code",
        "zone",
        "items",
        "app_url",
    ),
    "escalation": ("recipient_name", "region_name", "region_code", "zone", "items"),
    "window_opened": ("recipient_name", "region_name", "window_name", "closes_local"),
    "window_closing": (
        "recipient_name",
        "region_name",
        "window_name",
        "closes_local",
        "days_left",
    ),
    "review_rejected": ("recipient_name", "region_name", "round", "comment", "mentor_name",
                        "app_url"),
    "review_requested": ("recipient_name", "region_name", "region_code", "round", "app_url"),
}

#: Kinds whose ``items`` list must not be empty (a digest of nothing is never sent).
_ITEM_KINDS: Final = frozenset({"reminder_digest", "escalation"})

DEFAULT_LOCALE: Final = "id"
LOCALES: Final = ("id", "en")

_PARTS: Final = ("subject.txt", "txt", "html")


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """A rendered email: a one-line subject, a plain-text body and an HTML body."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared, cached Jinja2 environment for the notification templates (Jinja2 itself
    loads here, with the first email: a command that sends none never pays for it)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )


def _one_line(subject: str) -> str:
    """Collapse all whitespace, newlines included, so a subject is one header-safe line."""
    return " ".join(subject.split())


def render_email(kind: str, locale: str, context: Mapping[str, Any]) -> RenderedEmail:
    """Render the subject, text and HTML parts of email ``kind`` in ``locale``.

    ``locale`` is ``"id"`` (:data:`DEFAULT_LOCALE`, use it when the recipient has no
    preference) or ``"en"``; ``context`` holds the keys listed in :data:`KINDS`.

    Raises :class:`ValueError` for an unknown kind or locale (naming the valid ones) or an
    empty ``items`` list, and :class:`jinja2.exceptions.UndefinedError` when the context lacks
    a key the templates use.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; valid locales: {', '.join(LOCALES)}")
    ctx = dict(context)
    if kind in _ITEM_KINDS and "items" in ctx and not ctx["items"]:
        raise ValueError(f"{kind} needs at least one item; an empty one is never sent")
    env = environment()
    subject, text, html = (
        env.get_template(f"{locale}/{kind}.{part}").render(ctx) for part in _PARTS
    )
    return RenderedEmail(subject=_one_line(subject), text=text.strip() + "\n", html=html)
