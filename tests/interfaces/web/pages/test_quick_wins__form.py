"""The OPD page's quick-win form: rows with a title, a dimension, an element grouped by
dimension, the OPD and a description, sent as a new version of the quick-win plan through the
same call as an upload; every problem beside its field with every row kept; a CSV (any
separator and encoding a spreadsheet saves) loaded into the rows; the downloadable template.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]

from engine.models import Submission
from workflows.master_plan.quick_wins import QuickWin, parse_quick_wins

PDF = b"%PDF-1.4\n% quick-win plan of Kota Balikpapan\n%%EOF\n"


def _rows(*rows: dict[str, str]) -> dict[str, str]:
    data = {"rows": str(len(rows))}
    for i, row in enumerate(rows):
        data.update({f"qw-{i}-{k}": v for k, v in row.items()})
    return data


def _post(web: Web, email: str, action: str, data: dict[str, str],
          files: dict[str, Any] | None = None, lang: str = "") -> Any:
    browser = web.browser(email)
    token = browser.csrf("/opd")
    url = "/opd/quick-wins" + (f"?lang={lang}" if lang else "")
    return browser.post(url, data={**data, "action": action, "csrf_token": token},
                        files=files or {"document": ("", b"", "application/octet-stream")})


def _plans(web: Web) -> list[tuple[int, str, list[tuple[Any, ...]]]]:
    with web.prog.db.read() as session:
        plans = session.execute(select(Submission).where(
            Submission.deliverable == "quick_win_plan").order_by(col(Submission.version))
        ).scalars().all()
        return [(p.version, p.file_name, [
            (w.title, w.dimension, w.element, w.opd_code, w.description)
            for w in session.execute(select(QuickWin).where(QuickWin.submission_id == p.id)
                                     .order_by(col(QuickWin.id))).scalars()])
            for p in plans]


def _field_error(page: str, field: str) -> str:
    found = re.search(rf'<p class="error field-error" id="{re.escape(field)}-error">([^<]*)</p>',
                      page)
    assert found, f"no error beside {field}"
    return found.group(1)


GOOD = ({"title": "Izin usaha daring satu pintu", "dimension": "governance",
         "element": "governance/public_service", "opd": "DISKOMINFO",
         "description": "Layanan izin yang ada digabung dalam satu portal"},
        {"title": "Ambulans 112", "dimension": "", "element": "living/health", "opd": "",
         "description": ""},
        {"title": "", "dimension": "", "element": "", "opd": "DISKOMINFO", "description": ""})


def test_the_form_offers_the_editions_dimensions_and_elements_in_indonesian(web: Web) -> None:
    web.world.drive(web.region, "bimtek_3")
    assert 'id="quick-wins"' not in web.browser(web.region.opd).get("/opd").text  # not yet
    web.world.drive(web.region, "quick_win_submission")
    page = web.browser(web.region.opd).get("/opd").text
    assert 'id="quick-wins"' in page and "Rencana quick win" in page
    assert '<optgroup label="Smart Governance">' in page
    assert '<option value="governance/public_service">Pelayanan publik</option>' in page
    assert '<option value="living/harmony">Harmoni (tata ruang dan lingkungan)</option>' in page
    assert '<option value="governance">Smart Governance</option>' in page
    # The region's OPDs, this OPD first chosen; three rows to start with.
    assert '<option value="DISKOMINFO" selected>' in page and 'value="BAPPEDA"' in page
    assert 'name="rows" value="3"' in page
    assert 'href="/quick-wins/template.csv"' in page
    english = web.browser(web.region.opd).get("/opd?lang=en").text
    assert '<option value="governance/public_service">Public service</option>' in english


def test_rows_are_sent_as_a_new_plan_version_with_the_list_as_its_file(web: Web) -> None:
    world, region = web.world, web.region
    world.drive(region, "quick_win_submission")
    response = _post(web, region.opd, "send", {**_rows(*GOOD), "note": "Versi pertama"})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/opd?done=submit&what=quick_win_plan#main"
    [(version, file_name, wins)] = _plans(web)
    assert (version, file_name) == (1, "rencana-quick-win-6471.csv")
    assert wins == [
        ("Izin usaha daring satu pintu", "governance", "public_service", "DISKOMINFO",
         "Layanan izin yang ada digabung dalam satu portal"),
        ("Ambulans 112", "living", "health", None, None)]  # the dimension from the element
    # The stored file is the list with labels, and reads back as the same list.
    browser = web.browser(region.opd)
    with web.prog.db.read() as session:
        sub_id = session.execute(select(Submission.id).where(
            Submission.deliverable == "quick_win_plan")).scalar_one()
    stored = browser.get(f"/regions/{region.code}/files/{sub_id}").content
    assert stored.startswith(b"\xef\xbb\xbfjudul;dimensi;elemen;opd;deskripsi\r\n")
    assert "Smart Governance;Pelayanan publik" in stored.decode("utf-8-sig")
    assert [(w.title, w.dimension, w.element) for w in parse_quick_wins(
        stored, web.prog.dimensions)] == [(w[0], w[1], w[2]) for w in wins]
    # The page says so, and the OPD can send it to the mentors.
    page = browser.get("/opd?done=submit&what=quick_win_plan").text
    assert 'value="submit_for_review"' in page
    # The next version starts from this list.
    assert 'value="Izin usaha daring satu pintu"' in page
    assert '<option value="living/health" selected>' in page


def test_a_document_goes_with_the_rows_when_given(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    response = _post(web, web.region.opd, "send", _rows(GOOD[0]),
                     files={"document": ("Rencana Quick Win.pdf", PDF, "application/pdf")})
    assert response.status_code == 303, response.text
    [(_, file_name, wins)] = _plans(web)
    assert file_name == "Rencana Quick Win.pdf" and len(wins) == 1


def test_problems_are_shown_beside_their_fields_and_every_row_is_kept(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    rows = _rows(
        {"title": "", "dimension": "governance", "element": "governance/bureaucracy",
         "opd": "DISKOMINFO", "description": "Tanpa judul"},
        {"title": "Bank sampah digital", "dimension": "governance",
         "element": "environment/waste", "opd": "BAPPEDA", "description": "Poin ditukar"},
        {"title": "Taman baca", "dimension": "society", "element": "", "opd": "",
         "description": ""},
        {"title": "x" * 301, "dimension": "", "element": "society/community", "opd": "",
         "description": ""})
    with web.world.unchanged(web.region.code):
        response = _post(web, web.region.opd, "send", {**rows, "note": "Catatan saya"},
                         files={"document": ("rencana.exe", b"MZ\x90", "application/x-msdos")})
    assert response.status_code == 422
    page = response.text
    assert "4 quick win perlu diperbaiki" in page
    assert _field_error(page, "qw-0-title") == "judul kosong: tulis judul quick win"
    assert _field_error(page, "qw-1-element") == (
        "“waste” adalah elemen Smart Environment, bukan Smart Governance: pilih elemen Smart "
        "Governance (Pelayanan publik, Birokrasi, Kebijakan publik), atau ganti dimensinya "
        "menjadi Smart Environment")
    assert _field_error(page, "qw-2-element").startswith("elemen belum dipilih")
    assert _field_error(page, "qw-3-title") == (
        "Judul quick win: 301 karakter, paling banyak 300; persingkat")
    assert _field_error(page, "qw-document").startswith(
        "rencana.exe: jenis berkas ini tidak diterima")
    # The fields point at their errors, for screen readers.
    assert 'aria-describedby="qw-0-title-error"' in page
    # Every row as typed.
    assert 'name="rows" value="4"' in page
    assert "Tanpa judul</textarea>" in page and 'value="Bank sampah digital"' in page
    assert '<option value="environment/waste" selected>' in page
    assert '<option value="BAPPEDA" selected>' in page
    assert "Catatan saya</textarea>" in page
    assert _plans(web) == []


def test_an_empty_form_asks_for_a_quick_win(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    response = _post(web, web.region.opd, "send", _rows(GOOD[2]))
    assert response.status_code == 422
    assert "Belum ada quick win: isi paling sedikit satu baris" in response.text


def test_add_row_keeps_what_was_typed(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    response = _post(web, web.region.opd, "add_row", _rows(*GOOD))
    assert response.status_code == 200
    assert 'name="rows" value="4"' in response.text and 'id="qw-3-title"' in response.text
    assert 'value="Izin usaha daring satu pintu"' in response.text
    assert _plans(web) == []


def test_a_semicolon_latin1_csv_with_labels_is_loaded_into_the_rows(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    csv_bytes = ("Judul;Dimensi;Elemen;OPD;Deskripsi\r\n"
                 "Kafé UMKM digital;Smart Economy;Kesejahteraan;bappeda;Pelatihan pemasaran\r\n"
                 "Patroli keamanan terpadu;Smart People;Keamanan;;\r\n").encode("cp1252")
    response = _post(web, web.region.opd, "import", _rows(*GOOD),
                     files={"csv": ("daftar quick win.csv", csv_bytes, "text/csv")})
    assert response.status_code == 200, response.text
    page = response.text
    assert "2 quick win dari daftar quick win.csv dimuat ke formulir" in page
    assert 'value="Kafé UMKM digital"' in page
    assert '<option value="economy/welfare" selected>' in page
    assert '<option value="society/security" selected>' in page
    assert 'value="Izin usaha daring satu pintu"' not in page  # the CSV replaces the rows
    assert _plans(web) == []


def test_a_bad_csv_is_refused_beside_its_field_by_row_with_the_rows_kept(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    csv_text = ("title,dimension,element\n"
                "Izin daring,governance,public_service\n"
                "Ambulans,governance,health\n"
                ",living,health\n")
    response = _post(web, web.region.opd, "import", _rows(*GOOD),
                     files={"csv": ("wins.csv", csv_text.encode("utf-16"), "text/csv")})
    assert response.status_code == 422
    page = response.text
    found = re.search(r'<div class="error field-error" id="qw-csv-error" role="alert">(.*?)</div>',
                      page, re.S)
    assert found is not None
    error = found.group(1)
    assert "wins.csv belum dimuat" in error
    assert "<li>baris 3: “health” adalah elemen Smart Living, bukan Smart Governance" in error
    assert "<li>baris 4: judul kosong: tulis judul quick win</li>" in error
    assert 'value="Izin usaha daring satu pintu"' in page  # the typed rows stay

    workbook = _post(web, web.region.opd, "import", _rows(*GOOD),
                     files={"csv": ("daftar.xlsx", b"PK\x03\x04" + b"\x00" * 40, "text/csv")})
    assert workbook.status_code == 422
    assert "daftar.xlsx adalah buku kerja Excel, bukan CSV" in workbook.text


def test_the_template_downloads_with_indonesian_headers_and_reads_back(web: Web) -> None:
    browser = web.browser(web.region.opd)
    response = browser.get("/quick-wins/template.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="templat-quick-win.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbfjudul;dimensi;elemen;opd;deskripsi\r\n")
    [row] = parse_quick_wins(response.content, web.prog.dimensions)
    assert (row.dimension, row.element) == ("governance", "public_service")
    english = browser.get("/quick-wins/template.csv?lang=en")
    assert english.content.startswith(b"\xef\xbb\xbftitle;dimension;element;opd;description")
    assert "Public service" in english.content.decode("utf-8-sig")
    assert web.anonymous().get("/quick-wins/template.csv",
                               follow_redirects=False).status_code in (302, 303, 401)


def test_the_upload_form_takes_a_semicolon_csv_too(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    browser = web.browser(web.region.opd)
    csv_bytes = "\ufeffjudul;dimensi;elemen\nPasar daring;Smart Economy;Transaksi keuangan\n"
    response = browser.post("/opd/submit", files={
        "file": ("rencana.pdf", PDF, "application/pdf"),
        "quick_wins": ("wins.csv", csv_bytes.encode("utf-8"), "text/csv")}, data={
        "deliverable": "quick_win_plan", "note": "", "csrf_token": browser.csrf("/opd")})
    assert response.status_code == 303, response.text
    assert _plans(web)[0][2] == [
        ("Pasar daring", "economy", "financial_transactions", None, None)]


def test_only_the_opd_of_the_region_posts_the_form(web: Web) -> None:
    web.world.drive(web.region, "quick_win_submission")
    with web.world.unchanged(web.region.code):
        mentor = web.browser(web.region.mentor)
        refused = mentor.post("/opd/quick-wins", data={
            **_rows(GOOD[0]), "action": "send", "csrf_token": mentor.csrf("/queue")})
        assert refused.status_code == 403
        opd = web.browser(web.region.opd)
        forged = opd.post("/opd/quick-wins", data={**_rows(GOOD[0]), "action": "send"})
        assert forged.status_code == 403
