"""Uploads on the region page: whoever may submit a document to the region now gets its form
there (the engine's own rule), a coordinator uploads the decrees and the regulation and then
advances with the action buttons; submitted files are links to download, allowed to whoever
acts for the region and refused to everyone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]
from worldkit import document

from engine.models import Submission


def _upload(browser: Any, code: str, deliverable: str, name: str, data: bytes,
            **fields: Any) -> Any:
    files = {"file": (name, data, "application/octet-stream")}
    if "quick_wins" in fields:
        files["quick_wins"] = ("quick-wins.csv", fields.pop("quick_wins").encode(), "text/csv")
    return browser.post(f"/regions/{code}/submit", files=files, data={
        "deliverable": deliverable, "csrf_token": browser.csrf(f"/regions/{code}"), **fields})


def _forms(page: str) -> list[str]:
    return re.findall(r'<form [^>]*id="upload-([a-z_0-9]+)"', page)


def _latest(web: Web, deliverable: str) -> Submission:
    with web.prog.db.read() as session:
        found = session.execute(select(Submission).where(
            col(Submission.deliverable) == deliverable).order_by(
            col(Submission.id).desc())).scalars().first()
    assert found is not None
    return found


def test_a_coordinator_uploads_the_regulation_and_adopts(web: Web) -> None:
    r = web.region
    web.world.drive(r, "adoption")
    coordinator = web.browser(web.world.COORDINATOR)
    page = coordinator.get(f"/regions/{r.code}").text
    assert _forms(page) == ["regulation"]
    assert 'value="adopt"' not in page  # blocked until the regulation is in
    english = coordinator.get(f"/regions/{r.code}?lang=en").text
    assert "Upload documents" in english and "yours to send" in english
    coordinator.get(f"/regions/{r.code}?lang=id")

    sent = _upload(coordinator, r.code, "regulation", "Perwali 12 Tahun 2026.pdf",
                   b"%PDF-1.4 perwali\n%%EOF\n", note="diundangkan 1 Juli")
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/regions/{r.code}?uploaded=regulation#uploads"
    stored = _latest(web, "regulation")
    assert (stored.file_name, stored.submitted_by, stored.note) == (
        "Perwali 12 Tahun 2026.pdf", web.world.COORDINATOR, "diundangkan 1 Juli")
    after = coordinator.get(f"/regions/{r.code}?uploaded=regulation").text
    assert re.search(r'role="status">[^<]* versi 1 diterima: Perwali 12 Tahun 2026\.pdf\.<',
                     after)
    assert f'href="/regions/{r.code}/files/{stored.id}"' in after
    # The existing action button now advances the region.
    assert 'name="trigger" value="adopt"' in after
    with web.prog.db.read() as session:
        version = web.prog.current_instance(session, r.code).version
    adopted = coordinator.post_form(f"/regions/{r.code}/advance", {
        "trigger": "adopt", "expected_version": str(version), "confirmed": "yes"},
        page=f"/regions/{r.code}")  # adopting is confirmed first (tested with its page)
    assert adopted.status_code == 303
    assert web.world.state(r.code) == "implementation"


def test_the_forms_follow_the_stage_and_the_viewers_role(web: Web) -> None:
    r = web.region
    web.world.drive(r, "institutions")
    coordinator = web.browser(web.world.COORDINATOR)
    assert _forms(coordinator.get(f"/regions/{r.code}").text) == [
        "council_decree", "implementation_team_decree"]
    for email in (r.mentor, r.head, r.opd, web.world.ASSESSOR):
        page = web.browser(email).get(f"/regions/{r.code}").text
        assert _forms(page) == [], email
        assert 'id="uploads"' not in page
    for deliverable in ("council_decree", "implementation_team_decree"):
        assert _upload(coordinator, r.code, deliverable, f"{deliverable}.pdf",
                       b"%PDF-1.4\n").status_code == 303
    with web.prog.db.read() as session:
        version = web.prog.current_instance(session, r.code).version
    coordinator.post_form(f"/regions/{r.code}/advance", {
        "trigger": "establish_institutions", "expected_version": str(version)},
        page=f"/regions/{r.code}")
    assert web.world.state(r.code) == "bimtek_1"
    # Bimtek I: the coordinator may send an OPD's questionnaire for it, naming the OPD.
    page = coordinator.get(f"/regions/{r.code}").text
    assert _forms(page) == ["questionnaire", "buku_1"]  # needed first, then optional
    form = page.split('id="upload-questionnaire"', 1)[1].split("</form>", 1)[0]
    assert '<select name="party" required>' in form
    assert 'value="BAPPEDA"' in form and 'value="DISKOMINFO"' in form
    assert _upload(coordinator, r.code, "questionnaire", "kuesioner.xlsx", document(".xlsx"),
                   party="BAPPEDA").status_code == 303
    assert _latest(web, "questionnaire").party == "BAPPEDA"


def test_the_head_sees_what_they_owe_on_the_region_page_too(web: Web) -> None:
    r = web.region
    web.world.drive(r, "mou")
    page = web.browser(r.head).get(f"/regions/{r.code}").text
    assert "Saat ini tidak ada yang perlu Anda lakukan" not in page
    assert 'id="mine"' in page and _forms(page) == ["signed_mou"]


def test_a_refused_upload_shows_the_reason_beside_its_form(web: Web) -> None:
    r = web.region
    web.world.drive(r, "adoption")
    coordinator = web.browser(web.world.COORDINATOR)
    with web.world.unchanged(r.code):
        refused = _upload(coordinator, r.code, "regulation", "perwali.exe", b"MZ",
                          note="versi final")
    assert refused.status_code == 422
    form = refused.text.split('id="upload-regulation"', 1)[1].split("</form>", 1)[0]
    assert 'role="alert"' in form and "perwali.exe" in form
    assert "versi final</textarea>" in form
    with web.world.unchanged(r.code):
        empty = coordinator.post(f"/regions/{r.code}/submit", data={
            "deliverable": "regulation", "csrf_token": coordinator.csrf(f"/regions/{r.code}")})
    assert empty.status_code == 422 and "Pilih berkas" in empty.text
    # Whoever may not submit is refused by the server, whatever the form says.
    with web.world.unchanged(r.code):
        mentor = web.browser(r.mentor)
        assert _upload(mentor, r.code, "regulation", "x.pdf", b"%PDF-1.4\n").status_code == 403
    # And without the form's token nothing is stored.
    with web.world.unchanged(r.code):
        forged = coordinator.post(f"/regions/{r.code}/submit", data={
            "deliverable": "regulation", "csrf_token": "forged"},
            files={"file": ("p.pdf", b"%PDF-1.4\n", "application/pdf")})
    assert forged.status_code == 403


def test_the_submissions_table_links_each_file_with_its_size_and_no_hash(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    decree = _latest(web, "council_decree")
    page = web.browser(web.world.ASSESSOR).get(f"/regions/{r.code}").text
    table = page.split('id="submissions"', 1)[1].split("</table>", 1)[0]
    assert f'<a href="/regions/{r.code}/files/{decree.id}" download>{decree.file_name}</a>' \
        in table
    assert f"{decree.size_bytes} B" in table
    assert decree.sha256[:12] not in page


@pytest.mark.parametrize("who", ["coordinator", "assessor", "mentor", "head", "opd",
                                 "other_opd"])
def test_the_regions_people_download_its_files(web: Web, who: str) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    mou = _latest(web, "signed_mou")
    email = {"coordinator": web.world.COORDINATOR, "assessor": web.world.ASSESSOR,
             "mentor": r.mentor, "head": r.head, "opd": r.opd,
             "other_opd": r.opds["BAPPEDA"]}[who]
    got = web.browser(email).get(f"/regions/{r.code}/files/{mou.id}")
    assert got.status_code == 200, got.text
    assert got.content.startswith(b"%PDF-1.4")
    assert got.headers["content-disposition"].startswith("attachment;")


def test_people_of_another_region_cannot_download(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    mou = _latest(web, "signed_mou")
    other = web.world.region("91.71", opds=("DINKES",))
    for email in (other.opds["DINKES"], other.head, other.mentor):
        refused = web.browser(email).get(f"/regions/{r.code}/files/{mou.id}")
        assert refused.status_code == 403, email
    # Through another region's path, the file is not found at all.
    coordinator = web.browser(web.world.COORDINATOR)
    assert coordinator.get(f"/regions/91.71/files/{mou.id}").status_code == 404
    # And a stranger to both regions learns nothing from their own region's path either.
    assert web.browser(other.head).get(
        f"/regions/91.71/files/{mou.id}").status_code == 404
