""""Daerah saya": the head of region lands on it, sees what they owe and by when (never
"nothing to do" while their own document holds the region), uploads the MoU, the commitment
sheet and the presentation there, fires their own actions, and downloads the region's files;
nobody else has the page."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]
from worldkit import document

from engine.models import Submission

NOTHING = "Saat ini tidak ada yang perlu Anda lakukan"


def _upload(browser: Any, deliverable: str, name: str, data: bytes, note: str = "") -> Any:
    return browser.post("/my-region/submit",
                        files={"file": (name, data, "application/octet-stream")},
                        data={"deliverable": deliverable, "note": note,
                              "csrf_token": browser.csrf("/my-region")})


def _advance(web: Web, browser: Any, trigger: str) -> Any:
    with web.prog.db.read() as session:
        version = web.prog.current_instance(session, web.region.code).version
    return browser.post_form("/my-region/advance", {"trigger": trigger,
                                                    "expected_version": str(version)},
                             page="/my-region")


def _latest(web: Web, deliverable: str) -> Submission:
    with web.prog.db.read() as session:
        found = session.execute(select(Submission).where(
            col(Submission.deliverable) == deliverable).order_by(
            col(Submission.id).desc())).scalars().first()
    assert found is not None
    return found


def test_the_head_lands_on_daerah_saya_with_a_menu_entry(web: Web) -> None:
    head = web.browser(web.region.head)
    landing = head.get("/")
    assert landing.status_code == 303 and landing.headers["location"] == "/my-region"
    page = head.get("/my-region")
    assert page.status_code == 200
    assert '<a href="/my-region">Daerah saya</a>' in page.text
    assert "Daerah saya: Kota Balikpapan" in page.text
    english = head.get("/my-region?lang=en").text
    assert "My region: Kota Balikpapan" in english and "Daerah saya" not in english


def test_at_the_mou_the_head_owes_the_signed_mou_uploads_it_and_signs(web: Web) -> None:
    r = web.region
    web.world.drive(r, "mou")
    head = web.browser(r.head)
    page = head.get("/my-region").text
    owed = page.split('id="owed"', 1)[1].split("</ul>", 1)[0]
    assert "unggah dokumen" in owed and "paling lambat" in owed  # with its deadline
    assert NOTHING not in page
    assert 'id="upload-signed_mou"' in page
    assert "wajib Anda kirim" in page
    # Signing is listed, blocked until the document is in, with the engine's reason.
    assert 'id="blocked"' in page and 'value="sign_mou"' not in page

    sent = _upload(head, "signed_mou", "MoU Balikpapan (ttd).pdf", b"%PDF-1.4 mou\n%%EOF\n",
                   note="ditandatangani 3 Maret")
    assert sent.status_code == 303
    assert sent.headers["location"] == "/my-region?uploaded=signed_mou#uploads"
    stored = _latest(web, "signed_mou")
    assert (stored.submitted_by, stored.file_name, stored.note) == (
        r.head, "MoU Balikpapan (ttd).pdf", "ditandatangani 3 Maret")
    after = head.get("/my-region?uploaded=signed_mou").text
    assert re.search(r'role="status">[^<]* versi 1 diterima: MoU Balikpapan \(ttd\)\.pdf\.<',
                     after)
    # Now the head owes the signing itself, and may do it.
    assert "tindakan Anda" in after.split('id="owed"', 1)[1].split("</ul>", 1)[0]
    assert 'name="trigger" value="sign_mou"' in after
    signed = _advance(web, head, "sign_mou")
    assert signed.status_code == 303 and signed.headers["location"] == "/my-region?done=sign_mou"
    assert web.world.state(r.code) == "institutions"
    done = head.get("/my-region?done=sign_mou").text
    assert 'role="status">Selesai: ' in done
    # Institutions wait for the coordinator's decrees: nothing for the head, and says whom.
    assert NOTHING in done and 'id="waiting-for"' in done
    assert 'id="uploads-none"' in done


def test_the_head_uploads_the_commitment_sheet_then_the_presentation(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_4")
    head = web.browser(r.head)
    page = head.get("/my-region").text
    assert 'id="upload-commitment_sheet"' in page and NOTHING not in page
    assert _upload(head, "commitment_sheet", "lembar-komitmen.pdf",
                   b"%PDF-1.4 komitmen\n%%EOF\n").status_code == 303
    assert _latest(web, "commitment_sheet").submitted_by == r.head
    after = head.get("/my-region").text
    assert 'id="upload-commitment_sheet"' in after  # a new version is still accepted
    assert "boleh dikirim ulang" in after
    assert 'id="uploads-none"' not in after

    web.world.leave(r, "bimtek_4")  # the OPD's Buku 2 and the coordinator's closing
    web.world.drive(r, "presentation")
    page = head.get("/my-region").text
    assert 'id="upload-presentation"' in page and 'id="upload-commitment_sheet"' not in page
    assert _upload(head, "presentation", "paparan-walikota.pptx",
                   document(".pptx", "slides")).status_code == 303
    assert 'name="trigger" value="present"' in head.get("/my-region").text
    assert _advance(web, head, "present").status_code == 303
    assert web.world.state(r.code) == "adoption"


def test_a_refused_upload_says_why_beside_its_form_and_keeps_the_note(web: Web) -> None:
    r = web.region
    web.world.drive(r, "mou")
    head = web.browser(r.head)
    with web.world.unchanged(r.code):
        refused = _upload(head, "signed_mou", "mou.exe", b"MZ\x90\x00", note="catatan saya")
    assert refused.status_code == 422
    form = refused.text.split('id="upload-signed_mou"', 1)[1].split("</form>", 1)[0]
    assert 'role="alert"' in form and "mou.exe" in form
    assert "catatan saya</textarea>" in form
    # A document the head may not submit is refused by the server too.
    with web.world.unchanged(r.code):
        other = _upload(head, "council_decree", "sk.pdf", b"%PDF-1.4\n")
    assert other.status_code == 403


def test_the_heads_page_lists_the_regions_files_to_download(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_2")  # assessment result, MoU, decrees, questionnaires
    head = web.browser(r.head)
    page = head.get("/my-region").text
    decree = _latest(web, "council_decree")
    link = f'href="/regions/{r.code}/files/{decree.id}"'
    assert link in page
    files = page.split('id="files"', 1)[1].split("</ul>", 1)[0]
    assert decree.file_name in files and " B)" in files  # its size
    assert "Tim Koordinator 100 Smart City" in files  # who sent it, by name
    assert decree.sha256[:12] not in page  # no hashes
    got = head.get(f"/regions/{r.code}/files/{decree.id}")
    assert got.status_code == 200 and got.content.startswith(b"%PDF-1.4")


def test_nobody_but_a_head_of_region_has_the_page(web: Web) -> None:
    r = web.region
    for email in (r.opd, r.mentor, web.world.COORDINATOR):
        refused = web.browser(email).get("/my-region")
        assert refused.status_code == 403, email
        assert "Halaman ini untuk kepala daerah" in refused.text
    assert web.anonymous().get("/my-region", follow_redirects=False).status_code == 303


def test_while_the_opds_owe_the_head_is_told_how_many(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    page = web.browser(r.head).get("/my-region").text
    assert NOTHING in page
    waiting = page.split('id="waiting-for"', 1)[1].split("</ul>", 1)[0]
    assert re.search(r"<li>2 OPD belum mengirim [^<]+</li>", waiting)
    web.world.submit(r.code, "questionnaire", r.opd)
    english = web.browser(r.head).get("/my-region?lang=en").text
    assert re.search(r"<li>1 OPD has not yet sent its [^<]+</li>", english)
