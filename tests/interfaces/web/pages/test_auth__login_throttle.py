"""The login form under the sign-in throttle: after five wrong passwords from one client the
form answers 429 with the wait in Indonesian (and ``Retry-After``) without checking the
password, while the same person signs in at once from another client; a browser that signed in
keeps a known-device cookie (HttpOnly, SameSite=Lax, Secure behind TLS) that the address's
shared cap does not delay."""

from __future__ import annotations

from typing import Any

from webkit import PASSWORD, Browser, Web  # type: ignore[import-not-found]

from engine import NotAuthenticated
from workflows.access import accounts, known_devices, throttle

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


def _set_cookie(response: Any, name: str) -> list[str]:
    """The attributes of the ``Set-Cookie`` header for ``name``, lower-case."""
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(found) == 1, found
    return [part.strip().lower() for part in found[0].split(";")[1:]]


def test_a_browser_that_signed_in_is_a_known_device_the_address_cap_spares(
        web: Web, clock: Any) -> None:
    email = web.account(web.region.opd)
    owner = _form(web, OWNER)
    first = _post(owner, email, PASSWORD)
    assert first.status_code == 303
    attributes = _set_cookie(first, known_devices.COOKIE)
    assert {"httponly", "samesite=lax", "path=/", "max-age=31536000"} <= set(attributes)
    assert "secure" not in attributes  # plain HTTP here: see the next test
    for n in range(throttle.ADDRESS_FAILURES_FREE):  # guessing from a hundred networks
        try:
            with accounts.signing_in(web.prog, email, "not-the-password", f"10.{n}.0.1"):
                pass
        except NotAuthenticated:
            pass
    newcomer = _post(_form(web, ("203.0.113.99", 40003)), email, PASSWORD)
    assert newcomer.status_code == 429 and newcomer.headers["retry-after"] == "1"
    again = _post(owner, email, PASSWORD)  # the owner's browser sends its device cookie
    assert again.status_code == 303 and "sc_session" in again.cookies
    owner.cookies.delete(known_devices.COOKIE)
    assert _post(owner, email, PASSWORD).status_code == 429  # without it: a newcomer


def test_the_device_cookie_is_secure_behind_tls(web: Web, make_prog: Any, world_type: Any,
                                                tmp_path: Any) -> None:
    secure = Web(world_type(make_prog(secure_cookies=True), tmp_path / "tls"), web.region)
    email = secure.account(web.region.opd)
    browser = Browser(secure.app, base_url="https://testserver", follow_redirects=False)
    signed_in = _post(browser, email, PASSWORD)
    assert signed_in.status_code == 303
    assert {"secure", "httponly", "samesite=lax"} <= set(
        _set_cookie(signed_in, known_devices.COOKIE))
