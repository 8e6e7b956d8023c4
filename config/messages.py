"""One message catalogue for every text a person reads: pages, emails, the API and the CLI.

The texts are gettext catalogues, ``config/locales/<lang>/LC_MESSAGES/<area>.po`` (one file per
area: ``base``, ``errors``, ``workflow``, ``region``, ...), the format every translator's tool
(Poedit, Weblate, Lokalize) opens; together they are one catalogue, and a key defined in two
files is an error. Their ``msgid`` is a stable key
(``"error.comment_required"``), not the English sentence: the programme is written in
Indonesian first, and a key lets either language's wording change without orphaning the
other. A test checks that both languages hold the same keys, that every key the code and the
templates use exists, and that every placeholder of a text is in its translation.

Placeholders are Python's ``{name}`` (``#, python-brace-format``). Plurals follow CLDR's rules
through Babel (:func:`plural`): a key ``k`` with forms ``k.one`` and ``k.other``; Indonesian has
only ``other``.

They are compiled to ``.mo`` (the binary form gettext reads) on install (``make`` runs
``python -m config.messages compile``), and read from there on first use, in a few
milliseconds; a ``.po`` edited since (or never compiled) is read from its text with Babel's
parser instead, so an edit shows at once and nothing is ever stale. Compiled files are not
kept in git.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Final

import config.language as language

LOCALES: Final = Path(__file__).resolve().parent / "locales"


def catalogue_files(lang: str) -> list[Path]:
    return sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))


def _compiled(path: Path) -> Path:
    return path.with_suffix(".mo")


def _read(path: Path, lang: str) -> dict[str, str]:
    """One area's texts by key: from its compiled form (the standard library's gettext reader,
    a few milliseconds) when that is at least as new as the text, else from the text itself
    (Babel's parser, which also reports a key defined twice within one file)."""
    compiled = _compiled(path)
    if compiled.exists() and compiled.stat().st_mtime >= path.stat().st_mtime:
        with compiled.open("rb") as handle:
            # ``_catalog`` is GNUTranslations' table of the file: the only way to list it.
            table = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        return {k: v for k, v in table.items() if isinstance(k, str) and k and v}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=path.stem)
    return {m.id: m.string for m in catalog
            if m.id and isinstance(m.id, str) and not m.fuzzy
            and isinstance(m.string, str) and m.string}


def compile_all() -> list[Path]:
    """Compile every ``.po`` of every language to its ``.mo``; the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for lang in language.LANGUAGES:
        for path in catalogue_files(lang):
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang, domain=path.stem)
            with _compiled(path).open("wb") as out:
                write_mo(out, catalog)
            written.append(_compiled(path))
    texts.cache_clear()
    return written


@cache
def texts(lang: str) -> dict[str, str]:
    """Every translated text of ``lang``, by key (untranslated and fuzzy entries left out)."""
    found: dict[str, str] = {}
    for path in catalogue_files(lang):
        for key, value in _read(path, lang).items():
            if key in found:
                raise ValueError(f"{path}: message {key!r} is defined twice")
            found[key] = value
    return found


def has(key: str, lang: str | None = None, /) -> bool:
    return key in texts(lang or language.current()) or key in texts(language.DEFAULT)


def text(key: str, lang: str | None = None, /, **params: object) -> str:
    """The text ``key`` in ``lang`` (default: the current language), its ``{placeholders}``
    filled. A key missing in English falls back to Indonesian; a key missing in both is
    returned as is (a test keeps that from happening)."""
    chosen = lang or language.current()
    found = texts(chosen).get(key)
    if found is None:
        found = texts(language.DEFAULT).get(key, key)
    return found.format(**params) if params else found


def plural(key: str, count: int, lang: str | None = None, /, **params: object) -> str:
    """The form of ``key`` for ``count`` under CLDR's plural rules (``key.one``,
    ``key.other``), with ``{count}`` among its placeholders."""
    from babel import Locale

    chosen = lang or language.current()
    form = Locale.parse(chosen).plural_form(abs(count))
    name = f"{key}.{form}"
    if not has(name, chosen):
        name = f"{key}.other"
    return text(name, chosen, count=count, **params)


def _shown(value: object) -> object:
    """A parameter as a sentence shows it: a list as ``a, b, c`` (each item in the current
    language when it is a label or a message)."""
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return value


class Message:
    """A text to be written later, in whatever language is current then: a catalogue key and
    its parameters.

    Errors carry one (``exc.message``), so the same failure reads in Indonesian on a page, in
    English in an API answer asked for with ``Accept-Language: en``, and in the operator's
    language on the command line, and a client can branch on ``key`` rather than on wording.
    Parameters may be labels (:class:`engine.Text`), other messages or lists of them; they
    are written out in the same language.
    """

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return text(self.key, **{k: _shown(v) for k, v in self.params.items()})

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Message) and (self.key, self.params)
                == (other.key, other.params))

    def __hash__(self) -> int:
        return hash(self.key)

    def in_(self, lang: str) -> str:
        from config.language import using

        with using(lang):
            return str(self)


def word(value: str) -> Message | str:
    """``value`` as a message when it is a catalogue key (a programme's word for its subjects,
    ``"word.regions"``), else as the literal text it is."""
    return Message(value) if has(value) else value


if __name__ == "__main__":  # python -m config.messages compile
    import sys

    if sys.argv[1:] != ["compile"]:
        sys.exit("usage: python -m config.messages compile")
    print(f"compiled {len(compile_all())} message catalogues")


class InSentence:
    """A label written inside a sentence: "cannot *withdraw the region*", not "cannot
    *Withdraw the region*" (its first letter lowered, unless it begins an acronym such as
    "MoU" or "OPD")."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        written = str(self.value)
        first = written.split(" ", 1)[0]
        if len(first) > 1 and first[0].isupper() and first[1:] == first[1:].lower():
            written = written[0].lower() + written[1:]
        return format(written, spec)

    def __str__(self) -> str:
        return format(self)
