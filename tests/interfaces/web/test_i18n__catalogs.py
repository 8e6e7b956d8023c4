"""Both interface languages hold the same texts; ``?lang=`` switches and sticks (for a signed-in
account, as its own language, emails included); the browser's language counts until then.

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


def test_an_account_reads_its_own_language_from_sign_in_and_choosing_one_keeps_it(
        web: Web) -> None:
    from sqlmodel import select

    from workflows.access.models import Account

    email = web.region.opd
    web.account(email)
    with web.prog.db.transaction() as session:
        session.execute(select(Account).where(Account.email == email)).scalar_one().locale = "en"
    client = web.browser(email)
    assert client.cookies.get("sc_lang") == "en"  # set at sign-in, from the account
    assert "Sign out" in client.get("/opd").text

    indonesian = client.get("/opd?lang=id")
    assert indonesian.status_code == 200 and "Keluar" in indonesian.text
    with web.prog.db.read() as session:
        account = session.execute(select(Account).where(Account.email == email)).scalar_one()
    assert account.locale == "id"  # the choice is the account's: its emails follow it


def test_the_browser_language_is_used_before_anyone_chooses(web: Web) -> None:
    client = web.anonymous()
    client.headers["Accept-Language"] = "en-GB,en;q=0.9,id;q=0.5"
    assert "Password" in client.get("/login").text
    client.headers["Accept-Language"] = "id-ID,id;q=0.9,en;q=0.8"
    assert "Kata sandi" in client.get("/login").text
