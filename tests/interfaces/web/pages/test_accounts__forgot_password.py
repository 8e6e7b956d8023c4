""""Lupa kata sandi": the sign-in page links to it; it answers the same page whether the address
has an account, a registration only, a disabled account or nothing (no one learns who is
registered); the ``password_reset`` email goes in the account's language, at most once a quarter
of an hour; its link expires after a day, works once, and a new password voids the links sent
before it; a link that no longer works shows the sign-in form with the reason."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from webkit import PASSWORD, Web  # type: ignore[import-not-found]

from notifications import outbox
from workflows.access import accounts, links

NEW_PASSWORD = "kata-sandi-baru-yang-panjang"
LINK = re.compile(r"http://[^\s\"<>]+/password/[A-Za-z0-9_.\-]+")


def resets(web: Web, recipient: str | None = None) -> list[Any]:
    return sorted((m for m in outbox.listing(web.prog.db, None, 500)
                   if m.kind == "password_reset" and recipient in (None, m.recipient)),
                  key=lambda m: m.id)


def path_of(message: Any) -> str:
    found = LINK.search(message.text_body)
    assert found, message.text_body
    return urlsplit(found.group(0)).path


def form_token(page: Any) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def ask(web: Web, email: str, lang: str = "") -> Any:
    client = web.anonymous()
    form = client.get("/password/forgot" + (f"?lang={lang}" if lang else ""))
    assert form.status_code == 200
    return client.post("/password/forgot", data={"email": email,
                                                 "form_token": form_token(form)})


def choose(web: Web, path: str, password: str = NEW_PASSWORD) -> Any:
    client = web.anonymous()
    form = client.get(path)  # a link that no longer works shows the sign-in form instead
    token = form_token(form) if form.status_code == 200 else "none"
    return client.post(path, data={"password": password, "repeated": password,
                                   "form_token": token}, follow_redirects=False)


def answer(page: Any) -> str:
    """The page's text without the form's random token."""
    return re.sub(r'value="[^"]*"', "", page.text)


def test_the_login_page_links_to_it_and_tells_how_to_get_a_password(web: Web) -> None:
    login = web.anonymous().get("/login").text
    assert '<a href="/password/forgot">Lupa kata sandi?</a>' in login
    assert "pilih «Lupa kata sandi»" in login and "minta koordinator" not in login


def test_the_same_answer_for_every_address_and_mail_only_to_who_may_have_a_password(
        web: Web) -> None:
    web.account(web.region.mentor)  # an account with a password
    web.account(web.region.head)
    accounts.set_disabled(web.prog, web.region.head, True)
    pages = [ask(web, email) for email in (
        web.region.mentor,            # an account
        web.region.opd,               # registered, no account yet
        web.region.head,              # a disabled account
        "nobody@pemda.go.id",         # unknown
        "not an address",             # malformed
    )]
    assert {p.status_code for p in pages} == {200}
    assert len({answer(p) for p in pages}) == 1  # word for word the same page
    assert "Jika alamat itu terdaftar" in pages[0].text and "24 jam" in pages[0].text
    assert [m.recipient for m in resets(web)] == [web.region.mentor, web.region.opd]
    mail = resets(web, web.region.mentor)[0]
    assert mail.subject == "Atur kata sandi akun Gerakan Menuju 100 Smart City"
    assert "Jika Anda tidak memintanya, abaikan email ini" in mail.text_body

    assert len({answer(ask(web, email, "en")) for email in (
        web.region.mentor, "nobody@pemda.go.id")}) == 1


def test_the_reset_sets_a_new_password_signs_in_and_voids_older_links(web: Web,
                                                                      clock: Any) -> None:
    mentor = web.region.mentor
    old_session = web.browser(mentor)
    sign_in_link = links.make_token(web.prog.settings, mentor, "/queue", clock())
    ask(web, mentor)
    clock.advance(minutes=1)
    done = choose(web, path_of(resets(web, mentor)[0]))
    assert done.status_code == 303 and "sc_session" in done.cookies
    assert old_session.get("/queue", follow_redirects=False).status_code == 303  # signed out
    assert web.anonymous().post("/api/v1/tokens", json={
        "email": mentor, "password": PASSWORD}).status_code == 401
    assert web.anonymous().post("/api/v1/tokens", json={
        "email": mentor, "password": NEW_PASSWORD, "name": "t"}).status_code == 201
    refused = web.anonymous().get(f"/l/{sign_in_link}")
    assert refused.status_code == 401 and "sebelum kata sandi akun diganti" in refused.text


def test_an_address_with_no_account_gets_one_in_the_language_it_asked_in(web: Web) -> None:
    opd = web.region.opd
    ask(web, opd, "en")
    [mail] = resets(web, opd)
    assert mail.subject == "Set the password of your Gerakan Menuju 100 Smart City account"
    done = choose(web, path_of(mail))
    assert done.status_code == 303
    created = next(a for a in accounts.listing(web.prog) if a.email == opd)
    assert created.locale == "en" and not created.password_hash.startswith("!")


def test_one_email_a_quarter_hour_and_links_that_expire_or_were_used(web: Web,
                                                                     clock: Any) -> None:
    mentor = web.account(web.region.mentor)
    ask(web, mentor)
    ask(web, mentor)
    assert len(resets(web, mentor)) == 1  # a form sent again and again mails once
    clock.advance(minutes=16)
    ask(web, mentor)
    _, second = resets(web, mentor)
    assert choose(web, path_of(second)).status_code == 303
    used = web.anonymous().get(path_of(second))
    assert used.status_code == 401 and "Tautan ini sudah dipakai" in used.text
    assert 'name="password"' in used.text and 'href="/password/forgot"' in used.text
    again = choose(web, path_of(second))
    assert again.status_code == 401 and "Tautan ini sudah dipakai" in again.text

    clock.advance(minutes=20)
    ask(web, mentor)
    third = resets(web, mentor)[-1]
    clock.advance(hours=links.RESET_HOURS, seconds=1)
    expired = web.anonymous().get(path_of(third))
    assert expired.status_code == 401 and "Tautan ini sudah kedaluwarsa" in expired.text
    english = web.anonymous().get(path_of(third) + "?lang=en")
    assert "This link has expired" in english.text
    assert choose(web, path_of(third)).status_code == 401

    forged = path_of(third)[:-3] + "xyz"
    assert "Tautan ini tidak valid" in web.anonymous().get(forged).text
    # a sign-in link is no password link, though both are signed with the same key
    sign_in = links.make_token(web.prog.settings, mentor, "/queue", clock() - timedelta(1))
    assert "tidak valid" in web.anonymous().get(f"/password/{sign_in}").text


def test_the_form_needs_its_own_token(web: Web) -> None:
    client = web.anonymous()
    refused = client.post("/password/forgot", data={"email": web.region.opd,
                                                    "form_token": "forged"})
    assert refused.status_code == 403 and "Formulir sudah kedaluwarsa" in refused.text
    assert resets(web) == []
