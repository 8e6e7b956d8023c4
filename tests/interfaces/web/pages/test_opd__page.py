"""The OPD's page: deadlines in the region's zone with WIB, what is still owed, the mentor's
comment, uploads (stored by checksum, refused when dangerous or too big), actions, extension
requests and the calendar feed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar
from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]

from engine.models import Submission
from workflows.deadlines.models import ExtensionRequest
from workflows.master_plan.quick_wins import QuickWin

PDF = b"%PDF-1.4\n% revised quick-win plan of Kota Balikpapan\n%%EOF\n"


def _upload(web: Web, email: str, deliverable: str, name: str, data: bytes,
            quick_wins: str | None = None, note: str = "") -> Any:
    browser = web.browser(email)
    files: dict[str, Any] = {"file": (name, data, "application/octet-stream")}
    if quick_wins is not None:
        files["quick_wins"] = ("quick-wins.csv", quick_wins.encode(), "text/csv")
    return browser.post("/opd/submit", files=files, data={
        "deliverable": deliverable, "note": note, "csrf_token": browser.csrf("/opd")})


def _version(web: Web) -> int:
    with web.prog.db.read() as session:
        return int(web.prog.current_instance(session, web.region.code).version)


def _plans(web: Web) -> list[Submission]:
    with web.prog.db.read() as session:
        return list(session.execute(select(Submission).where(
            Submission.deliverable == "quick_win_plan").order_by(col(Submission.version))
        ).scalars())


def test_deadlines_in_wita_with_wib_alongside_marked_soon_and_overdue(web: Web,
                                                                      clock: Any) -> None:
    web.world.drive(web.region, "bimtek_2")  # entered 5 Jan 02:00Z; 45 days to go
    browser = web.browser(web.region.opd)
    page = browser.get("/opd")
    assert page.status_code == 200
    assert "Tahap sekarang: Bimtek II" in page.text
    assert "Batas (WITA)" in page.text
    assert "19 Feb 2026 23.59 WITA" in page.text and "19 Feb 2026 22.59 WIB" in page.text
    assert '<span class="badge ok">45 hari lagi</span>' in page.text
    clock.advance(days=41)  # (a new sign-in each time: sessions last hours, not weeks)
    soon = web.browser(web.region.opd).get("/opd").text
    assert '<span class="badge soon">4 hari lagi</span>' in soon
    clock.advance(days=6)
    browser = web.browser(web.region.opd)
    assert '<span class="badge late">terlambat 2 hari</span>' in browser.get("/opd").text
    english = browser.get("/opd?lang=en").text
    assert "Due (WITA)" in english and "2 day(s) overdue" in english


def test_open_items_follow_the_definition_and_the_party(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "bimtek_1")
    first, second = region.opds.values()
    world.submit(region.code, "questionnaire", first)
    mine = web.browser(first).get("/opd").text
    theirs = web.browser(second).get("/opd").text
    owed = theirs[theirs.index('id="owed"'):theirs.index("</ul>", theirs.index('id="owed"'))]
    assert "Kuesioner OPD" in owed and "belum dikirim" in owed
    assert "Tidak ada dokumen yang menunggu Anda pada tahap ini." in mine
    world.drive(region, "bimtek_2")
    world.submit(region.code, "buku_1", first)
    page = web.browser(second).get("/opd").text
    owed = page[page.index('id="owed"'):page.index("</ul>", page.index('id="owed"'))]
    assert "Pemetaan program RPJMD dan Renstra" in owed and "Buku 1" not in owed


def test_the_mentors_rejection_comment_is_shown_and_asks_for_a_new_version(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "mentor_review")
    world.reject(region, "Tambahkan indikator <b>kinerja</b> per quick win")
    page = web.browser(region.opd).get("/opd").text
    assert "Komentar mentor (putaran 1, ditolak)" in page
    assert "Tambahkan indikator &lt;b&gt;kinerja&lt;/b&gt; per quick win" in page
    assert "<b>kinerja" not in page
    owed = page[page.index('id="owed"'):page.index("</ul>", page.index('id="owed"'))]
    assert "Rencana quick win" in owed and "perlu versi baru" in owed
    # Resubmitting is not offered yet: the engine's reason is shown instead of a button.
    assert 'value="resubmit"' not in page
    assert "serahkan rencana quick win yang sudah direvisi terlebih dahulu" in page


def test_upload_stores_a_new_version_by_checksum_then_resubmit(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "mentor_review")
    world.reject(region, "Lengkapi anggaran")
    response = _upload(web, region.opd, "quick_win_plan", "../../rencana revisi.pdf", PDF,
                       quick_wins=world.QUICK_WINS_CSV, note="Anggaran dilengkapi")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/opd?done=submit&what=quick_win_plan"
    digest = hashlib.sha256(PDF).hexdigest()
    stored = web.prog.settings.upload_dir / digest[:2] / digest
    assert stored.read_bytes() == PDF
    plans = _plans(web)
    assert [p.version for p in plans] == [1, 2]
    latest = plans[-1]
    assert (latest.sha256, latest.file_name, latest.size_bytes, latest.submitted_by,
            latest.note, latest.state) == (digest, "rencana revisi.pdf", len(PDF), region.opd,
                                           "Anggaran dilengkapi", "revision")
    with web.prog.db.read() as session:
        titles = list(session.execute(select(QuickWin.title).where(
            QuickWin.submission_id == latest.id).order_by(col(QuickWin.id))).scalars())
    assert titles == ["Online permits in one portal", "Ambulance call centre 112"]

    browser = web.browser(region.opd)
    page = browser.get(response.headers["location"]).text
    assert "Rencana quick win versi 2 diterima: rencana revisi.pdf." in page
    assert digest[:12] not in page  # no hashes on the page
    assert 'value="resubmit"' in page
    resubmitted = browser.post_form("/opd/advance", {
        "trigger": "resubmit", "expected_version": _version(web)}, page="/opd")
    assert resubmitted.status_code == 303 and resubmitted.headers["location"] == \
        "/opd?done=advance"
    assert world.state(region.code) == "mentor_review"
    assert "tahap sekarang: Reviu mentor" in browser.get("/opd?done=advance").text


def test_submit_for_review_from_the_page(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "quick_win_submission")
    page = web.browser(region.opd).get("/opd").text
    assert "Rencana quick win" in page and 'value="submit_for_review"' not in page
    assert _upload(web, region.opd, "quick_win_plan", "plan.pdf", PDF,
                   quick_wins=world.QUICK_WINS_CSV).status_code == 303
    browser = web.browser(region.opd)
    response = browser.post_form("/opd/advance", {
        "trigger": "submit_for_review", "expected_version": _version(web),
        "comment": "Siap direview"}, page="/opd")
    assert response.status_code == 303
    assert world.state(region.code) == "mentor_review"
    # An action the OPD may not fire is refused by the engine, shown on the page.
    with world.unchanged(region.code):
        refused = browser.post_form("/opd/advance", {"trigger": "approve"}, page="/opd")
    reason = refused.text.lower()
    assert refused.status_code == 403 and "hanya mentor yang dapat" in reason
    assert "setujui rencana quick win" in reason


def test_an_executable_or_a_file_over_the_limit_is_refused_with_the_reason(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "quick_win_submission")
    with world.unchanged(region.code):
        exe = _upload(web, region.opd, "quick_win_plan", "rencana.exe", b"MZ\x90\x00" * 64,
                      quick_wins=world.QUICK_WINS_CSV)
        assert exe.status_code == 422
        assert "rencana.exe: berkas berjenis .exe tidak diterima" in exe.text
        missing = _upload(web, region.opd, "quick_win_plan", "plan.pdf", PDF)
        assert missing.status_code == 422
        assert "rencana quick win memuat daftar quick win-nya" in missing.text

        web.prog.settings = web.prog.settings.model_copy(update={"upload_max_bytes": 1024})
        big = _upload(web, region.opd, "quick_win_plan", "besar.pdf", PDF + b"0" * 2000,
                      quick_wins=world.QUICK_WINS_CSV)
        assert big.status_code == 413
        assert "besar.pdf melebihi batas 1 KB" in big.text
        # Declared far over the limit: refused before the body is parsed.
        huge = _upload(web, region.opd, "quick_win_plan", "sangat-besar.pdf",
                       PDF + b"0" * (1200 * 1024), quick_wins=world.QUICK_WINS_CSV)
        assert huge.status_code == 413 and "Unggahan ini melebihi batas 1 KB" in huge.text
    stored = [p for p in web.prog.settings.upload_dir.rglob("*") if p.is_file()]
    assert stored and not [p for p in stored if p.read_bytes().startswith((b"MZ", PDF))]


def test_extension_request_is_recorded_for_the_open_deadline(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "bimtek_2")
    browser = web.browser(region.opd)
    with world.unchanged(region.code):
        early = browser.post_form("/opd/extension", {"until": "2026-02-01",
                                                     "reason": "Data belum lengkap"},
                                  page="/opd")
        assert early.status_code == 422 and "tidak lebih akhir dari tenggat" in early.text
        assert 'value="2026-02-01"' in early.text  # what was typed is kept
        bad = browser.post_form("/opd/extension", {"until": "1 Maret", "reason": "x"},
                                page="/opd")
        assert bad.status_code == 422 and "bukan tanggal" in bad.text
    response = browser.post_form("/opd/extension", {
        "until": "2026-03-01", "reason": "Menunggu data Renstra dari dinas"}, page="/opd")
    assert response.status_code == 303 and response.headers["location"] == "/opd?done=extension"
    with web.prog.db.read() as session:
        requests = list(session.execute(select(ExtensionRequest)).scalars())
    assert [(r.requested_by, r.role, r.reason, r.status) for r in requests] == [
        (region.opd, "opd", "Menunggu data Renstra dari dinas", "pending")]
    # 1 March 23:59 WITA is 15:59 UTC.
    assert requests[0].requested_until.replace(tzinfo=UTC) == datetime(2026, 3, 1, 15, 59,
                                                                       tzinfo=UTC)
    page = browser.get("/opd?done=extension").text
    assert "Permintaan perpanjangan terkirim" in page
    assert f"Permintaan perpanjangan #{requests[0].id} sedang diputuskan koordinator." in page
    assert 'action="/opd/extension"' not in page


def test_calendar_feed_parses_and_lists_the_open_deadline(web: Web) -> None:
    web.world.drive(web.region, "bimtek_2")
    response = web.browser(web.region.opd).get("/opd/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    assert str(events[0]["summary"]) == "Batas waktu Bimtek II: Kota Balikpapan"
    assert events[0].decoded("dtstart") == datetime(2026, 2, 19, 15, 59, tzinfo=UTC)
    assert "19 Februari 2026 pukul 23.59 WITA" in str(events[0]["description"])


def test_other_roles_are_refused_and_posts_need_the_csrf_token(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    for email in (web.region.mentor, web.world.COORDINATOR):
        browser = web.browser(email)
        for path in ("/opd", "/opd/calendar.ics"):
            refused = browser.get(path)
            assert refused.status_code == 403
            assert "halaman ini untuk OPD suatu daerah" in refused.text
    browser = web.browser(web.region.opd)
    with web.world.unchanged(web.region.code):
        for path, data in [("/opd/advance", {"trigger": "submit_for_review"}),
                           ("/opd/extension", {"until": "2026-03-01", "reason": "x"})]:
            response = browser.post(path, data=data)
            assert response.status_code == 403 and "tidak berasal dari situs ini" in response.text
        upload = browser.post("/opd/submit", data={"deliverable": "quick_win_plan"},
                              files={"file": ("plan.pdf", PDF, "application/pdf")})
        assert upload.status_code == 403 and "tidak berasal dari situs ini" in upload.text


def test_the_calendar_subscription_address_works_without_sign_in_until_a_password_change(
        web: Web, clock: Any) -> None:
    import re

    from icalendar import Calendar

    from workflows.access import accounts

    page = web.browser(web.region.opd).get("/opd").text
    url = re.search(r'value="https?://[^"]+(/calendar/[^"]+\.ics)" id="subscribe-url"', page)
    assert url, page
    feed = web.anonymous().get(url.group(1))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    Calendar.from_ical(feed.content)
    forged = web.anonymous().get("/calendar/eyJlIjoieCJ9.forged.ics", follow_redirects=False)
    assert forged.status_code == 401 and "tidak valid" in forged.text
    clock.advance(minutes=1)
    accounts.set_password(web.prog, web.region.opd, "another-long-password")
    voided = web.anonymous().get(url.group(1), follow_redirects=False)
    assert voided.status_code == 401 and "tidak berlaku lagi" in voided.text
