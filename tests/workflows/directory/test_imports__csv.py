"""CSV files are checked whole and report every bad row by its spreadsheet row number.

The parsers (``workflows.directory.imports.parse_*``, and ``parse_quick_wins`` of
``workflows.master_plan.quick_wins``) check every row first and list each problem as "row N"
with the header as row 1, so a file with any bad row imports nothing; a missing column, an
empty or unreadable file and duplicate rows are refused too. No database: writing what they
parse is tests/workflows/directory/test_registration__imports.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import InvalidInputError
from workflows.directory import imports
from workflows.directory.reference import load_dimensions
from workflows.master_plan import quick_wins

DIMENSIONS = load_dimensions()
OPD_HEADER = "region,code,name,email,dimension\n"
BALIKPAPAN_OPDS = (
    OPD_HEADER
    + "64.71,DISKOMINFO,Dinas Komunikasi dan Informatika,diskominfo@balikpapan.go.id,governance\n"
    + "64.71,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id,living\n"
)


def _csv(tmp_path: Path, text: str, name: str = "opds.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(call: Any) -> str:
    with pytest.raises(InvalidInputError) as caught:
        call()
    return str(caught.value)


# -- parsing: every bad row, by number ----------------------------------------------------

def test_a_good_file_parses_into_normalised_rows(tmp_path: Path) -> None:
    path = tmp_path / "opds.csv"
    path.write_bytes(  # a spreadsheet export: BOM, capitalised header, CRLF, spaces
        "\ufeffRegion,Code,Name,Email,Dimension\r\n"
        " 64.71 , dinas-kominfo ,\"Dinas Komunikasi, Informatika\", DisKomInfo@Balikpapan.GO.ID ,"
        "governance\r\n".encode())
    assert imports.parse_opds(path, DIMENSIONS) == [imports.OpdRow(
        "64.71", "DINAS-KOMINFO", "Dinas Komunikasi, Informatika",
        "diskominfo@balikpapan.go.id", "governance")]


@pytest.mark.parametrize(("body", "message"), [
    pytest.param("64.71,DINKES,Dinas Kesehatan,dinkes@,living\n",
                 "row 3: email “dinkes@” is not a valid address", id="bad-email"),
    pytest.param("6471,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id,living\n",
                 "row 3: region “6471” is not a Kemendagri code like 64.71", id="bad-region"),
    pytest.param("64.71,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id,health\n",
                 "row 3: unknown dimension “health” (one of: governance, branding, economy, "
                 "society, living, environment)", id="unknown-dimension"),
    pytest.param("64.71,DINKES,,dinkes@balikpapan.go.id,living\n",
                 "row 3: name is empty", id="empty-cell"),
    pytest.param("64.71,,,dinkes@balikpapan.go.id,living\n",
                 "row 3: code, name is empty", id="two-empty-cells"),
    pytest.param("64.71,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id,living,extra\n",
                 "row 3: more cells than columns", id="too-many-cells"),
    pytest.param("64.71,DINAS KESEHATAN,Dinas Kesehatan,dinkes@balikpapan.go.id,living\n",
                 "row 3: code “DINAS KESEHATAN” must be letters, digits, '.', '_' or '-'",
                 id="bad-code"),
])
def test_a_bad_row_is_reported_by_number(tmp_path: Path, body: str, message: str) -> None:
    path = _csv(tmp_path, OPD_HEADER
                + "64.71,DISKOMINFO,Dinas Kominfo,diskominfo@balikpapan.go.id,governance\n" + body)
    refusal = _refusal(lambda: imports.parse_opds(path, DIMENSIONS))
    # the email validator adds its own explanation after the cell; the rest is exact
    assert refusal.startswith(f"opds.csv: 1 bad row(s), nothing imported: {message}")
    assert refusal == f"opds.csv: 1 bad row(s), nothing imported: {message}" or (
        "email" in message and refusal.startswith(f"opds.csv: 1 bad row(s), nothing "
                                                  f"imported: {message}: "))


def test_every_bad_row_is_listed_at_once(tmp_path: Path) -> None:
    path = _csv(tmp_path, OPD_HEADER
                + "64.71,DISKOMINFO,Dinas Kominfo,diskominfo@balikpapan.go.id,governance\n"
                + "64.7,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id,living\n"
                + "64.71,DISHUB,,dishub@balikpapan.go.id,living\n"
                + "64.71,BAPPEDA,Bappeda,bappeda@balikpapan.go.id,governance,x\n")
    assert _refusal(lambda: imports.parse_opds(path, DIMENSIONS)) == (
        "opds.csv: 3 bad row(s), nothing imported: "
        "row 3: region “64.7” is not a Kemendagri code like 64.71; "
        "row 4: name is empty; row 5: more cells than columns")


def test_more_than_twenty_bad_rows_are_counted(tmp_path: Path) -> None:
    path = _csv(tmp_path, OPD_HEADER + "".join(
        f"64.71,OPD{i},Dinas {i},not-an-email-{i},\n" for i in range(25)))
    message = _refusal(lambda: imports.parse_opds(path, DIMENSIONS))
    assert message.startswith("opds.csv: 25 bad row(s), nothing imported: row 2: email")
    assert "row 21: email “not-an-email-19”" in message
    assert "row 22:" not in message
    assert message.endswith("; and 5 more")


def test_a_missing_column_is_reported_on_row_1(tmp_path: Path) -> None:
    path = _csv(tmp_path, "region,code,nama,email\n64.71,DINKES,Dinkes,dinkes@x.go.id\n")
    assert _refusal(lambda: imports.parse_opds(path, DIMENSIONS)) == (
        "opds.csv: row 1: missing column(s) name; expected region, code, name, email, "
        "[dimension]")


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("", "opds.csv: row 1: missing column(s) region, code, name, email; "
                     "expected region, code, name, email, [dimension]", id="empty-file"),
    pytest.param(OPD_HEADER, "opds.csv: no rows to import", id="header-only"),
    pytest.param(OPD_HEADER + ",,,,\n\n", "opds.csv: no rows to import", id="blank-rows"),
])
def test_a_file_without_rows_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = _csv(tmp_path, text)
    assert _refusal(lambda: imports.parse_opds(path, DIMENSIONS)) == message


@pytest.mark.parametrize(("body", "message"), [
    pytest.param("64.71,DINKES,Dinas Kesehatan Kota,dinkes2@balikpapan.go.id,\n",
                 "opds.csv: 1 bad row(s), nothing imported: row 4: OPD 64.71 DINKES repeats row 3",
                 id="same-opd"),
    pytest.param("64.71,DINKES2,Dinas Kesehatan,DINKES@balikpapan.go.id,\n",
                 ("opds.csv: 1 bad row(s), nothing imported: "
                  "row 4: email dinkes@balikpapan.go.id repeats row 3"),
                 id="same-email"),
])
def test_duplicate_rows_are_refused(tmp_path: Path, body: str, message: str) -> None:
    path = _csv(tmp_path, BALIKPAPAN_OPDS + body)
    assert _refusal(lambda: imports.parse_opds(path, DIMENSIONS)) == message


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "opds.csv"
    path.write_bytes(b"\xff\xfe\x00r\x00e\x00g")
    assert _refusal(lambda: imports.parse_opds(path, DIMENSIONS)).startswith(
        f"{path}: cannot read: 'utf-8' codec can't decode")
    assert _refusal(lambda: imports.parse_opds(tmp_path / "none.csv", DIMENSIONS)) == (
        f"{tmp_path / 'none.csv'}: cannot read: No such file or directory")


def test_row_numbers_count_blank_lines(tmp_path: Path) -> None:
    path = _csv(tmp_path, OPD_HEADER
                + "64.71,DISKOMINFO,Dinas Kominfo,diskominfo@balikpapan.go.id,governance\n"
                + "\n"
                + "64.71,DINKES,Dinas Kesehatan,dinkes@,living\n")
    assert "row 4: email “dinkes@”" in _refusal(lambda: imports.parse_opds(path, DIMENSIONS))


def test_duplicate_row_numbers_count_empty_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, OPD_HEADER
                + "64.71,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id,living\n"
                + ",,,,\n"
                + "64.71,DINKES,Dinas Kesehatan,dinkes2@balikpapan.go.id,living\n")
    assert _refusal(lambda: imports.parse_opds(path, DIMENSIONS)) == (
        "opds.csv: 1 bad row(s), nothing imported: row 4: OPD 64.71 DINKES repeats row 2")


def test_people_mentors_members_and_quick_wins_are_checked_too(tmp_path: Path) -> None:
    people = _csv(tmp_path, "email,name,role,region\n"
                  "walikota@balikpapan.go.id,Wali Kota,walikota,64.71\n"
                  "bupati@mimikakab.go.id,Bupati Mimika,head_of_region,\n", "people.csv")
    assert _refusal(lambda: imports.parse_people(people)) == (
        "people.csv: 2 bad row(s), nothing imported: "
        "row 2: role “walikota” is not one of coordinator, mentor, assessor, head_of_region; "
        "row 3: a head_of_region needs a region")
    mentors = _csv(tmp_path, "email,name,regions\n"
                   "andi@itb.ac.id,Dr. Andi,64.71; 94.04 72.01\n"
                   "sari@ugm.ac.id,Dr. Sari,6471\n", "mentors.csv")
    assert _refusal(lambda: imports.parse_mentors(mentors)) == (
        "mentors.csv: 1 bad row(s), nothing imported: "
        "row 3: region “6471” is not a Kemendagri code like 64.71")
    mentors.write_text("email,name,regions\nandi@itb.ac.id,Dr. Andi,64.71; 94.04 72.01\n"
                       "sari@ugm.ac.id,Dr. Sari,\n", encoding="utf-8")
    assert imports.parse_mentors(mentors) == [
        imports.MentorRow("andi@itb.ac.id", "Dr. Andi", ("64.71", "94.04", "72.01")),
        imports.MentorRow("sari@ugm.ac.id", "Dr. Sari", ())]
    members = _csv(tmp_path, "region\n64.71\n94.04\n64.71\n", "members.csv")
    assert _refusal(lambda: imports.parse_members(members)) == (
        "members.csv: 1 bad row(s), nothing imported: row 4: region 64.71 repeats row 2")
    wins = _csv(tmp_path, "title,dimension\nIzin online,governance\n", "wins.csv")
    assert _refusal(lambda: quick_wins.parse_quick_wins(wins, DIMENSIONS)) == (
        "wins.csv: row 1 has no column element. Row 1 holds the column names: "
        "title,dimension,element,opd,description (or in Indonesian: "
        "judul,dimensi,elemen,opd,deskripsi); download the CSV template for an example.")
    long = _csv(tmp_path, "title,dimension,element,opd\n"
                f"{'x' * 301},governance,public_service,\n"
                f"Izin online,governance,public_service,{'D' * 33}\n", "long.csv")
    assert _refusal(lambda: quick_wins.parse_quick_wins(long, DIMENSIONS)) == (
        "long.csv: 2 rows need fixing, nothing was imported: row 2: Quick win title: 301 "
        "characters, at most 300; shorten it; row 3: Lead OPD: 33 characters, at most 32; "
        "shorten it")
