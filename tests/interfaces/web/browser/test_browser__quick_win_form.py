"""In real Chromium on a phone (390x844), in Indonesian: an OPD enters its quick wins in the
form, one row each with a dimension and an element picked from the lists, saves them as the
plan and sends it for review; the mentor approves after the "Yakin ...?" step. Screenshots
of the filled form and of the confirmation are kept in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import Records
from workflows.master_plan.quick_wins import of_submission

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _on_phone(page: Any) -> Any:
    page.set_viewport_size(PHONE)
    return page


def _no_sideways_scroll(page: Any, selector: str = "html") -> None:
    overflow = page.eval_on_selector(selector, "e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0, f"{selector} scrolls sideways by {overflow}px at 390px"


def test_an_opd_enters_quick_wins_and_a_mentor_approves_after_confirming(
        live: Any, chromium: Any, artifacts: Path) -> None:
    balikpapan = live.regions["64.71"]
    live.world.drive(balikpapan, "quick_win_submission")

    opd = _on_phone(live.sign_in(chromium, balikpapan.opd))
    opd.goto("/opd")
    form = opd.locator("#quick-wins")
    assert "Rencana quick win" in form.inner_text()
    opd.fill("#qw-0-title", "Izin usaha daring dalam satu portal")
    opd.select_option("#qw-0-dimension", label="Smart Governance")
    opd.select_option("#qw-0-element", label="Pelayanan publik")
    opd.fill("#qw-0-description", "Layanan izin yang sudah ada digabung; dirasakan dalam 6 bulan")
    opd.fill("#qw-1-title", "Ambulans gawat darurat 112")
    opd.select_option("#qw-1-element", label="Kesehatan")  # the dimension follows the element
    opd.select_option("#qw-1-opd", value="BAPPEDA")
    opd.fill("#qw-note", "Daftar final hasil bimtek IV")
    _no_sideways_scroll(opd, "#quick-wins")
    form.screenshot(path=str(artifacts / "quickwin_form_390.png"))

    opd.get_by_role("button", name="Simpan rencana quick win").click()
    opd.wait_for_url("**/opd?done=submit&what=quick_win_plan#main")
    assert "Rencana quick win" in opd.get_by_role("status").first.inner_text()
    with live.prog.db.read() as session:
        instance = live.prog.current_instance(session, "64.71")
        plan = Records(session).latest_submission(instance.id, "quick_win_plan")
        assert plan is not None and plan.file_name == "rencana-quick-win-6471.csv"
        wins = [(w.title, w.dimension, w.element, w.opd_code)
                for w in of_submission(session, plan.id)]
    assert wins == [
        ("Izin usaha daring dalam satu portal", "governance", "public_service", "DISKOMINFO"),
        ("Ambulans gawat darurat 112", "living", "health", "BAPPEDA")]
    opd.get_by_role("button", name="Kirim rencana quick win ke mentor").click()
    opd.wait_for_url("**/opd?done=advance")
    assert live.state("64.71") == "mentor_review"
    opd.context.close()

    mentor = _on_phone(live.sign_in(chromium, balikpapan.mentor))
    mentor.goto("/queue")
    entry = mentor.locator("#region-64\\.71")
    listed = entry.inner_text()
    assert "Izin usaha daring dalam satu portal" in listed and "Pelayanan publik" in listed
    entry.get_by_role("button", name="Setujui").click()
    # Not yet: the server answers with the "Yakin ...?" page and nothing is decided.
    heading = mentor.get_by_role("heading", level=1)
    assert heading.inner_text() == "Yakin menyetujui rencana quick win Kota Balikpapan?"
    assert "Belum dilakukan" in mentor.get_by_role("status").inner_text()
    assert "putaran reviu 1" in mentor.locator("#confirm-consequence").inner_text()
    assert live.state("64.71") == "mentor_review"
    _no_sideways_scroll(mentor)
    mentor.screenshot(path=str(artifacts / "mentor_confirm_390.png"), full_page=True)

    mentor.get_by_role("button", name="Ya, setujui").click()
    mentor.wait_for_url("**/queue?done=approve&region=64.71")
    assert live.state("64.71") == "presentation"
    for shot in ("quickwin_form_390.png", "mentor_confirm_390.png"):
        data = (artifacts / shot).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000, shot
    mentor.context.close()
