"""``POST /api/v1/tokens`` under the sign-in throttle, on both backends: five wrong passwords
from one client, then 429 with ``Retry-After`` and the JSON error body (Indonesian unless
asked, the ``signin.throttled`` key in ``code``); another client gets its token at once."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from webkit import PASSWORD, Web  # type: ignore[import-not-found]

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
