"""In real Chromium: a coordinator advances a region from its page; a mentor rejects a plan with
a comment, the OPD reads it, uploads a revised version and resubmits, and the mentor approves;
the wrong role is refused; screenshots of the board and a region page are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import Records

pytestmark = pytest.mark.browser

PLAN = b"%PDF-1.4\n% quick-win plan of Kota Balikpapan, revision 1\n%%EOF\n"
HOSTILE = "Target <script>alert('x')</script> belum terukur & anggaran kurang"


def test_coordinator_signs_in_and_closes_bimtek_1_from_the_region_page(
        live: Any, chromium: Any) -> None:
    samarinda = live.regions["64.72"]
    live.world.drive(samarinda, "bimtek_1")
    for email in samarinda.opds.values():
        live.world.submit(samarinda.code, "questionnaire", email)

    page = live.sign_in(chromium, live.world.COORDINATOR)
    assert page.url.endswith("/board")
    page.goto("/regions/64.72")
    page.get_by_role("button", name="Tutup bimtek I").click()
    page.wait_for_url("**/regions/64.72?done=close_bimtek_1")
    assert page.get_by_role("status").is_visible()
    assert live.state("64.72") == "bimtek_2"
    page.context.close()


def test_reject_revise_resubmit_approve_in_the_browser(live: Any, chromium: Any,
                                                      artifacts: Path) -> None:
    balikpapan = live.regions["64.71"]
    live.world.drive(balikpapan, "mentor_review")  # plan v1 submitted and sent for review
    dialogs: list[str] = []

    # The mentor rejects with a comment that would run as script if it were not escaped.
    mentor = live.sign_in(chromium, balikpapan.mentor)
    mentor.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert mentor.url.endswith("/queue")
    entry = mentor.locator("#region-64\\.71")
    assert "Putaran 1" in entry.inner_text()
    entry.get_by_label("Komentar untuk daerah").fill(HOSTILE)
    entry.get_by_role("button", name="Tolak dengan komentar").click()
    mentor.wait_for_url("**/queue?done=reject&region=64.71")
    assert "tahap sekarang: Revisi" in mentor.get_by_role("status").inner_text()
    assert live.state("64.71") == "revision"

    # The wrong role is refused.
    opd = live.sign_in(chromium, balikpapan.opd)
    opd.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    response = opd.goto("/queue")
    assert response is not None and response.status == 403
    assert "antrean reviu hanya untuk mentor" in opd.get_by_role("alert").inner_text()

    # The OPD reads the comment as text, uploads version 2 with its quick wins, resubmits.
    opd.goto("/opd")
    assert opd.locator("#mentor-comment").inner_text() == HOSTILE
    assert "perlu versi baru" in opd.locator("#owed").inner_text()
    opd.screenshot(path=str(artifacts / "opd-revision.png"), full_page=True)
    opd.select_option("select[name=deliverable]", "quick_win_plan")
    opd.set_input_files("input[name=file]", files=[{
        "name": "rencana-quick-win-v2.pdf", "mimeType": "application/pdf", "buffer": PLAN}])
    opd.set_input_files("input[name=quick_wins]", files=[{
        "name": "quick-wins.csv", "mimeType": "text/csv",
        "buffer": live.world.QUICK_WINS_CSV.encode()}])
    opd.get_by_label("Catatan (opsional)").fill("Target dan anggaran dilengkapi")
    opd.get_by_role("button", name="Unggah").click()
    opd.wait_for_url("**/opd?done=submit&what=quick_win_plan")
    assert "Rencana quick win versi 2 diterima" in opd.get_by_role("status").inner_text()
    opd.get_by_role("button", name="Kirim ulang rencana yang sudah diperbaiki").click()
    opd.wait_for_url("**/opd?done=advance")
    assert live.state("64.71") == "mentor_review"

    # The mentor sees round 2 with round 1's comment, and approves.
    mentor.goto("/queue")
    entry = mentor.locator("#region-64\\.71")
    text = entry.inner_text()
    assert "Putaran 2" in text and HOSTILE in text and "rencana-quick-win-v2.pdf" in text
    mentor.screenshot(path=str(artifacts / "queue-round-2.png"), full_page=True)
    entry.get_by_label("Komentar untuk daerah").fill("Layak dilaksanakan")
    entry.get_by_role("button", name="Setujui").click()
    mentor.get_by_role("button", name="Ya, setujui").click()  # the "Yakin ...?" step
    mentor.wait_for_url("**/queue?done=approve&region=64.71")
    assert live.state("64.71") == "presentation"
    with live.prog.db.read() as session:
        instance = live.prog.current_instance(session, "64.71")
        decided = Records(session).reviews(instance.id, "quick_win_plan")
        latest = Records(session).latest_submission(instance.id, "quick_win_plan")
    assert [(r.round, r.decision, r.comment) for r in decided] == [
        (1, "rejected", HOSTILE), (2, "approved", "Layak dilaksanakan")]
    assert (latest.version, latest.file_name, latest.submitted_by) == (
        2, "rencana-quick-win-v2.pdf", balikpapan.opd)
    assert decided[1].submission_id == latest.id
    assert dialogs == []  # the comment never ran as script
    mentor.context.close()
    opd.context.close()


def test_screenshots_of_the_board_and_the_region_page(live: Any, chromium: Any,
                                                     artifacts: Path) -> None:
    page = live.sign_in(chromium, live.world.COORDINATOR)
    page.goto("/board")
    assert "Kota Balikpapan" in page.content()
    board = artifacts / "board.png"
    page.screenshot(path=str(board), full_page=True)
    page.goto("/regions/64.71")
    assert "Kota Balikpapan" in page.title() + page.content()
    region = artifacts / "region-64.71.png"
    page.screenshot(path=str(region), full_page=True)
    for shot in (board, region):
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), shot
        assert len(data) > 10_000, f"{shot} is only {len(data)} bytes"
    page.context.close()
