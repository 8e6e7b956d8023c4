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

The ``.po`` files are read with Babel's parser on first use and kept in memory: there is no
compiled ``.mo`` to forget to rebuild after an edit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from config import language

LOCALES: Final = Path(__file__).resolve().parent / "locales"


def catalogue_files(lang: str) -> list[Path]:
    return sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))


@cache
def texts(lang: str) -> dict[str, str]:
    """Every translated text of ``lang``, by key (untranslated and fuzzy entries left out)."""
    from babel.messages.pofile import read_po

    found: dict[str, str] = {}
    for path in catalogue_files(lang):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang, domain=path.stem)
        for message in catalog:
            if not message.id or message.fuzzy or not isinstance(message.id, str):
                continue
            if message.id in found:
                raise ValueError(f"{path}: message {message.id!r} is defined twice")
            if isinstance(message.string, str) and message.string:
                found[message.id] = message.string
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
