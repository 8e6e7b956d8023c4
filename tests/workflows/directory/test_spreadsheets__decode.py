"""CSV text out of the bytes spreadsheets really save: UTF-8 with or without a BOM, UTF-16
(with or without a BOM), the Windows code page (latin-1); semicolons, commas or tabs, and
Excel's ``sep=`` line. A workbook, a binary or an empty file is refused with what to do, never
with a codec's error. No database.
"""

from __future__ import annotations

import os

import pytest

from config import language
from workflows.directory import spreadsheets
from workflows.directory.spreadsheets import UnreadableFile

TEXT = "judul;dimensi;elemen\nKafé “UMKM” naïf;Smart Economy;Kesejahteraan\n"


@pytest.mark.parametrize("encoding", [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_encodings_with_or_without_a_bom(encoding: str) -> None:
    assert spreadsheets.decode(TEXT.encode(encoding), "wins.csv") == TEXT


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_the_windows_code_page(encoding: str) -> None:
    text = "judul;dimensi;elemen\nKafé naïf à la carte;Smart Economy;Kesejahteraan\n"
    assert spreadsheets.decode(text.encode(encoding), "wins.csv") == text


def test_line_endings_become_newlines() -> None:
    assert spreadsheets.decode(b"a;b\r\n1;2\r3;4\n", "x.csv") == "a;b\n1;2\n3;4\n"


@pytest.mark.parametrize(("data", "message"), [
    pytest.param(b"PK\x03\x04" + os.urandom(64), "daftar.csv adalah buku kerja Excel, bukan CSV",
                 id="xlsx"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
                 "daftar.csv adalah buku kerja Excel, bukan CSV", id="xls"),
    pytest.param(bytes(range(256)) * 4, "daftar.csv tidak dapat dibaca sebagai teks CSV",
                 id="binary"),
    pytest.param(b"judul\x00;dimensi\n", "daftar.csv tidak dapat dibaca sebagai teks CSV",
                 id="nul"),
    pytest.param(b" \r\n\n", "daftar.csv: berkasnya kosong", id="empty"),
])
def test_what_is_not_csv_text_is_refused_with_what_to_do(data: bytes, message: str) -> None:
    with language.using("id"), pytest.raises(UnreadableFile) as caught:
        spreadsheets.decode(data, "daftar.csv")
    assert str(caught.value).startswith(message)
    assert "codec" not in str(caught.value)


def test_the_separator_is_the_one_that_splits_the_header_into_known_columns() -> None:
    def known(cell: str) -> bool:
        return cell.strip().lower() in {"judul", "dimensi", "elemen", "title"}

    # A comma inside a cell does not fool it: the header decides.
    text = "judul;dimensi;elemen\nIzin, cepat;Smart Governance;Pelayanan publik\n"
    assert spreadsheets.delimiter(text, known) == (";", text)
    assert spreadsheets.delimiter("title,dimensi,x\n", known)[0] == ","
    assert spreadsheets.delimiter("judul\tdimensi\telemen\n", known)[0] == "\t"
    # Excel's own hint wins, and its line is dropped (the header stays row 1).
    assert spreadsheets.delimiter("sep=|\njudul|dimensi\n", known) == ("|", "judul|dimensi\n")
    # Without a known header, csv.Sniffer guesses.
    assert spreadsheets.delimiter("a;b;c\n1;2;3\n4;5;6\n", known)[0] == ";"


def test_written_csv_opens_in_columns_in_an_indonesian_excel() -> None:
    data = spreadsheets.write([("judul", "deskripsi"), ("Izin", "a; b"), ("x", None)])
    assert data == b'\xef\xbb\xbfjudul;deskripsi\r\nIzin;"a; b"\r\nx;\r\n'
