"""The interface's two languages: Bahasa Indonesia (default) and English.

Texts live in ``locales/<lang>/*.yaml`` (one file per page area) as flat ``key: text`` maps,
with ``{name}`` placeholders filled by :meth:`Catalog.t`. A key defined twice is an error. Both
languages must hold the same keys (a test checks it), so a missing translation is caught
before a user sees a raw key. The language of a request is the
``sc_lang`` cookie (set by ``?lang=``), else the account's, else Indonesian.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LOCALES = ("id", "en")
DEFAULT = "id"
HERE = Path(__file__).resolve().parent / "locales"


class Catalog:
    def __init__(self, lang: str, texts: dict[str, str]) -> None:
        self.lang = lang
        self.texts = texts

    def t(self, key: str, **values: object) -> str:
        text = self.texts.get(key, key)
        return text.format(**values) if values else text


@cache
def load(lang: str) -> Catalog:
    if lang not in LOCALES:
        lang = DEFAULT
    texts: dict[str, str] = {}
    for path in sorted((HERE / lang).glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            found = yaml.safe_load(handle) or {}
        for key, text in found.items():
            if str(key) in texts:
                raise ValueError(f"{path}: text {key!r} is defined twice")
            texts[str(key)] = str(text)
    return Catalog(lang, texts)


def choose(query: str | None, cookie: str | None, account: str | None) -> str:
    for candidate in (query, cookie, account):
        if candidate in LOCALES:
            return candidate
    return DEFAULT
