"""Rendering is generic: the caller's catalogue says where the templates are and what each
kind needs; the renderer checks the kind, the locale and the context and renders three parts.

On the two-kind test catalogue of ``tests/smtpkit.py`` (the programme's own emails are tested
in ``tests/workflows/emails/``): the subject is one line, the HTML part escapes what the text
part and the subject carry as is, a missing key fails loudly, an unknown kind or locale is
named with the valid ones, a digest of nothing is refused, and each template folder gets its
own cached environment.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from jinja2.exceptions import UndefinedError
from smtpkit import CATALOGUE

from notifications.render import environment, render_email

HOSTILE = '<b>Segera</b> & "cepat"'


@pytest.mark.parametrize(("locale", "greeting", "subject"), [
    ("id", "Halo", "Pemberitahuan untuk Dinas Kesehatan"),
    ("en", "Hello", "Notice for Dinas Kesehatan"),
])
def test_three_parts_in_the_asked_language(locale: str, greeting: str, subject: str) -> None:
    out = render_email(CATALOGUE, "notice", locale,
                       {"recipient_name": "Dinas Kesehatan", "comment": HOSTILE})
    assert out.subject == subject  # the template's line break collapsed
    assert out.text == f"{greeting} Dinas Kesehatan,\n\n{HOSTILE}\n"
    assert "&lt;b&gt;Segera&lt;/b&gt; &amp; &#34;cepat&#34;" in out.html
    assert "<b>" not in out.html and out.html.startswith("<!doctype html>")


def test_a_missing_key_fails_loudly() -> None:
    with pytest.raises(UndefinedError, match="comment"):
        render_email(CATALOGUE, "notice", "id", {"recipient_name": "Dinas Kesehatan"})


def test_unknown_kind_and_locale_name_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown email kind 'reminder_digest'; valid kinds: "
                                         "notice, digest"):
        render_email(CATALOGUE, "reminder_digest", "id", {})
    with pytest.raises(ValueError, match=r"unknown locale '\.\./id'; valid locales: id, en"):
        render_email(CATALOGUE, "notice", "../id", {})


def test_a_digest_of_nothing_is_refused_and_of_something_rendered() -> None:
    with pytest.raises(ValueError, match="digest needs at least one item"):
        render_email(CATALOGUE, "digest", "id", {"items": []})
    out = render_email(CATALOGUE, "digest", "en", {"items": ["Buku I", "Buku II"]})
    assert (out.subject, out.text) == ("List (2)", "- Buku I\n- Buku II\n")


def test_each_folder_has_its_own_cached_environment(tmp_path: Path) -> None:
    (tmp_path / "id").mkdir()
    for part, text in (("subject.txt", "Lain"), ("txt", "Teks lain"), ("html", "<p>lain</p>")):
        (tmp_path / "id" / f"notice.{part}").write_text(text, encoding="utf-8")
    other = replace(CATALOGUE, templates=tmp_path, locales=("id",))
    assert render_email(other, "notice", "id", {}).text == "Teks lain\n"
    assert render_email(CATALOGUE, "notice", "id", {"recipient_name": "A", "comment": "B"}
                        ).subject == "Pemberitahuan untuk A"
    assert environment(CATALOGUE.templates) is environment(CATALOGUE.templates)
    assert environment(tmp_path) is not environment(CATALOGUE.templates)
