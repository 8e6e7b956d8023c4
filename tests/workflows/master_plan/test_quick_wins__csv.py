"""A quick-win list as people make it in a spreadsheet: semicolons or commas, UTF-8 (with or
without a BOM), UTF-16 or latin-1; Indonesian or English column names; dimensions and
elements by label ("Smart Governance", "Pelayanan publik"), English label, alias or code.
Every bad row is named by its spreadsheet number with what to fix, and nothing is imported.
The template and a list stored as a document read back as themselves. No database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config import language
from workflows.directory.reference import load_dimensions
from workflows.master_plan import quick_wins
from workflows.master_plan.quick_wins import QuickWinListError, QuickWinRow, parse_quick_wins

DIMENSIONS = load_dimensions()

EXPECTED = [
    QuickWinRow("Izin usaha daring", "governance", "public_service", "DPMPTSP",
                "Satu portal untuk kafé, tanpa antre"),
    QuickWinRow("Bank sampah digital", "environment", "waste", None, None),
]

INDONESIAN = ("judul;dimensi;elemen;opd;deskripsi\n"
              "Izin usaha daring;Smart Governance;Pelayanan publik;dpmptsp;"
              "Satu portal untuk kafé, tanpa antre\n"
              "Bank sampah digital;Smart Environment;Pengelolaan sampah;;\n")
ENGLISH = ("Title,Dimension,Element,OPD,Description\n"
           "Izin usaha daring,governance,public_service,DPMPTSP,"
           '"Satu portal untuk kafé, tanpa antre"\n'
           "Bank sampah digital,Smart Environment,Waste,,\n")


def _refusal(source: str | bytes, name: str = "daftar.csv") -> QuickWinListError:
    with pytest.raises(QuickWinListError) as caught:
        parse_quick_wins(source, DIMENSIONS, name=name)
    return caught.value


@pytest.mark.parametrize("text", [INDONESIAN, ENGLISH], ids=["semicolon-id", "comma-en"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1"])
def test_either_separator_language_and_encoding_gives_the_same_list(text: str,
                                                                   encoding: str) -> None:
    assert parse_quick_wins(text.encode(encoding), DIMENSIONS) == EXPECTED


def test_a_file_on_disk_crlf_and_headers_with_spaces_and_capitals(tmp_path: Path) -> None:
    path = tmp_path / "quick wins.csv"
    path.write_bytes(INDONESIAN.replace("judul;", " Judul *;").replace("\n", "\r\n")
                     .encode("cp1252"))
    assert parse_quick_wins(path, DIMENSIONS) == EXPECTED


def test_labels_codes_aliases_and_an_empty_dimension_name_the_same_tags() -> None:
    text = ("judul,dimensi,elemen\n"
            "a,SMART GOVERNANCE,pelayanan-publik\n"
            "b,governance,Public service\n"
            "c,,Pelayanan publik\n"
            "d,Smart People,Keamanan\n"
            "e,living,Harmoni\n")
    assert [(w.dimension, w.element) for w in parse_quick_wins(text, DIMENSIONS)] == [
        ("governance", "public_service")] * 3 + [("society", "security"), ("living", "harmony")]


def test_bad_rows_are_named_by_their_number_with_the_fix_in_indonesian() -> None:
    text = ("judul;dimensi;elemen;opd\n"
            "Izin daring;Smart Governance;Pelayanan publik;DPMPTSP\n"
            "\n"  # a blank line keeps its number
            "Ambulans 112;Smart Governance;Kesehatan;DINKES\n"
            ";Smart Living;Kesehatan;\n"
            "Pasar;Smart Ekonomi;Industri;\n"
            "Taman;Smart Living;;\n"
            "Lebih;Smart Living;Kesehatan;DINKES;x;y\n")
    with language.using("id"):
        refused = _refusal(text.encode("utf-8"))
    assert refused.problems == [
        "baris 4: “Kesehatan” adalah elemen Smart Living, bukan Smart Governance: pilih elemen "
        "Smart Governance (Pelayanan publik, Birokrasi, Kebijakan publik), atau ganti "
        "dimensinya menjadi Smart Living",
        "baris 5: judul kosong: tulis judul quick win",
        "baris 6: dimensi “Smart Ekonomi” tidak dikenal; pilih salah satu: Smart Governance, "
        "Smart Branding, Smart Economy, Smart Society, Smart Living, Smart Environment",
        "baris 7: elemen belum dipilih: pilih salah satu elemen dimensinya",
        "baris 8: lebih banyak sel daripada kolom: beri tanda kutip pada teks yang memuat "
        "titik koma atau koma",
    ]
    assert str(refused).startswith(
        "daftar.csv: 5 baris perlu diperbaiki, belum ada yang diimpor: baris 4: “Kesehatan”")


def test_many_bad_rows_are_counted_after_the_first_twenty() -> None:
    text = "title,dimension,element\n" + "".join(f"t{i},governance,x\n" for i in range(25))
    refused = _refusal(text)
    assert len(refused.problems) == 25
    assert str(refused).endswith("; and 5 more rows")


@pytest.mark.parametrize(("text", "message"), [
    ("judul;dimensi\nIzin;Smart Governance\n",
     "daftar.csv: baris 1 tidak memuat kolom elemen. Baris 1 berisi nama kolom: "
     "judul;dimensi;elemen;opd;deskripsi (atau dalam bahasa Inggris: "
     "title;dimension;element;opd;description); unduh templat CSV sebagai contoh."),
    ("judul;dimensi;elemen\n;;\n\n", "daftar.csv: tidak ada quick win di dalamnya"),
    ("judul,dimensi,elemen\n" + "q,governance,public_service\n" * 201,
     "daftar.csv: 201 quick win; paling banyak 200 dalam satu rencana"),
], ids=["missing-column", "no-rows", "too-many"])
def test_a_file_wrong_as_a_whole_says_why(text: str, message: str) -> None:
    with language.using("id"):
        refused = _refusal(text)
    assert str(refused).startswith(message) and refused.problems == []


def test_an_unreadable_file_gets_a_clear_message_not_a_codec_error() -> None:
    with language.using("id"), pytest.raises(Exception) as caught:
        parse_quick_wins(bytes(range(256)) * 3, DIMENSIONS, name="rusak.csv")
    assert str(caught.value).startswith("rusak.csv tidak dapat dibaca sebagai teks CSV: simpan "
                                        "ulang dari spreadsheet")


def test_a_missing_file_says_it_cannot_be_opened(tmp_path: Path) -> None:
    with pytest.raises(QuickWinListError, match=r"^none.csv cannot be opened: "):
        parse_quick_wins(tmp_path / "none.csv", DIMENSIONS)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_template_and_a_stored_list_read_back_as_themselves(lang: str) -> None:
    with language.using(lang):
        template = quick_wins.template(DIMENSIONS)
        stored = quick_wins.as_csv(EXPECTED, DIMENSIONS)
    header = b"judul;dimensi;elemen" if lang == "id" else b"title;dimension;element"
    assert template.startswith(b"\xef\xbb\xbf" + header)
    [example] = parse_quick_wins(template, DIMENSIONS)
    assert (example.dimension, example.element, example.opd) == (
        "governance", "public_service", "DPMPTSP")
    assert parse_quick_wins(stored, DIMENSIONS) == EXPECTED
    assert ("Pengelolaan sampah" if lang == "id" else "Waste") in stored.decode("utf-8-sig")


def test_control_characters_in_a_title_or_description_are_refused_by_their_code() -> None:
    """A title with a terminal escape sequence (replayed raw by a listing on a terminal) is
    named by its row, field and code point; a description may hold line breaks and tabs, but
    no other control character (a bell here)."""
    text = ("judul;dimensi;elemen;opd;deskripsi\n"
            "Izin \x1b[31mdaring;Smart Governance;Pelayanan publik;;\n"
            'Pasar;Smart Economy;Industri;;"dua\nbaris\tdan tab"\n'
            "Taman;Smart Living;Kesehatan;;akhir\x07\n")
    with language.using("id"):
        refused = _refusal(text.encode("utf-8"))
    assert [p.split(": ", 1)[1] for p in refused.problems] == [
        "Judul quick win mengandung karakter kontrol (U+001B, karakter ke-6) yang tidak dapat "
        "disimpan: hapus karakter itu",
        "Uraian quick win mengandung karakter kontrol (U+0007, karakter ke-6) yang tidak dapat "
        "disimpan: hapus karakter itu",
    ]
