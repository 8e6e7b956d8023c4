"""Both interface languages hold the same texts, and ``?lang=`` switches and sticks.

The page is rendered on SQLite only, as in tests/interfaces/web/pages.
"""

from __future__ import annotations

import pytest
from webkit import Web  # type: ignore[import-not-found]

from interfaces.web import i18n


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """A fresh, initialised SQLite database: a rendered page does not depend on the backend."""
    return sqlite_database_url


def test_indonesian_and_english_define_the_same_keys() -> None:
    indonesian, english = i18n.load("id").texts, i18n.load("en").texts
    assert sorted(set(indonesian) - set(english)) == []
    assert sorted(set(english) - set(indonesian)) == []


def test_indonesian_by_default_and_lang_switches_with_a_cookie(web: Web) -> None:
    client = web.anonymous()
    assert "Kata sandi" in client.get("/login").text
    english = client.get("/login?lang=en")
    assert "Password" in english.text and english.cookies.get("sc_lang") == "en"
    assert "Password" in client.get("/login").text  # the cookie keeps it
