"""Managing accounts at /accounts: who may (administrators and programme-wide coordinators,
checked on every request, not only by hiding the menu), disabling and enabling (a disabled
account's sessions end at once), the rules no manager may break, CSRF on every form, and the
list filtered and a page at a time."""

from __future__ import annotations

import re
from typing import Any

from webkit import PASSWORD, Web  # type: ignore[import-not-found]

from interfaces.web.pages import accounts as pages
from workflows.access import accounts
from workflows.directory import imports, registration

ADMIN = "admin@komdigi.go.id"
REGIONAL = "diskominfo.sekretariat@balikpapan.go.id"


def account_id(web: Web, email: str) -> int:
    return next(a.id or 0 for a in accounts.listing(web.prog) if a.email == email)


def test_an_opd_a_mentor_and_a_regional_coordinator_get_403_on_every_action(
        web: Web) -> None:
    registration.upsert_people(web.prog, imports.parse_people(
        f"email,name,role,region\n{REGIONAL},Sekretariat Balikpapan,coordinator,64.71\n"))
    target = account_id(web, web.account(web.region.head))
    for email in (web.region.opd, web.region.mentor, REGIONAL):
        browser = web.browser(email)
        assert 'href="/accounts"' not in browser.get("/opd" if email == web.region.opd
                                                     else "/evaluation").text
        page = browser.get("/accounts")
        assert page.status_code == 403, email
        assert "Pengelolaan akun hanya untuk administrator" in page.text
        token = browser.csrf("/evaluation")
        for url, data in (("/accounts/invite", {"email": web.region.opd}),
                          ("/accounts/invite-cohort", {"cohort": web.world.COHORT}),
                          (f"/accounts/{target}/disable", {}),
                          (f"/accounts/{target}/enable", {})):
            refused = browser.post(url, data={**data, "csrf_token": token})
            assert refused.status_code == 403, (email, url)
    assert all(a.disabled_at is None for a in accounts.listing(web.prog))


def test_a_programme_coordinator_disables_and_enables_an_account(web: Web) -> None:
    opd = web.browser(web.region.opd)
    assert opd.get("/opd").status_code == 200
    coordinator = web.browser(web.world.COORDINATOR)
    assert 'href="/accounts"' in coordinator.get("/board").text
    target = account_id(web, web.region.opd)
    listed = coordinator.get("/accounts?status=active&role=opd").text
    assert f'id="account-{target}"' in listed and "Dinas Komunikasi dan Informatika" in listed

    forged = coordinator.post(f"/accounts/{target}/disable", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    done = coordinator.post_form(f"/accounts/{target}/disable",
                                 {"status": "active", "role": "opd"}, page="/accounts")
    assert done.status_code == 303
    assert done.headers["location"] == "/accounts?done=disabled&status=active&role=opd#accounts"
    assert opd.get("/opd", follow_redirects=False).status_code == 303  # signed out at once
    assert "Akun dinonaktifkan" in coordinator.get("/accounts?done=disabled").text
    assert f'id="account-{target}"' in coordinator.get("/accounts?status=disabled").text
    login = web.anonymous().post("/api/v1/tokens", json={"email": web.region.opd,
                                                         "password": PASSWORD})
    assert login.status_code == 401

    enabled = coordinator.post_form(f"/accounts/{target}/enable", page="/accounts")
    assert enabled.status_code == 303
    assert "Akun diaktifkan kembali" in coordinator.get(enabled.headers["location"]).text
    assert web.anonymous().post("/api/v1/tokens", json={
        "email": web.region.opd, "password": PASSWORD, "name": "t"}).status_code == 201


def test_nobody_disables_their_own_account_nor_a_coordinator_an_administrators(
        web: Web) -> None:
    web.account(ADMIN, admin=True)
    coordinator = web.browser(web.world.COORDINATOR)
    listed = coordinator.get("/accounts").text
    admin_card = re.search(rf'id="account-{account_id(web, ADMIN)}">(.*?)</li>', listed, re.S)
    assert admin_card and "Nonaktifkan" not in admin_card.group(1)
    for email, reason in ((ADMIN, "Hanya administrator yang dapat mengubah akun administrator"),
                          (web.world.COORDINATOR, "akun Anda sendiri")):
        refused = coordinator.post_form(f"/accounts/{account_id(web, email)}/disable",
                                        page="/accounts")
        assert refused.status_code == 403 and reason in refused.text
    admin = web.browser(ADMIN)
    done = admin.post_form(f"/accounts/{account_id(web, web.world.COORDINATOR)}/disable",
                           page="/accounts")
    assert done.status_code == 303
    assert admin.post_form("/accounts/999999/disable", page="/accounts").status_code == 404


def test_the_list_filters_by_words_status_and_role_a_page_at_a_time(
        web: Web, monkeypatch: Any) -> None:
    for email in (web.region.opd, web.region.mentor, web.region.head):
        web.account(email)
    web.account(ADMIN, admin=True)
    browser = web.browser(ADMIN)
    mentors = browser.get("/accounts?role=mentor").text
    assert web.region.mentor in mentors and web.region.opd not in mentors
    assert "1 akun" in mentors
    found = browser.get("/accounts?q=komunikasi").text  # the OPD's name, any case
    assert web.region.opd in found and web.region.head not in found
    assert browser.get("/accounts?q=%25").text.count('class="card account"') == 0  # no LIKE
    admins = browser.get("/accounts?role=admin").text
    assert ADMIN in admins and web.region.mentor not in admins
    assert browser.get("/accounts?status=nonsense&role=nonsense").status_code == 200

    monkeypatch.setattr(pages, "PER_PAGE", 2)
    first = browser.get("/accounts").text
    assert first.count('class="card account"') == 2 and "Halaman 1 dari 2" in first
    assert 'href="/accounts?page=2#accounts" rel="next"' in first
    second = browser.get("/accounts?page=2").text
    assert second.count('class="card account"') == 2 and 'rel="prev"' in second
    last = browser.get("/accounts?page=99").text  # past the end: the last page
    assert "Halaman 2 dari 2" in last
