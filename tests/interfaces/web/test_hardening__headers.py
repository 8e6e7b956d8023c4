"""Security headers (interfaces/web/hardening.py): framing, nosniff, referrer policy and
no-store on what is private, on compressed and plain answers alike; a response's own
Cache-Control and Content-Security-Policy kept; HSTS only behind secure cookies."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from webkit import Web  # type: ignore[import-not-found]

from config.settings import Settings
from interfaces.web.app import create_app
from interfaces.web.lean import STATIC_CACHE
from interfaces.web.pages.map_geometry import CACHE_CONTROL as GEOMETRY_CACHE
from notifications.sink import MailSink
from workflows.programme import Programme

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """Headers do not depend on the backend."""
    return sqlite_database_url


def assert_framing_denied(headers: object) -> None:
    assert headers["x-frame-options"] == "DENY"  # type: ignore[index]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]  # type: ignore[index]


def test_a_signed_in_page_is_not_cached_framed_or_sniffed(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    for headers in (GZIP, PLAIN):
        response = browser.get(f"/regions/{web.region.code}", headers=headers)
        assert response.status_code == 200
        assert_framing_denied(response.headers)
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # plain HTTP: none
    assert browser.get(f"/regions/{web.region.code}", headers=GZIP).headers[
        "content-encoding"] == "gzip"
    # A redirect and an error page, signed in, carry them too.
    missing = browser.get("/regions/99.99")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"
    assert_framing_denied(missing.headers)


def test_the_login_page_is_not_cached_and_token_pages_send_no_referrer(web: Web) -> None:
    anonymous = web.anonymous()
    login = anonymous.get("/login")
    assert login.status_code == 200
    assert_framing_denied(login.headers)
    assert login.headers["x-content-type-options"] == "nosniff"
    assert login.headers["cache-control"] == "no-store"  # it holds a login token
    assert login.headers["referrer-policy"] == "same-origin"
    for url in ("/l/not-a-real-sign-in-link-0123456789", "/password/not-a-real-token-0123"):
        page = anonymous.get(url, follow_redirects=False)
        assert page.headers["referrer-policy"] == "no-referrer", url
        assert page.headers["x-content-type-options"] == "nosniff", url


def test_static_files_and_the_map_keep_their_public_cache(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)  # the session cookie goes with them too
    style = browser.get("/static/app.css", headers=GZIP)
    assert style.status_code == 200 and style.headers["cache-control"] == STATIC_CACHE
    assert style.headers["x-content-type-options"] == "nosniff"
    assert "x-frame-options" not in style.headers
    again = browser.get("/static/app.css", headers={"If-None-Match": style.headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"] == STATIC_CACHE
    assert again.headers["x-content-type-options"] == "nosniff"
    geometry = browser.get("/map/geometry.svg")
    assert geometry.status_code == 200 and geometry.headers["cache-control"] == GEOMETRY_CACHE
    assert geometry.headers["x-content-type-options"] == "nosniff"


def test_api_answers_are_not_stored(web: Web) -> None:
    answer = web.api(web.world.COORDINATOR).get(f"/api/v1/regions/{web.region.code}",
                                                headers=GZIP)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"
    refused = web.anonymous().get(f"/api/v1/regions/{web.region.code}")
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"


def test_an_unexpected_error_carries_the_headers(web: Web) -> None:
    def boom() -> None:
        raise RuntimeError("a bug")

    web.app.add_api_route("/api/v1/boom", boom)
    web.app.add_api_route("/boom", boom)
    for url in ("/api/v1/boom", "/boom"):
        answer = web.anonymous().get(url)
        assert answer.status_code == 500, url
        assert answer.headers["x-content-type-options"] == "nosniff", url
        assert answer.headers["referrer-policy"] == "same-origin", url
    assert web.anonymous().get("/api/v1/boom").headers["cache-control"] == "no-store"


def test_the_mailbox_keeps_its_own_policies(web: Web) -> None:
    sink = MailSink()
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "noreply@smartcity.example.go.id", web.world.COORDINATOR, "Pengingat")
    message.set_content("Tenggat besok.")
    message.add_alternative("<p>Tenggat <b>besok</b>.</p>", subtype="html")
    raw = bytes(message)
    envelope = SimpleNamespace(original_content=raw, content=raw, rcpt_tos=[
        web.world.COORDINATOR], mail_from="noreply@smartcity.example.go.id")
    assert asyncio.run(sink.handle_DATA(None, None, envelope)).startswith("250")
    browser = type(web)(web.world, web.region, mailbox=sink).browser(web.world.COORDINATOR)

    page = browser.get("/mailbox/1")
    assert page.status_code == 200 and "<iframe" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'none'" in policy and policy.count("frame-ancestors") == 1
    assert page.headers["referrer-policy"] == "no-referrer"  # its own, stricter
    assert page.headers["x-frame-options"] == "DENY"

    text = browser.get("/mailbox/1/raw")
    assert text.headers["content-security-policy"] == (
        "sandbox; default-src 'none'; frame-ancestors 'none'")
    assert text.headers["x-frame-options"] == "DENY"
    assert text.headers["cache-control"] == "no-store"


def test_hsts_only_when_cookies_are_secure(database_url: str, tmp_path: Path,
                                           clock: object) -> None:
    for secure, expected in ((True, "max-age=31536000"), (False, None)):
        prog = Programme(Settings(data_dir=tmp_path, database_url=database_url,
                                  secure_cookies=secure), clock=clock)  # type: ignore[arg-type]
        try:
            client = TestClient(create_app(prog), raise_server_exceptions=False)
            for url in ("/login", "/static/app.css"):
                assert client.get(url).headers.get("strict-transport-security") == expected
        finally:
            prog.close()
