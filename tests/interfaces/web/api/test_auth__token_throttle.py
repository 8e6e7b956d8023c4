"""``POST /api/v1/tokens`` under the sign-in throttle, on both backends: five wrong passwords
from one client, then 429 with ``Retry-After`` and the JSON error body (Indonesian unless
asked, the ``signin.throttled`` key in ``code``); another client gets its token at once; a
client that keeps the known-device cookie of its first token is spared the address's shared
cap."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from webkit import PASSWORD, Web  # type: ignore[import-not-found]

from engine import NotAuthenticated
from workflows.access import accounts, known_devices, throttle

STRANGER, OWNER = ("198.51.100.7", 40001), ("2001:db8:7:1::5", 40002)


def _client(web: Web, client: tuple[str, int]) -> TestClient:
    return TestClient(web.app, raise_server_exceptions=False, client=client)


def test_a_delayed_client_gets_429_and_another_gets_its_token(web: Web, clock: Any) -> None:
    email = web.account(web.region.mentor)
    stranger = _client(web, STRANGER)
    for _ in range(5):
        wrong = stranger.post("/api/v1/tokens", json={"email": email, "password": "nope"})
        assert wrong.status_code == 401 and wrong.json()["code"] == "signin.wrong"
    clock.advance(seconds=1)
    wrong = stranger.post("/api/v1/tokens", json={"email": email, "password": "nope"})
    assert wrong.status_code == 401  # the sixth failure: two seconds to wait now
    delayed = stranger.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert delayed.status_code == 429 and delayed.headers["retry-after"] == "2"
    assert "www-authenticate" not in delayed.headers
    assert delayed.json() == {
        "detail": f"terlalu banyak kata sandi salah untuk {email}; coba lagi dalam 2 detik, "
                  "atau buka tautan dari email",
        "error": "SignInThrottled", "code": "signin.throttled"}
    english = stranger.post("/api/v1/tokens", headers={"Accept-Language": "en"},
                            json={"email": email, "password": PASSWORD})
    assert english.status_code == 429 and "try again in 2 seconds" in english.json()["detail"]
    assert _client(web, OWNER).post("/api/v1/tokens", json={
        "email": email, "password": PASSWORD}).status_code == 201
    clock.advance(seconds=2)
    assert stranger.post("/api/v1/tokens", json={
        "email": email, "password": PASSWORD}).status_code == 201


def test_a_client_keeping_its_device_cookie_is_spared_the_address_cap(web: Web) -> None:
    email = web.account(web.region.mentor)
    owner = _client(web, OWNER)
    first = owner.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert first.status_code == 201 and known_devices.COOKIE in owner.cookies
    assert "httponly" in first.headers["set-cookie"].lower()
    for n in range(throttle.ADDRESS_FAILURES_FREE):  # guessing from a hundred networks
        try:
            with accounts.signing_in(web.prog, email, "not-the-password", f"10.{n}.0.1"):
                pass
        except NotAuthenticated:
            pass
    newcomer = _client(web, ("198.51.100.99", 40003))
    assert newcomer.post("/api/v1/tokens", json={
        "email": email, "password": PASSWORD}).status_code == 429
    assert owner.post("/api/v1/tokens", json={
        "email": email, "password": PASSWORD}).status_code == 201  # with its cookie
    other = known_devices.issue(web.prog.settings, "someone@else.go.id", web.prog.engine.clock())
    newcomer.cookies.set(known_devices.COOKIE, other)  # another address's: no exemption
    assert newcomer.post("/api/v1/tokens", json={
        "email": email, "password": PASSWORD}).status_code == 429
