"""Render emails (subject, plain text, HTML) from a catalogue of Jinja2 templates.

What the emails say belongs to the caller: a :class:`Catalogue` names a template folder, its
kinds with the context keys each one requires, and its locales. The programme's catalogue is
``workflows.emails.catalogue.EMAILS``; this module knows none of its kinds. A catalogue's folder
is laid out as::

    _layout.html                    shared HTML frame (extended by every HTML part)
    <locale>/_phrases.txt           per-locale macros, if the catalogue wants any
    <locale>/<kind>.subject.txt     subject, rendered as text and collapsed to one line
    <locale>/<kind>.txt             plain-text body
    <locale>/<kind>.html            HTML body

Translations are one template file per kind, locale and part rather than gettext catalogs:
system emails with few locales and short texts, so a translator edits a whole, readable email
instead of isolated ``.po`` strings.

One :class:`jinja2.Environment` is built per folder and cached (templates are compiled once):

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

__all__ = ["Catalogue", "RenderedEmail", "environment", "render_email"]

_PARTS: Final = ("subject.txt", "txt", "html")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The emails one caller sends: where their templates are, and what each kind needs.

    ``kinds`` maps every kind to the context keys it requires (documentation and a fast
    check); ``digests`` are the kinds whose ``items`` list must not be empty (a digest of
    nothing is never sent); ``locales`` are the languages with a full set of templates.
    """

    templates: Path
    kinds: Mapping[str, tuple[str, ...]]
    locales: tuple[str, ...]
    digests: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """A rendered email: a one-line subject, a plain-text body and an HTML body."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=8)
def environment(templates: Path) -> Environment:
    """The cached Jinja2 environment of one template folder (Jinja2 itself loads here, with
    the first email: a command that sends none never pays for it)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(templates),
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


def render_email(catalogue: Catalogue, kind: str, locale: str,
                 context: Mapping[str, Any]) -> RenderedEmail:
    """Render the subject, text and HTML parts of ``catalogue``'s email ``kind`` in ``locale``.

    ``context`` holds the keys the catalogue lists for the kind. Raises :class:`ValueError`
    for an unknown kind or locale (naming the valid ones) or a digest with no items, and
    :class:`jinja2.exceptions.UndefinedError` when the context lacks a key the templates use.
    """
    if kind not in catalogue.kinds:
        raise ValueError(f"unknown email kind {kind!r}; valid kinds: "
                         f"{', '.join(catalogue.kinds)}")
    if locale not in catalogue.locales:
        raise ValueError(f"unknown locale {locale!r}; valid locales: "
                         f"{', '.join(catalogue.locales)}")
    ctx = dict(context)
    if kind in catalogue.digests and "items" in ctx and not ctx["items"]:
        raise ValueError(f"{kind} needs at least one item; an empty one is never sent")
    env = environment(catalogue.templates)
    subject, text, html = (
        env.get_template(f"{locale}/{kind}.{part}").render(ctx) for part in _PARTS
    )
    return RenderedEmail(subject=_one_line(subject), text=text.strip() + "\n", html=html)
