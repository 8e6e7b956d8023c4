"""The one message catalogue: both languages complete, placeholders kept, every key used exists.

Proves that the gettext catalogues (``config/locales/<lang>/LC_MESSAGES/*.po``) hold the same
keys in Indonesian and English, each with a text; that a translation keeps exactly the
``{placeholders}`` of the other language (a missing one would drop a fact, an extra one would
raise when formatted); that every key the code and the templates name (``t("...")``,
``text("...")``, ``Message("...")``, errors raised with a key) is in the catalogue (a plural by
its ``.other`` form); that a key
defined twice is refused; and that plurals follow CLDR through Babel.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from config import language, messages

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("engine", "workflows", "notifications", "interfaces", "config")
#: A literal key where the code names one: t("key"), text("key"), Message("key"),
#: SomeError("key", ...), plural("key", ...). Keys are dotted lower-case words.
_USED = re.compile(
    r"""(?:\bt|\bn|\btext|\bplural|\bMessage|\bhas|\bword|Error|Denied|Failed|Allowed|"""
    r"""NotAuthenticated|Unavailable)\(\s*["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_hold_the_same_keys_each_with_a_text() -> None:
    indonesian, english = messages.texts("id"), messages.texts("en")
    assert sorted(set(indonesian) - set(english)) == []
    assert sorted(set(english) - set(indonesian)) == []
    assert all(text.strip() for text in [*indonesian.values(), *english.values()])


def test_every_translation_keeps_the_placeholders() -> None:
    indonesian, english = messages.texts("id"), messages.texts("en")
    differ = {key: (sorted(_placeholders(indonesian[key])), sorted(_placeholders(text)))
              for key, text in english.items()
              if _placeholders(indonesian[key]) != _placeholders(text)}
    assert differ == {}


def test_every_key_the_code_and_templates_use_is_in_the_catalogue() -> None:
    known = set(messages.texts("id"))
    missing: dict[str, list[str]] = {}
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".txt", ".svg") or "locales" in path.parts:
                continue
            for key in _USED.findall(path.read_text("utf-8", errors="replace")):
                if key not in known and f"{key}.other" not in known \
                        and not key.endswith((".", "_")):
                    missing.setdefault(key, []).append(str(path.relative_to(ROOT)))
    # Keys built at run time (role.<role>, board.tone.<tone>) are checked by the page tests.
    assert missing == {}


def test_a_key_defined_twice_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "a.po").write_text('msgid "k.one"\nmsgstr "satu"\n', "utf-8")
    (folder / "b.po").write_text('msgid "k.one"\nmsgstr "dua"\n', "utf-8")
    monkeypatch.setattr(messages, "LOCALES", tmp_path)
    messages.texts.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            messages.texts("xx")
    finally:
        messages.texts.cache_clear()


def test_text_is_written_in_the_current_language_with_its_parameters() -> None:
    with language.using("id"):
        assert messages.text("date.at_time", date="Senin", time="08.00", zone="WIB") == (
            "Senin pukul 08.00 WIB")
    with language.using("en"):
        assert messages.text("date.at_time", date="Monday", time="08:00", zone="WIB") == (
            "Monday at 08:00 WIB")
    assert messages.text("no.such.key") == "no.such.key"


def test_a_message_is_written_when_it_is_read_not_when_it_is_made() -> None:
    made = messages.Message("engine.comment_required", action="Tolak")
    assert made.in_("id").startswith("catatan wajib diisi")
    assert made.in_("en").startswith("a comment is required")
    with language.using("id"):
        assert str(made) == made.in_("id")


def test_plurals_follow_cldr_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {"id": {"x.days.other": "{count} hari"},
             "en": {"x.days.one": "{count} day", "x.days.other": "{count} days"}}
    monkeypatch.setattr(messages, "texts", lambda lang: texts[lang])
    assert messages.plural("x.days", 1, "en") == "1 day"
    assert messages.plural("x.days", 3, "en") == "3 days"
    assert messages.plural("x.days", 1, "id") == "1 hari"  # Indonesian has no plural form
