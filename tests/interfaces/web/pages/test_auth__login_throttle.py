"""The login form under the sign-in throttle: after five wrong passwords from one client the
form answers 429 with the wait in Indonesian (and ``Retry-After``) without checking the
password, while the same person signs in at once from another client."""

from __future__ import annotations

from typing import Any

from webkit import PASSWORD, Browser, Web  # type: ignore[import-not-found]

STRANGER, OWNER = ("198.51.100.7", 40001), ("203.0.113.20", 40002)


def _form(web: Web, client: tuple[str, int]) -> Browser:
    return Browser(web.app, raise_server_exceptions=False, follow_redirects=False,
                   client=client)


def _post(browser: Browser, email: str, password: str) -> Any:
    return browser.post("/login", data={"email": email, "password": password, "next": "/opd",
                                        "login_token": browser.login_token()})


def test_a_delayed_client_gets_429_in_indonesian_and_another_signs_in(
        web: Web, clock: Any) -> None:
    email = web.account(web.region.opd)
    stranger = _form(web, STRANGER)
    for _ in range(5):
        wrong = _post(stranger, email, "not-the-password")
        assert wrong.status_code == 401 and "alamat email atau kata sandi salah" in wrong.text
    delayed = _post(stranger, email, PASSWORD)  # the right password, not even checked
    assert delayed.status_code == 429 and delayed.headers["retry-after"] == "1"
    assert (f"terlalu banyak kata sandi salah untuk {email}; coba lagi dalam 1 detik"
            in delayed.text)
    assert 'name="password"' in delayed.text and "sc_session" not in delayed.cookies
    signed_in = _post(_form(web, OWNER), email, PASSWORD)
    assert signed_in.status_code == 303 and "sc_session" in signed_in.cookies
    clock.advance(seconds=1)
    after = _post(stranger, email, PASSWORD)
    assert after.status_code == 303 and after.headers["location"] == "/opd"


def test_the_wait_reads_in_english_when_asked(web: Web, clock: Any) -> None:
    email = web.account(web.region.opd)
    stranger = _form(web, STRANGER)
    for _ in range(11):
        clock.advance(minutes=20)
        _post(stranger, email, "not-the-password")
    delayed = stranger.post("/login?lang=en", data={
        "email": email, "password": PASSWORD, "next": "/", "login_token": stranger.login_token()})
    assert delayed.status_code == 429 and delayed.headers["retry-after"] == "64"
    assert "too many wrong passwords" in delayed.text and "try again in 2 minutes" in delayed.text
