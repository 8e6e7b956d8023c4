"""Inviting a registered person or OPD from /accounts: the account opens with no password, an
``account_invite`` email in the recipient's language carries a link to choose one, and the
link works once and signs the person in; a refused invitation shows its reason beside the
form, in the manager's language, with the address kept."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import select
from webkit import Web  # type: ignore[import-not-found]

from notifications import outbox
from workflows.access.models import Account

ADMIN = "admin@komdigi.go.id"
NEW_PASSWORD = "rencana-induk-kota-2026"
LINK = re.compile(r"http://[^\s\"<>]+/password/[A-Za-z0-9_.\-]+")


def mails(web: Web, kind: str, recipient: str) -> list[Any]:
    """The emails of ``kind`` to ``recipient``, oldest first."""
    return sorted((m for m in outbox.listing(web.prog.db, None, 500)
                   if m.kind == kind and m.recipient == recipient), key=lambda m: m.id)


def link_in(message: Any) -> str:
    found = LINK.search(message.text_body)
    assert found, message.text_body
    assert found.group(0) in message.html_body  # the button carries the same link
    return urlsplit(found.group(0)).path


def form_token(page: Any) -> str:
    """The anti-forgery token of a page's form (a fresh one each time the form is shown)."""
    found = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def admin(web: Web) -> Any:
    web.account(ADMIN, admin=True)
    return web.browser(ADMIN)


def account(web: Web, email: str) -> Account | None:
    with web.prog.db.read() as session:
        found = session.execute(select(Account).where(Account.email == email)).scalar_one_or_none()
        if found is not None:
            session.expunge(found)
        return found


def test_an_admin_invites_an_opd_who_chooses_a_password_and_is_signed_in(web: Web) -> None:
    browser, opd = admin(web), web.region.opd
    page = browser.get("/accounts")
    assert page.status_code == 200 and "Undang satu orang atau OPD" in page.text
    sent = browser.post_form("/accounts/invite", {"email": opd.upper(), "locale": "id"},
                             page="/accounts")
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/accounts?done=invited&q=")
    listed = browser.get(sent.headers["location"]).text
    assert "Undangan terkirim" in listed and "diundang, belum membuat kata sandi" in listed
    invited = account(web, opd)
    assert invited is not None and invited.password_hash.startswith("!")

    [mail] = mails(web, "account_invite", opd)
    assert mail.subject == "Undangan: buat kata sandi akun Gerakan Menuju 100 Smart City"
    assert "Yth. Kepala Dinas Komunikasi dan Informatika Kota Balikpapan," in mail.text_body
    assert "sebagai OPD Kota Balikpapan" in mail.text_body
    assert "berlaku sampai Senin, 19 Januari 2026 pukul" in mail.text_body  # 14 days, WITA
    assert "WITA" in mail.text_body
    path = link_in(mail)

    person = web.anonymous()
    form = person.get(path)
    assert form.status_code == 200 and "Buat kata sandi" in form.text and opd in form.text
    forged = person.post(path, data={"password": NEW_PASSWORD, "repeated": NEW_PASSWORD,
                                     "form_token": "forged"})
    assert forged.status_code == 403 and "Formulir sudah kedaluwarsa" in forged.text
    differ = person.post(path, data={"password": NEW_PASSWORD, "repeated": NEW_PASSWORD + "x",
                                     "form_token": form_token(forged)})
    assert differ.status_code == 422 and "Kedua kata sandi tidak sama" in differ.text
    short = person.post(path, data={"password": "pendek", "repeated": "pendek",
                                    "form_token": form_token(differ)})
    assert short.status_code == 422 and "paling sedikit 10 karakter" in short.text

    done = person.post(path, data={"password": NEW_PASSWORD, "repeated": NEW_PASSWORD,
                                   "form_token": form_token(short)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert "sc_session" in done.cookies
    home = person.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/opd"

    again = web.anonymous().get(path)  # a link works once
    assert again.status_code == 401 and "Tautan ini sudah dipakai" in again.text
    assert 'name="password"' in again.text  # the sign-in form instead
    signed = web.anonymous()
    login = signed.post("/login", data={"email": opd, "password": NEW_PASSWORD, "next": "/",
                                        "login_token": _login_token(signed)},
                        follow_redirects=False)
    assert login.status_code == 303
    assert "aktif" in browser.get(f"/accounts?q={opd}").text


def _login_token(client: Any) -> str:
    found = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert found
    return found.group(1)


def test_the_invitation_is_in_the_language_chosen_for_the_recipient(web: Web) -> None:
    browser = admin(web)
    browser.post_form("/accounts/invite", {"email": web.region.mentor, "locale": "en"},
                      page="/accounts")
    [mail] = mails(web, "account_invite", web.region.mentor)
    assert mail.subject.startswith("Invitation: choose a password")
    assert "in the role of mentor" in mail.text_body and "until Monday, 19 January 2026" \
        in mail.text_body
    assert account(web, web.region.mentor).locale == "en"  # type: ignore[union-attr]
    form = web.anonymous().get(link_in(mail) + "?lang=en")
    assert "Choose your password" in form.text


def test_a_refused_invitation_says_why_beside_the_form_and_keeps_the_address(
        web: Web) -> None:
    browser = admin(web)
    unknown = browser.post_form("/accounts/invite", {"email": "siapa@pemda.go.id"},
                                page="/accounts")
    assert unknown.status_code == 404
    assert "Tidak ada orang atau OPD yang terdaftar dengan alamat siapa@pemda.go.id" \
        in unknown.text
    assert 'value="siapa@pemda.go.id"' in unknown.text and 'aria-invalid="true"' in unknown.text
    bad = browser.post_form("/accounts/invite", {"email": "bukan alamat"}, page="/accounts")
    assert bad.status_code == 422 and "bukan alamat email yang valid" in bad.text

    web.account(web.region.head)  # an account with a password already
    taken = browser.post_form("/accounts/invite", {"email": web.region.head}, page="/accounts")
    assert taken.status_code == 409 and "sudah punya akun dengan kata sandi" in taken.text
    english = browser.post_form("/accounts/invite?lang=en", {"email": web.region.head},
                                page="/accounts")
    assert "already has an account with a password" in english.text
    assert mails(web, "account_invite", web.region.head) == []


def test_an_invitation_is_sent_again_until_a_password_is_chosen(web: Web,
                                                                         clock: Any) -> None:
    browser, opd = admin(web), web.region.opd
    browser.post_form("/accounts/invite", {"email": opd}, page="/accounts")
    browser.post_form("/accounts/invite", {"email": opd}, page="/accounts")  # same minute
    assert len(mails(web, "account_invite", opd)) == 1  # a double press sends one email
    clock.advance(minutes=5)
    again = browser.get(f"/accounts?q={opd}").text
    assert "Kirim ulang undangan" in again
    browser.post_form("/accounts/invite", {"email": opd}, page="/accounts")
    first, second = mails(web, "account_invite", opd)
    clock.advance(minutes=5)
    person = web.anonymous()
    path = link_in(second)
    person.post(path, data={"password": NEW_PASSWORD, "repeated": NEW_PASSWORD,
                            "form_token": form_token(person.get(path))})
    # The first invitation was sent before the password was chosen: it no longer works.
    older = web.anonymous().get(link_in(first))
    assert older.status_code == 401 and "dikirim sebelum kata sandi akun diganti" in older.text
