"""Signing in: tokens for the API, the login form and session cookie, CSRF, email links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from webkit import PASSWORD, Web  # type: ignore[import-not-found]

from workflows import accounts, links


def test_token_grants_the_api_and_me_reports_the_directory_role(web: Web) -> None:
    me = web.api(web.region.mentor).get("/api/v1/me")
    assert me.status_code == 200
    body = me.json()
    assert (body["role"], body["regions"], body["is_admin"]) == ("mentor", ["64.71"], False)
    coordinator = web.api(web.world.COORDINATOR).get("/api/v1/me").json()
    assert coordinator["role"] == "coordinator" and coordinator["regions"] is None


def test_wrong_password_unknown_email_and_missing_token_are_401(web: Web) -> None:
    web.account(web.region.mentor)
    client = web.anonymous()
    for email, password in [(web.region.mentor, "not-the-password"),
                            ("nobody@example.go.id", PASSWORD)]:
        response = client.post("/api/v1/tokens", json={"email": email, "password": password})
        assert response.status_code == 401
        assert response.json()["detail"] == "wrong email address or password"
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer sct_forged"})
    assert bad.status_code == 401 and "unknown, revoked or expired" in bad.json()["detail"]
    basic = client.get("/api/v1/me", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401 and "Bearer <token>" in basic.json()["detail"]


def test_revoked_and_expired_tokens_stop_working(web: Web, clock: Any) -> None:
    api = web.api(web.region.opd)
    listed = api.get("/api/v1/tokens").json()
    assert len(listed) == 1 and listed[0]["name"] == "tests"
    assert api.delete(f"/api/v1/tokens/{listed[0]['id']}").status_code == 204
    assert api.get("/api/v1/me").status_code == 401
    fresh = web.api(web.region.opd)
    clock.advance(days=91)  # tokens default to 90 days
    assert fresh.get("/api/v1/me").status_code == 401


def test_password_change_revokes_tokens_and_sessions(web: Web) -> None:
    api = web.api(web.region.head)
    browser = web.browser(web.region.head)
    accounts.set_password(web.prog, web.region.head, "another-long-password")
    assert api.get("/api/v1/me").status_code == 401
    signed_out = browser.get("/")
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login?next=/"


def test_account_needs_a_registered_person_and_a_long_password(web: Web) -> None:
    admin = web.api(web.account("admin@komdigi.go.id", admin=True))
    short = admin.post("/api/v1/accounts", json={"email": web.region.mentor, "password": "x"})
    assert short.status_code == 422 and "at least 10 characters" in short.json()["detail"]
    stranger = admin.post("/api/v1/accounts", json={"email": "stranger@example.go.id",
                                                     "password": PASSWORD})
    assert stranger.status_code == 404 and "smartcity person add" in stranger.json()["detail"]
    made = admin.post("/api/v1/accounts", json={"email": web.region.mentor,
                                                 "password": PASSWORD})
    assert made.status_code == 201
    again = admin.post("/api/v1/accounts", json={"email": web.region.mentor,
                                                  "password": PASSWORD})
    assert again.status_code == 422 and "already has an account" in again.json()["detail"]
    # A non-admin may not manage accounts.
    refused = web.api(web.region.opd).get("/api/v1/accounts")
    assert refused.status_code == 403


def test_login_form_sets_a_session_and_logout_needs_the_csrf_token(web: Web) -> None:
    browser = web.browser(web.region.mentor)
    assert browser.get("/").headers["location"] == "/queue"
    forged = browser.post("/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 403 and "did not come from this site" in forged.text
    out = browser.post_form("/logout", page="/no-such-page")
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert browser.get("/").headers["location"] == "/login?next=/"


def test_wrong_password_on_the_form_is_a_401_page_with_the_reason(web: Web) -> None:
    web.account(web.region.opd)
    page = web.anonymous().post("/login", data={"email": web.region.opd, "password": "nope-nope",
                                                "next": "/opd"})
    assert page.status_code == 401
    assert "wrong email address or password" in page.text
    assert 'value="/opd"' in page.text


def test_login_never_redirects_off_site(web: Web) -> None:
    web.account(web.region.opd)
    client = web.anonymous()
    client.follow_redirects = False
    for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        response = client.post("/login", data={"email": web.region.opd, "password": PASSWORD,
                                               "next": target})
        assert response.headers["location"] == "/"


def test_email_link_signs_in_once_and_opens_the_item(web: Web, clock: Any) -> None:
    settings = web.prog.settings
    token = links.make_token(settings, web.region.opd, "/opd", clock())
    client = web.anonymous()
    client.follow_redirects = False
    first = client.get(f"/l/{token}")
    assert first.status_code == 303 and first.headers["location"] == "/opd"
    assert "sc_session" in first.cookies
    second = web.anonymous().get(f"/l/{token}", follow_redirects=False)
    assert second.status_code == 303 and second.headers["location"].startswith("/login")
    # An expired link and a tampered one are refused the same way.
    old = links.make_token(settings, web.region.opd, "/opd", clock() - timedelta(days=15))
    assert web.anonymous().get(f"/l/{old}", follow_redirects=False).status_code == 303
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert web.anonymous().get(f"/l/{tampered}", follow_redirects=False).status_code == 303
