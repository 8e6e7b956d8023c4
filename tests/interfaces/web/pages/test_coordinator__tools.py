"""The coordinator tools: cohort dates and region overrides entered in their zones, extension
decisions, dead letters sent again, the CSV exports and the printable report; who may use them.
Each task has its page (/coordinator/dates, /extensions, /outbox, /exports); a post answers
with a redirect back to its page (tests/interfaces/web/pages/test_coordinator__pages.py checks
the pages' pagination and filters).

Kota Balikpapan (64.71) is in WITA (UTC+8); national dates are entered in WIB (UTC+7). The
simulated clock starts on 5 Jan 2026 09:00 WIB.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from checkupkit import KEY, publish  # type: ignore[import-not-found]
from sqlmodel import select
from webkit import Web  # type: ignore[import-not-found]

from engine import DeadlineRecord, Records
from engine.models import HistoryEntry
from notifications import outbox
from workflows import instances
from workflows.deadlines import extensions, setting
from workflows.deadlines.models import CohortDeadline, ExtensionRequest
from workflows.directory import registration
from workflows.reporting import report

CODE = "64.71"


def open_deadline(web: Web, code: str = CODE) -> DeadlineRecord | None:
    with web.prog.db.read() as session:
        instance = web.prog.current_instance(session, code)
        return Records(session).open_deadline(instance.id, instance.state)


def history_count(web: Web) -> int:
    with web.prog.db.read() as session:
        return len(session.execute(select(HistoryEntry.id)).all())


def parse_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_a_cohort_date_in_wib_then_a_region_override_in_its_own_zone(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    index = browser.get("/coordinator")
    assert index.status_code == 200
    assert web.world.COHORT in index.text and "/board?cohort=Smart%20City%202026" in index.text
    assert 'href="/coordinator/dates?cohort=Smart%20City%202026"' in index.text
    page = browser.get("/coordinator/dates")
    assert page.status_code == 200 and f'href="/regions/{CODE}"' in page.text

    done = browser.post_form("/coordinator/deadlines/cohort", {
        "cohort": web.world.COHORT, "state": "assessment", "day": "2026-02-10", "at": "23:59",
        "zone": "WIB"}, page="/coordinator")
    assert done.status_code == 303, done.text
    assert done.headers["location"].startswith("/coordinator/dates?done=cohort_deadline")
    assert done.headers["location"].endswith("#cohort-dates")
    due = datetime(2026, 2, 10, 16, 59, tzinfo=UTC)  # 23:59 WIB
    with web.prog.db.read() as session:
        (row,) = session.execute(select(CohortDeadline)).scalars().all()
        assert (row.state, row.due_at, row.set_by) == ("assessment", due,
                                                        web.world.COORDINATOR)
    found = open_deadline(web)
    assert found is not None and (found.due_at, found.origin) == (due, "cohort")

    shown = browser.get(done.headers["location"]).text
    assert "Tanggal kohort ditetapkan" in shown
    assert "10 Feb 2026 23.59 WIB" in shown  # the cohort's date, as announced
    assert "11 Feb 2026 00.59 WITA" in shown  # the same moment in Balikpapan
    assert "tanggal kohort" in shown

    # The region's own date, entered without a zone: read in WITA.
    done = browser.post_form("/coordinator/deadlines/region", {
        "region": CODE, "state": "assessment", "day": "2026-02-20", "at": "17:00", "zone": "",
        "comment": "Menunggu jadwal wawancara", "back_to": "q=Balik&page=1&evil=x"},
        page="/coordinator")
    assert done.status_code == 303, done.text
    # Back to the same filtered page of the list, at the region's row; unknown keys dropped.
    assert done.headers["location"] == (
        "/coordinator/dates?done=region_deadline&q=Balik&page=1#region-64.71")
    found = open_deadline(web)
    assert found is not None
    assert (found.due_at, found.origin, found.version) == (
        datetime(2026, 2, 20, 9, 0, tzinfo=UTC), "region", 2)
    shown = browser.get(done.headers["location"]).text
    assert "20 Feb 2026 17.00 WITA" in shown and "20 Feb 2026 16.00 WIB" in shown
    assert "tanggal khusus daerah" in shown
    assert '<option value="WITA" selected>WITA (zona daerah)</option>' in shown

    # A zone chosen explicitly wins over the region's own.
    browser.post_form("/coordinator/deadlines/region", {
        "region": CODE, "state": "assessment", "day": "2026-02-21", "at": "08:00",
        "zone": "WIB"}, page="/coordinator")
    found = open_deadline(web)
    assert found is not None and found.due_at == datetime(2026, 2, 21, 1, 0, tzinfo=UTC)


def test_refusals_show_the_domains_message_and_change_nothing(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    before = history_count(web)
    past = browser.post_form("/coordinator/deadlines/cohort", {
        "cohort": web.world.COHORT, "state": "assessment", "day": "2025-12-01",
        "zone": "WIB"}, page="/coordinator")
    assert past.status_code == 422 and "sudah lewat" in past.text
    wrong_stage = browser.post_form("/coordinator/deadlines/region", {
        "region": CODE, "state": "bimtek_2", "day": "2026-03-01"}, page="/coordinator")
    assert wrong_stage.status_code == 422
    assert "64.71 sedang berada pada tahap Diundang / asesmen kesiapan, bukan Bimtek II" in \
        wrong_stage.text
    bad_date = browser.post_form("/coordinator/deadlines/cohort", {
        "cohort": web.world.COHORT, "state": "assessment", "day": "10/02/2026"},
        page="/coordinator")
    assert bad_date.status_code == 422 and "tulis dalam bentuk YYYY-MM-DD" in bad_date.text
    assert history_count(web) == before and open_deadline(web) is None


@pytest.mark.parametrize("days", ["\u00b2", "\u0663", "\uff15", "0", "366", "999", "-1",
                                  "1.5", "x"])
def test_working_days_must_be_a_plain_number_up_to_365(web: Web, days: str) -> None:
    """A superscript two passes ``str.isdigit`` but not ``int``: a 422, not a 500."""
    browser = web.browser(web.world.COORDINATOR)
    before = history_count(web)
    for url, form in [
        ("/coordinator/deadlines/cohort", {"cohort": web.world.COHORT, "state": "assessment"}),
        ("/coordinator/deadlines/region", {"region": CODE, "state": "assessment"}),
    ]:
        refused = browser.post_form(url, {**form, "day": "2026-03-02", "working_days": days},
                                    page="/coordinator")
        assert refused.status_code == 422, (url, refused.text)
        assert "tulis bilangan bulat dari 1 sampai 365" in refused.text
    assert history_count(web) == before and open_deadline(web) is None


def test_working_days_count_from_the_date_entered(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    done = browser.post_form("/coordinator/deadlines/region", {
        "region": CODE, "state": "assessment", "day": "2026-03-13", "at": "17:00",
        "working_days": " 1 "}, page="/coordinator")
    assert done.status_code == 303, done.text
    found = open_deadline(web)
    # Friday 13 March 2026 plus one working day is Monday the 16th (17:00 WITA).
    assert found is not None and found.due_at == datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def test_granting_an_extension_moves_the_deadline_and_refusing_needs_a_comment(
        web: Web) -> None:
    web.world.drive(web.region, "mou")  # the head of region owes the signed MoU
    setting.set_region_deadline(web.prog, CODE, "mou", date(2026, 2, 1),
                                actor=web.world.COORDINATOR)
    asked = extensions.request_extension(web.prog, CODE, date(2026, 2, 15),
                                         "Bupati sedang dinas", actor=web.region.head)
    browser = web.browser(web.world.COORDINATOR)
    index = browser.get("/coordinator").text
    assert "1 menunggu keputusan" in index and 'href="/coordinator/extensions"' in index
    page = browser.get("/coordinator/extensions").text
    assert f'id="extension-{asked.id}"' in page and "Bupati sedang dinas" in page
    assert "15 Feb 2026 23.59 WITA" in page  # asked until, in the region's zone

    refused = browser.post_form(f"/coordinator/extensions/{asked.id}",
                                {"decision": "refuse", "comment": ""}, page="/coordinator")
    assert refused.status_code == 422 and "penolakan memerlukan catatan" in refused.text

    granted = browser.post_form(f"/coordinator/extensions/{asked.id}",
                                {"decision": "grant"}, page="/coordinator")
    assert granted.status_code == 303
    assert granted.headers["location"].startswith(
        "/coordinator/extensions?done=extension_granted")
    found = open_deadline(web)
    assert found is not None
    assert (found.due_at, found.origin) == (datetime(2026, 2, 15, 15, 59, tzinfo=UTC),
                                            "extension")
    with web.prog.db.read() as session:
        request = session.get(ExtensionRequest, asked.id)
        assert request is not None
        assert (request.status, request.decided_by) == ("granted", web.world.COORDINATOR)
    after = browser.get(granted.headers["location"]).text
    assert f'id="extension-{asked.id}"' not in after and "Perpanjangan dikabulkan" in after
    assert f'id="decided-{asked.id}"' in after and "✓ dikabulkan" in after

    again = browser.post_form(f"/coordinator/extensions/{asked.id}", {"decision": "grant"},
                              page="/coordinator")
    assert again.status_code == 409 and "sudah dikabulkan" in again.text


def test_a_dead_letter_is_listed_with_the_servers_answer_and_sent_again(web: Web) -> None:
    message = web.world.dead_letter()
    browser = web.browser(web.world.COORDINATOR)
    assert "1 gagal permanen" in browser.get("/coordinator").text
    page = browser.get("/coordinator/outbox?status=dead").text
    assert f'id="message-{message}"' in page and "550 5.1.1 User unknown" in page
    assert "typo@pemda.go.id" in page

    done = browser.post_form("/coordinator/outbox/retry", {"message": message},
                             page="/coordinator")
    assert done.status_code == 303
    assert done.headers["location"] == "/coordinator/outbox?done=outbox_retried&status=dead#outbox"
    (pending,) = outbox.listing(web.prog.db, "pending", 5)
    assert (pending.id, pending.status, pending.attempts) == (message, "pending", 0)
    assert outbox.counts(web.prog.db)["dead"] == 0

    again = browser.post_form("/coordinator/outbox/retry", {"message": message},
                              page="/coordinator")
    assert again.status_code == 409 and "berstatus menunggu dikirim, bukan gagal terkirim" in \
        again.text
    missing = browser.post_form("/coordinator/outbox/retry", {"message": 999999},
                                page="/coordinator")
    assert missing.status_code == 404

    second = web.world.dead_letter("other@pemda.go.id")
    everything = browser.post_form("/coordinator/outbox/retry", {"all_dead": "true"},
                                   page="/coordinator")
    assert everything.status_code == 303
    assert {m.id for m in outbox.listing(web.prog.db, "pending", 5)} == {message, second}


def test_the_cohort_export_is_a_csv_of_every_region(web: Web) -> None:
    web.world.region("33.74")  # Kota Semarang, WIB, same cohort
    setting.set_region_deadline(web.prog, CODE, "assessment", date(2026, 2, 1),
                                actor=web.world.COORDINATOR)
    browser = web.browser(web.world.COORDINATOR)
    response = browser.get("/coordinator/export/cohort.csv",
                           params={"cohort": web.world.COHORT})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="cohort-smart-city-2026.csv"')
    rows = {r["region_code"]: r for r in parse_csv(response.content)}
    assert set(rows) == {CODE, "33.74"}
    bpn = rows[CODE]
    assert (bpn["region"], bpn["province"], bpn["zone"], bpn["stage_code"], bpn["stage"]) == (
        "Kota Balikpapan", "Kalimantan Timur", "WITA", "assessment",
        "Diundang / asesmen kesiapan")
    assert (bpn["deadline_utc"], bpn["deadline_local"], bpn["deadline_origin"]) == (
        "2026-02-01T15:59:00Z", "2026-02-01 23:59 WITA", "region")
    assert bpn["entered_utc"] == "2026-01-05T02:00:00Z"
    assert bpn["entered_local"] == "2026-01-05 10:00 WITA"
    assert (bpn["version"], bpn["cycle"], bpn["review_round"]) == ("2", "1", "0")
    assert rows["33.74"]["deadline_utc"] == "" and rows["33.74"]["zone"] == "WIB"

    unknown = browser.get("/coordinator/export/cohort.csv", params={"cohort": "Tidak Ada"})
    assert unknown.status_code == 404 and "tidak ada kohort “Tidak Ada”" in unknown.text
    huge = browser.get("/coordinator/export/cohort.csv", params={"cohort": "9" * 30})
    assert huge.status_code == 404


def test_the_history_export_guards_against_formulas(web: Web) -> None:
    for day, comment in [(10, "=HYPERLINK(\"http://evil\",\"klik\")"), (11, "@SUM(A1)"),
                         (12, "+62 811 000"), (13, "-1 hari; ok")]:
        setting.set_region_deadline(web.prog, CODE, "assessment", date(2026, 2, day),
                                    actor=web.world.COORDINATOR, comment=comment)
    response = web.browser(web.world.COORDINATOR).get(
        f"/coordinator/export/regions/{CODE}/history.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="history-64-71-kota-balikpapan.csv"')
    rows = parse_csv(response.content)
    assert list(rows[0]) == ["workflow", "cycle", "when_utc", "when_local", "who", "role",
                             "action", "from", "to", "comment", "detail"]
    assert rows[0]["workflow"] == "master_plan"
    assert rows[0]["action"] == "start" and rows[0]["to"] == "assessment"
    notes = [r for r in rows if r["action"] == "set_deadline"]
    assert [r["comment"] for r in notes] == [
        "'=HYPERLINK(\"http://evil\",\"klik\")", "'@SUM(A1)", "'+62 811 000", "'-1 hari; ok"]
    assert notes[0]["who"] == web.world.COORDINATOR and notes[0]["role"] == "coordinator"
    assert notes[0]["when_utc"] == "2026-01-05T02:00:00Z"
    assert notes[0]["when_local"] == "2026-01-05 10:00 WITA"
    assert notes[0]["detail"].startswith("Invited / assessment: due 2026-02-10 23:59 WITA")


def test_the_printable_report_holds_the_history(web: Web) -> None:
    r = web.region
    web.world.leave(r, "assessment")  # the assessor's result, then assessed -> mou
    setting.set_region_deadline(web.prog, CODE, "mou", date(2026, 3, 1),
                                actor=web.world.COORDINATOR,
                                comment="MoU <b>ditandatangani</b> Maret")
    response = web.browser(web.world.COORDINATOR).get(f"/coordinator/report/regions/{CODE}")
    assert response.status_code == 200
    page = response.text
    assert '<link rel="stylesheet" href="/static/print.css">' in page
    assert "Laporan status: 64.71 Kota Balikpapan" in page
    assert "<strong>Penandatanganan MoU</strong>" in page
    assert "Kalimantan Timur (WITA)" in page
    assert "Hasil asesmen kesiapan" in page  # the submission, by its label
    assert "Diundang / asesmen kesiapan → Penandatanganan MoU" in page
    assert "Catat hasil asesmen kesiapan" in page  # the transition, by its label
    assert web.world.ASSESSOR in page
    assert "1 Mar 2026 23.59 WITA" in page and "1 Mar 2026 22.59 WIB" in page
    assert "MoU &lt;b&gt;ditandatangani&lt;/b&gt; Maret" in page  # escaped, never markup


def test_the_printable_report_and_the_region_page_list_the_other_workflows(web: Web) -> None:
    publish(web.prog)
    instances.start(web.prog, KEY, CODE, web.world.COORDINATOR)
    browser = web.browser(web.world.COORDINATOR)
    page = browser.get(f"/coordinator/report/regions/{CODE}").text
    assert "Program lain yang dijalankan daerah ini" in page
    assert "Pemeriksaan tahunan: <strong>Pelaporan</strong> · siklus 1" in page
    english = browser.get(f"/coordinator/report/regions/{CODE}?lang=en").text
    assert "Yearly check-up: <strong>Reporting</strong> · cycle 1" in english
    region = browser.get(f"/regions/{CODE}?lang=id").text
    assert f'href="/regions/{CODE}/workflows/{KEY}">Pemeriksaan tahunan</a>: Pelaporan' in region
    with web.prog.db.read() as session:
        printed = report.region_report(web.prog, session, CODE)
    assert [(w.instance.definition_key, w.instance.state) for w in printed.others] == [
        (KEY, "reporting")]  # the master plan is the report itself


@pytest.mark.parametrize("who", ["mentor", "opd", "head", "assessor"])
def test_other_roles_get_403_everywhere(web: Web, who: str) -> None:
    email = {"mentor": web.region.mentor, "opd": web.region.opd, "head": web.region.head,
             "assessor": web.world.ASSESSOR}[who]
    browser = web.browser(email)
    for url in ("/coordinator", "/coordinator/dates", "/coordinator/extensions",
                "/coordinator/outbox", "/coordinator/exports",
                "/coordinator/export/cohort.csv?cohort=2026",
                f"/coordinator/export/regions/{CODE}/history.csv",
                f"/coordinator/report/regions/{CODE}"):
        response = browser.get(url)
        assert response.status_code == 403, url
        assert "hanya untuk koordinator dan administrator" in response.text
    refused = browser.post_form("/coordinator/deadlines/cohort", {
        "cohort": web.world.COHORT, "state": "assessment", "day": "2026-02-10"},
        page="/coordinator")  # the error page carries the token (its sign-out form)
    assert refused.status_code == 403 and open_deadline(web) is None


def test_posts_without_the_csrf_token_are_refused(web: Web) -> None:
    message = web.world.dead_letter()
    browser = web.browser(web.world.COORDINATOR)
    posts: list[tuple[str, dict[str, Any]]] = [
        ("/coordinator/deadlines/cohort", {"cohort": web.world.COHORT, "state": "assessment",
                                           "day": "2026-02-10"}),
        ("/coordinator/deadlines/region", {"region": CODE, "state": "assessment",
                                           "day": "2026-02-10"}),
        ("/coordinator/outbox/retry", {"message": message}),
    ]
    for url, data in posts:
        for token in (None, "forged"):
            sent = data if token is None else {**data, "csrf_token": token}
            response = browser.post(url, data=sent)
            assert response.status_code == 403, url
            assert "tidak berasal dari situs ini" in response.text
    assert open_deadline(web) is None and outbox.counts(web.prog.db)["dead"] == 1


def test_anonymous_visitors_are_sent_to_sign_in(web: Web) -> None:
    response = web.anonymous().get("/coordinator/export/cohort.csv?cohort=2026",
                                   follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(
        "/login?next=%2Fcoordinator%2Fexport%2Fcohort.csv")


def test_a_regions_own_coordinator_sees_and_exports_only_its_regions(web: Web) -> None:
    web.world.region("33.74")
    own = "sekretariat.6471@pemda.go.id"
    registration.add_person(web.prog, own, "Sekretariat Smart City Balikpapan", "coordinator",
                            CODE)
    message = web.world.dead_letter()
    browser = web.browser(own)
    index = browser.get("/coordinator").text
    assert 'href="/coordinator/outbox' not in index and 'href="/accounts"' not in index
    page = browser.get("/coordinator/dates").text
    assert f'href="/regions/{CODE}"' in page and 'href="/regions/33.74"' not in page
    assert 'action="/coordinator/deadlines/cohort"' not in page
    exports = browser.get("/coordinator/exports").text
    assert f"/coordinator/export/regions/{CODE}/history.csv" in exports
    assert "/coordinator/export/regions/33.74/history.csv" not in exports
    mail = browser.get("/coordinator/outbox")  # the outbox is programme-wide
    assert mail.status_code == 403 and f'id="message-{message}"' not in mail.text
    assert "membaca kotak keluar email" in mail.text
    rows = parse_csv(browser.get("/coordinator/export/cohort.csv",
                                 params={"cohort": web.world.COHORT}).content)
    assert [r["region_code"] for r in rows] == [CODE]
    assert browser.get(f"/coordinator/export/regions/{CODE}/history.csv").status_code == 200
    other = browser.get("/coordinator/export/regions/33.74/history.csv")
    assert other.status_code == 403 and "bukan 33.74" in other.text
    retry = browser.post_form("/coordinator/outbox/retry", {"message": message},
                              page="/coordinator")
    assert retry.status_code == 403 and outbox.counts(web.prog.db)["dead"] == 1
    # The domain refuses a cohort date from a region's coordinator, whatever the page shows.
    cohort_date = browser.post_form("/coordinator/deadlines/cohort", {
        "cohort": web.world.COHORT, "state": "assessment", "day": "2026-02-10"},
        page="/coordinator")
    assert cohort_date.status_code == 403
    assert ("hanya koordinator tingkat program yang dapat menetapkan tenggat kohort"
            in cohort_date.text)


def test_an_administrator_reads_everything_but_acts_through_a_coordinator(web: Web) -> None:
    admin = web.account("admin@komdigi.go.id", admin=True)
    message = web.world.dead_letter()
    browser = web.browser(admin)
    assert "Akun administrator ini" in browser.get("/coordinator").text
    assert f'id="message-{message}"' in browser.get("/coordinator/outbox").text
    page = browser.get("/coordinator/dates").text
    assert "Akun administrator ini" in page
    assert 'action="/coordinator/deadlines/cohort"' not in page
    assert 'action="/coordinator/deadlines/region"' not in page
    refused = browser.post_form("/coordinator/deadlines/cohort", {
        "cohort": web.world.COHORT, "state": "assessment", "day": "2026-02-10"},
        page="/coordinator")
    assert refused.status_code == 403 and "akun administrator tanpa orang atau OPD" in \
        refused.text
    retried = browser.post_form("/coordinator/outbox/retry", {"message": message},
                                page="/coordinator")
    assert retried.status_code == 303 and outbox.counts(web.prog.db)["pending"] == 1
