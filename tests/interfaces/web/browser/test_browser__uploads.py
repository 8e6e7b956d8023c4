"""In real Chromium on a phone (390x844), in Indonesian: the head of region lands on "Daerah
saya" and uploads the commitment sheet, then the presentation, and reports it held; a
coordinator uploads the regulation on the region page and advances the region to
implementation. Screenshots are kept in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from worldkit import document

from engine import Records

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n% Lembar komitmen Kota Balikpapan\n%%EOF\n"
SLIDES = document(".pptx", "paparan wali kota")  # a real OOXML container: checked by content
REGULATION = b"%PDF-1.4\n% Peraturan Wali Kota Samarinda tentang Masterplan Smart City\n%%EOF\n"


def on_phone(live: Any, chromium: Any, email: str) -> Any:
    """A fresh phone-sized context in Indonesian, signed in through the login form."""
    return live.sign_in(chromium, email, viewport=PHONE, device_scale_factor=1,
                        is_mobile=True, has_touch=True)


def fits(page: Any) -> bool:
    """Nothing on the page scrolls sideways at the phone's width."""
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def upload(page: Any, deliverable: str, name: str, data: bytes, mime: str) -> None:
    form = page.locator(f"#upload-{deliverable}")
    form.locator("input[name=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}])
    form.get_by_role("button", name="Unggah").click()


def latest(live: Any, code: str, deliverable: str) -> Any:
    with live.prog.db.read() as session:
        instance = live.prog.current_instance(session, code)
        return Records(session).latest_submission(instance.id, deliverable)


def test_the_head_uploads_the_commitment_sheet_and_the_presentation(
        live: Any, chromium: Any, artifacts: Path) -> None:
    balikpapan = live.regions["64.71"]
    live.world.drive(balikpapan, "bimtek_4")
    head = on_phone(live, chromium, balikpapan.head)
    assert head.url.endswith("/my-region")
    assert head.get_by_role("link", name="Daerah saya").is_visible()
    owed = head.locator("#owed").inner_text()
    assert "unggah dokumen" in owed and "paling lambat" in owed
    assert "Saat ini tidak ada yang perlu Anda lakukan" not in head.content()

    upload(head, "commitment_sheet", "lembar-komitmen-balikpapan.pdf", PDF, "application/pdf")
    head.wait_for_url("**/my-region?uploaded=commitment_sheet*")
    assert "versi 1 diterima: lembar-komitmen-balikpapan.pdf" in \
        head.get_by_role("status").inner_text()
    sheet = latest(live, "64.71", "commitment_sheet")
    assert (sheet.file_name, sheet.submitted_by) == ("lembar-komitmen-balikpapan.pdf",
                                                     balikpapan.head)
    # The file is now a link among the region's documents.
    assert head.locator("#files").get_by_role(
        "link", name="lembar-komitmen-balikpapan.pdf").is_visible()
    assert fits(head)

    # The OPDs finish Buku 2, the coordinator closes Bimtek IV, the plan is approved.
    live.world.submit("64.71", "buku_2", balikpapan.opd, note="final")
    live.world.fire("64.71", "close_bimtek_4", live.world.COORDINATOR)
    live.world.drive(balikpapan, "presentation")

    head.goto("/my-region")
    assert head.locator("#upload-commitment_sheet").count() == 0
    upload(head, "presentation", "paparan-wali-kota.pptx", SLIDES,
           "application/vnd.openxmlformats-officedocument.presentationml.presentation")
    head.wait_for_url("**/my-region?uploaded=presentation*")
    assert "paparan-wali-kota.pptx" in head.get_by_role("status").inner_text()
    assert latest(live, "64.71", "presentation").submitted_by == balikpapan.head
    assert fits(head)
    head.screenshot(path=str(artifacts / "head_upload_390.png"), full_page=True)

    head.locator("button[name=trigger][value=present]").click()
    head.wait_for_url("**/my-region?done=present")
    assert head.get_by_role("status").inner_text().startswith("Selesai: ")
    assert live.state("64.71") == "adoption"
    head.context.close()


def test_a_coordinator_uploads_the_regulation_and_advances(
        live: Any, chromium: Any, artifacts: Path) -> None:
    samarinda = live.regions["64.72"]
    live.world.drive(samarinda, "adoption")
    page = on_phone(live, chromium, live.world.COORDINATOR)
    page.goto("/regions/64.72")
    adopt = page.locator("form.action:has(input[name=trigger][value=adopt])")
    assert adopt.count() == 0  # blocked until the regulation is in

    upload(page, "regulation", "Perwali Samarinda 2026.pdf", REGULATION, "application/pdf")
    page.wait_for_url("**/regions/64.72?uploaded=regulation*")
    assert "versi 1 diterima: Perwali Samarinda 2026.pdf" in \
        page.get_by_role("status").inner_text()
    assert "Perwali Samarinda 2026.pdf" in page.locator("#upload-regulation").inner_text()
    page.locator("#current-stage").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "coordinator_regulation_390.png"))
    link = page.locator("#submissions").get_by_role("link", name="Perwali Samarinda 2026.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Perwali Samarinda 2026.pdf"
    assert Path(download.value.path()).read_bytes() == REGULATION

    adopt.get_by_role("button").click()
    # Adopting is confirmed first.
    page.locator(".confirm-step button[type=submit]").click()
    page.wait_for_url("**/regions/64.72?done=adopt")
    assert live.state("64.72") == "implementation"
    page.context.close()
