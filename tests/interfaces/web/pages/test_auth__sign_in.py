"""Signing in: tokens for the API, the login form and session cookie, CSRF, email links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from webkit import PASSWORD, Browser, Web  # type: ignore[import-not-found]

from workflows.access import accounts, links


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
        assert response.json()["detail"] == "alamat email atau kata sandi salah"
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer sct_forged"})
    assert bad.status_code == 401 and "tidak dikenal, sudah dicabut" in bad.json()["detail"]
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
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login?next=%2F"


def test_account_needs_a_registered_person_and_a_long_password(web: Web) -> None:
    admin = web.api(web.account("admin@komdigi.go.id", admin=True))
    short = admin.post("/api/v1/accounts", json={"email": web.region.mentor, "password": "x"})
    assert short.status_code == 422 and "at least 10 characters" in short.json()["detail"]
    stranger = admin.post("/api/v1/accounts", json={"email": "stranger@example.go.id",
                                                     "password": PASSWORD})
    assert stranger.status_code == 404
    assert "register the person or the OPD first" in stranger.json()["detail"]
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
    assert forged.status_code == 403 and "tidak berasal dari situs ini" in forged.text
    out = browser.post_form("/logout", page="/no-such-page")
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert browser.get("/").headers["location"] == "/login?next=%2F"


def _form_client(web: Web) -> Browser:
    return Browser(web.app, raise_server_exceptions=False, follow_redirects=False)


def test_wrong_password_on_the_form_is_a_401_page_with_the_reason(web: Web) -> None:
    web.account(web.region.opd)
    client = _form_client(web)
    page = client.post("/login", data={"email": web.region.opd, "password": "nope-nope",
                                       "next": "/opd", "login_token": client.login_token()})
    assert page.status_code == 401
    assert "alamat email atau kata sandi salah" in page.text
    assert 'value="/opd"' in page.text


def test_the_login_form_refuses_a_post_without_its_own_token(web: Web) -> None:
    """Login CSRF: a hostile page cannot sign a visitor into someone else's account."""
    web.account(web.region.opd)
    client = _form_client(web)
    client.login_token()  # the cookie is set, but the form below does not carry the token
    forged = client.post("/login", data={"email": web.region.opd, "password": PASSWORD,
                                         "next": "/", "login_token": "forged"})
    assert forged.status_code == 403 and "sc_session" not in forged.cookies


def test_login_never_redirects_off_site(web: Web) -> None:
    web.account(web.region.opd)
    for target in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        client = _form_client(web)
        response = client.post("/login", data={"email": web.region.opd, "password": PASSWORD,
                                               "next": target,
                                               "login_token": client.login_token()})
        assert response.headers["location"] == "/"


def test_email_link_shows_a_button_and_signs_in_once_on_post(web: Web, clock: Any) -> None:
    settings = web.prog.settings
    token = links.make_token(settings, web.region.opd, "/opd", clock())
    client = _form_client(web)
    shown = client.get(f"/l/{token}")  # what a mail scanner does: uses nothing
    assert shown.status_code == 200 and web.region.opd in shown.text
    assert "sc_session" not in shown.cookies
    first = client.post(f"/l/{token}")
    assert first.status_code == 303 and first.headers["location"] == "/opd"
    assert "sc_session" in first.cookies
    # A used, expired or cut-short link shows the sign-in form with the reason, in the
    # reader's language, and opens the link's page once signed in (no redirect loop).
    second = _form_client(web).post(f"/l/{token}")
    assert second.status_code == 401 and "Tautan ini sudah dipakai" in second.text
    assert 'name="password"' in second.text and 'name="next" value="/opd"' in second.text
    assert "Tautan ini sudah dipakai" in _form_client(web).get(f"/l/{token}").text
    old = links.make_token(settings, web.region.opd, "/opd", clock() - timedelta(days=15))
    expired = _form_client(web).get(f"/l/{old}")
    assert expired.status_code == 401 and "sudah kedaluwarsa" in expired.text
    assert 'name="password"' in expired.text and "Lanjutkan dan masuk" not in expired.text
    english = _form_client(web).get(f"/l/{old}?lang=en")
    assert "This link has expired" in english.text
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert "tidak valid" in _form_client(web).post(f"/l/{tampered}").text


def test_a_password_change_voids_links_already_sent(web: Web, clock: Any) -> None:
    web.account(web.region.opd)
    token = links.make_token(web.prog.settings, web.region.opd, "/opd", clock())
    clock.advance(minutes=5)
    accounts.set_password(web.prog, web.region.opd, "another-long-password")
    for refused in (_form_client(web).get(f"/l/{token}"), _form_client(web).post(f"/l/{token}")):
        assert refused.status_code == 401 and "sebelum kata sandi akun diganti" in refused.text


def test_pages_ignore_an_authorization_header_and_bad_csrf_is_403_not_500(web: Web) -> None:
    client = _form_client(web)
    page = client.get("/login", headers={"Authorization": "Basic eDp5"})
    assert page.status_code == 200  # not a redirect to itself
    browser = web.browser(web.region.mentor)
    assert browser.post("/logout", data={"csrf_token": "é"}).status_code == 403


def test_login_redirect_keeps_the_whole_query(web: Web) -> None:
    client = _form_client(web)
    response = client.get("/board?cohort=2026&zone=WIB")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fboard%3Fcohort%3D2026%26zone%3DWIB"
