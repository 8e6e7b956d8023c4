"""The mentor's review queue: what waits (oldest first), approving, rejecting with comments."""

from __future__ import annotations

import re
from typing import Any

from webkit import Web  # type: ignore[import-not-found]

from engine import Records
from workflows.directory import registration


def _version(web: Web, code: str) -> int:
    with web.prog.db.read() as session:
        return int(web.prog.current_instance(session, code).version)


def _decide(web: Web, email: str, code: str, decision: str, comment: str = "",
            **extra: Any) -> Any:
    browser = web.browser(email)
    data = {"decision": decision, "comment": comment, "expected_version": _version(web, code),
            **extra}
    return browser.post_form(f"/queue/{code}/review", data, page="/queue")


def test_queue_shows_my_waiting_regions_oldest_first_with_the_plan(web: Web, clock: Any) -> None:
    world, balikpapan = web.world, web.region
    samarinda = world.region("64.72", opds=("DINKES",))
    bontang = world.region("64.74", opds=("DISHUB",))
    registration.assign_mentor(web.prog, balikpapan.mentor, [samarinda.code, bontang.code])
    world.drive(samarinda, "mentor_review")  # waiting longest
    clock.advance(days=2)
    world.drive(balikpapan, "mentor_review")
    world.drive(bontang, "quick_win_submission")  # mine, but not under review

    page = web.browser(balikpapan.mentor).get("/queue")
    assert page.status_code == 200
    text = page.text
    assert text.index("Kota Samarinda") < text.index("Kota Balikpapan")
    assert "Kota Bontang" not in text
    with web.prog.db.read() as session:
        latest = Records(session).latest_submission(
            web.prog.current_instance(session, "64.71").id, "quick_win_plan")
    assert latest.file_name in text
    # The checksum only under "Detail teknis", folded away.
    entry = text[text.index('id="region-64.71"'):]
    technical = re.search(r'<details class="technical"><summary>Detail teknis</summary>.*?'
                          r"</details>", entry, re.S)
    assert technical is not None and latest.sha256 in technical.group(0)
    assert text.count(latest.sha256[:12]) == 1
    assert "Online permits in one portal" in text and "Smart Governance" in text
    assert "Putaran 1" in text
    # Shown in the region's zone with WIB alongside: entered at 02:00Z on 7 Jan.
    assert "7 Jan 2026 10.00 WITA" in text and "7 Jan 2026 09.00 WIB" in text
    # The form carries the version the decision is made on.
    assert f'name="expected_version" value="{_version(web, "64.71")}"' in text

    # Samarinda's own mentor does not see Balikpapan.
    other = web.browser(samarinda.mentor).get("/queue").text
    assert "Kota Samarinda" in other and "Kota Balikpapan" not in other


def test_approve_moves_the_region_on_and_says_so(web: Web) -> None:
    web.world.drive(web.region, "mentor_review")
    with web.world.unchanged("64.71"):  # first the "Yakin ...?" page (confirm_step tests)
        asked = _decide(web, web.region.mentor, "64.71", "approve", "Layak dilaksanakan")
    assert asked.status_code == 200 and "Yakin menyetujui" in asked.text
    response = _decide(web, web.region.mentor, "64.71", "approve", "Layak dilaksanakan",
                       confirmed="yes")
    assert response.status_code == 303
    assert response.headers["location"] == "/queue?done=approve&region=64.71"
    assert web.world.state("64.71") == "presentation"
    with web.prog.db.read() as session:
        decided = Records(session).reviews(
            web.prog.current_instance(session, "64.71").id, "quick_win_plan")
    assert [(r.round, r.decision, r.comment, r.reviewer) for r in decided] == [
        (1, "approved", "Layak dilaksanakan", web.region.mentor)]
    after = web.browser(web.region.mentor).get(response.headers["location"]).text
    assert "Keputusan untuk Kota Balikpapan tercatat (disetujui)" in after
    assert "tahap sekarang: Presentasi kepala daerah" in after
    assert "Tidak ada rencana yang menunggu" in after


def test_reject_sends_it_back_and_the_comment_is_shown_as_text(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "mentor_review")
    comment = "Perbaiki target <script>alert('x')</script> & tambah anggaran"
    response = _decide(web, region.mentor, "64.71", "reject", comment)
    assert response.status_code == 303
    assert world.state("64.71") == "revision"
    world.revise(region)  # version 2 and resubmission
    page = web.browser(region.mentor).get("/queue").text
    assert "Putaran 2" in page and "Putaran sebelumnya" in page
    assert "<script>alert" not in page
    assert "Perbaiki target &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; tambah" in page
    assert re.search(r"Versi</dt><dd>2</dd>", page)


def test_reject_without_a_comment_is_refused_with_the_engines_reason(web: Web) -> None:
    web.world.drive(web.region, "mentor_review")
    with web.world.unchanged("64.71"):
        response = _decide(web, web.region.mentor, "64.71", "reject", "   ")
    assert response.status_code == 409
    assert "catatan wajib diisi" in response.text
    assert "tuliskan apa yang harus diubah" in response.text
    # The queue is shown again with the region still waiting.
    assert 'action="/queue/64.71/review"' in response.text


def test_stale_version_and_unknown_decision_are_refused(web: Web) -> None:
    web.world.drive(web.region, "mentor_review")
    with web.world.unchanged("64.71"):
        stale = _decide(web, web.region.mentor, "64.71", "approve",
                        expected_version=_version(web, "64.71") - 1)
        odd = _decide(web, web.region.mentor, "64.71", "ignore")
    assert stale.status_code == 409 and "telah berubah sejak Anda membukanya" in stale.text
    assert odd.status_code == 422 and "hanya dapat menyetujui atau menolak, bukan “ignore”" in \
        odd.text


def test_other_roles_and_other_mentors_are_refused(web: Web) -> None:
    web.world.drive(web.region, "mentor_review")
    for email in (web.region.opd, web.world.COORDINATOR, web.region.head):
        page = web.browser(email).get("/queue")
        assert page.status_code == 403
        assert "antrean reviu hanya untuk mentor" in page.text
    # The OPD posting a decision is refused by the engine.
    with web.world.unchanged("64.71"):
        refused = _decide(web, web.region.opd, "64.71", "approve")
    assert refused.status_code == 403 and "hanya mentor yang dapat" in refused.text.lower()
    # A mentor of another region may not decide on this one.
    stranger = web.world.region("64.72", opds=("DINKES",))
    with web.world.unchanged("64.71"):
        foreign = _decide(web, stranger.mentor, "64.71", "approve")
    assert foreign.status_code == 403 and "tidak ditugaskan untuk 64.71" in foreign.text


def test_a_decision_without_the_csrf_token_is_refused(web: Web) -> None:
    web.world.drive(web.region, "mentor_review")
    browser = web.browser(web.region.mentor)
    with web.world.unchanged("64.71"):
        response = browser.post("/queue/64.71/review", data={
            "decision": "approve", "expected_version": _version(web, "64.71")})
    assert response.status_code == 403
    assert "tidak berasal dari situs ini" in response.text


def test_signed_out_visitors_are_sent_to_the_login(web: Web) -> None:
    response = web.anonymous().get("/queue", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fqueue"
