"""Inviting a whole cohort's OPDs at once: every OPD of the cohort's regions with no account
yet gets its own ``account_invite`` (in the language chosen), in one transaction; OPDs with an
account, other cohorts' OPDs and people who are not OPDs get nothing; sending it again sends
nothing more."""

from __future__ import annotations

from webkit import Web  # type: ignore[import-not-found]

from notifications import outbox
from workflows.access import accounts

ADMIN = "admin@komdigi.go.id"


def invites(web: Web) -> dict[str, str]:
    return {m.recipient: m.subject for m in outbox.listing(web.prog.db, None, 500)
            if m.kind == "account_invite"}


def test_every_opd_of_the_cohort_without_an_account_is_invited_once(web: Web) -> None:
    samarinda = web.world.region("64.72", opds=("DINKES", "DISHUB", "BAPPEDA"))
    jayapura = web.world.region("91.71", cohort="Smart City 2027", year=2027,
                                opds=("DINKES",))
    web.account(web.region.opd)  # Balikpapan's first OPD has an account already
    web.account(ADMIN, admin=True)
    browser = web.browser(ADMIN)
    page = browser.get("/accounts").text
    assert "Smart City 2026 · 4 OPD belum punya akun" in page  # 1 of Balikpapan, 3 of Samarinda
    assert "Smart City 2027 · 1 OPD belum punya akun" in page

    done = browser.post_form("/accounts/invite-cohort", {"cohort": "Smart City 2026",
                                                         "locale": "en"}, page="/accounts")
    assert done.status_code == 303
    assert done.headers["location"].startswith("/accounts?done=bulk&count=4&")
    shown = browser.get(done.headers["location"]).text
    assert "4 OPD diundang; masing-masing menerima email undangan." in shown
    expected = {web.region.opds["BAPPEDA"], *samarinda.opds.values()}
    sent = invites(web)
    assert set(sent) == expected  # not the OPD with an account, nor Jayapura's, nor people
    assert all(subject.startswith("Invitation:") for subject in sent.values())
    created = {a.email: a for a in accounts.listing(web.prog)}
    assert all(created[e].locale == "en" and created[e].password_hash.startswith("!")
               for e in expected)
    assert jayapura.opd not in created

    again = browser.post_form("/accounts/invite-cohort", {"cohort": "2026"}, page="/accounts")
    assert again.headers["location"].startswith("/accounts?done=bulk&count=0")
    assert "Semua OPD kohort ini sudah punya akun" in browser.get(again.headers["location"]).text
    assert len(invites(web)) == 4
    assert "Smart City 2026 · 0 OPD belum punya akun" in browser.get("/accounts").text


def test_an_unknown_cohort_is_refused_and_nothing_is_sent(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    refused = browser.post_form("/accounts/invite-cohort", {"cohort": "Kohort Lain"},
                                page="/accounts")
    assert refused.status_code == 404 and "pilih kohort dari daftar" in refused.text
    assert invites(web) == {}
