"""The language a text is being written in: one per request, email or command, never global.

Every text a person sees is in their language: a page in the viewer's, an email in its
recipient's, an API error in the ``Accept-Language`` asked for, a command's output in
``SMARTCITY_LANG`` (else the terminal's locale). Rather than thread a ``lang`` argument through
every function that names a stage or words an error, the language is held in a
:class:`contextvars.ContextVar` (as Django's ``translation.activate`` and Babel's
``force_locale`` do): whoever starts the work (the web middleware, the mail sweep for each
recipient, the command line) sets it with :func:`using`, and everything below reads it with
:func:`current`. A context variable is per thread and per asyncio task, so two requests in
two languages never see each other's.

Bahasa Indonesia is the default and the language every text must exist in; English falls back
to it where a definition gives no English.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

#: The languages the programme is written in; the first is the default and always present.
LANGUAGES: Final = ("id", "en")
DEFAULT: Final = "id"

_current: ContextVar[str] = ContextVar("smartcity_language", default=DEFAULT)


def current() -> str:
    """The language of the text being written now (``"id"`` unless someone chose another)."""
    return _current.get()


def pick(*candidates: str | None) -> str:
    """The first candidate that is a known language, by its primary tag (``en-US`` -> ``en``),
    else the default."""
    for candidate in candidates:
        if not candidate:
            continue
        tag = candidate.replace("_", "-").split("-")[0].strip().lower()
        if tag in LANGUAGES:
            return tag
    return DEFAULT


def from_accept_language(header: str | None) -> str:
    """The best of our languages for an HTTP ``Accept-Language`` header (RFC 9110 weights)."""
    if not header:
        return DEFAULT
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag))
    for _, _, tag in sorted(ranked):
        if pick(tag) != DEFAULT or tag.lower().startswith(DEFAULT):
            return pick(tag)
    return DEFAULT


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """A command's language: ``SMARTCITY_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``) when it is one of ours, else Indonesian."""
    env = os.environ if environ is None else environ
    if env.get("SMARTCITY_LANG"):
        return pick(env["SMARTCITY_LANG"])
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return pick(value)
    return DEFAULT


@contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Write in ``lang`` (an unknown or empty one means the default) until the block ends."""
    chosen = pick(lang)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def activate(lang: str | None) -> str:
    """Set the language for the rest of this context (a command's whole run)."""
    chosen = pick(lang)
    _current.set(chosen)
    return chosen
