"""``smartcity cohort|opd|person|mentor import FILE``: CSV imports, all rows or none.

Proves: a good file imports every row and reports how many were new; a bad file is refused
with one stderr line naming the file and the number of every bad row (the header is row 1),
exit 1, and nothing of it is written; an unreadable file or one missing a column is one line
too.
"""

from __future__ import annotations

import pytest

# Backend-independent behaviour: checked on SQLite only, to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_cohort_import(cli) -> None:
    cli.ok("cohort", "create", "Smart City 2026", "--year", "2026")
    path = cli.write("members.csv", "region\n64.71\n\n91.71\n")
    assert cli.ok("cohort", "import", "Smart City 2026", path).strip() == (
        "Imported 2 region(s) into Smart City 2026")
    rows = cli.table(cli.ok("status", "Smart City 2026"))
    assert sorted(r["region"] for r in rows) == ["64.71", "91.71"]


def test_cohort_import_errors_name_rows_and_import_nothing(cli) -> None:
    cli.ok("cohort", "create", "Smart City 2026", "--year", "2026")
    bad = cli.write("members.csv", "region\n64.71\nBalikpapan\n91.71\n6471\n")
    line = cli.fail("cohort", "import", "Smart City 2026", bad)
    assert line.startswith("error: members.csv: 2 bad row(s), nothing imported: ")
    assert "row 3: region “Balikpapan” is not a Kemendagri code like 64.71" in line
    assert "row 5: region “6471” is not a Kemendagri code" in line

    unknown = cli.write("unknown.csv", "region\n64.71\n99.98\n")
    assert cli.fail("cohort", "import", "Smart City 2026", unknown) == (
        "error: unknown.csv: 1 bad row(s), nothing imported: row 3: unknown region code 99.98")

    repeated = cli.write("repeated.csv", "region\n64.71\n91.71\n64.71\n")
    assert cli.fail("cohort", "import", "Smart City 2026", repeated) == (
        "error: repeated.csv: 1 bad row(s), nothing imported: row 4: region 64.71 repeats row 2")

    assert cli.table(cli.ok("cohort", "list"))[0]["regions"] == "0"


def test_opd_import_then_update(cli) -> None:
    path = cli.write("opds.csv",
                     "Region,Code,Name,Email,Dimension\n"
                     "64.71,diskominfo,Dinas Kominfo,diskominfo@balikpapan.go.id,governance\n"
                     '64.71,DINKES,"Dinas Kesehatan, Balikpapan",dinkes@balikpapan.go.id,living\n'
                     "91.71,BAPPEDA,Bappeda,bappeda@jayapurakota.go.id,\n")
    assert cli.ok("opd", "import", path).strip() == "3 OPD(s) imported (3 new, 0 updated)"
    again = cli.write("opds2.csv", "region,code,name,email\n"
                                   "64.71,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id\n"
                                   "64.71,DISHUB,Dinas Perhubungan,dishub@balikpapan.go.id\n")
    assert cli.ok("opd", "import", again).strip() == "2 OPD(s) imported (1 new, 1 updated)"
    rows = cli.table(cli.ok("opd", "list", "64.71"))
    assert [(r["code"], r["name"]) for r in rows] == [
        ("DINKES", "Dinas Kesehatan"), ("DISHUB", "Dinas Perhubungan"),
        ("DISKOMINFO", "Dinas Kominfo")]


@SQLITE_ONLY
def test_opd_import_errors_name_every_bad_row(cli) -> None:
    path = cli.write("opds.csv",
                     "region,code,name,email,dimension\n"
                     "64.71,DISKOMINFO,Dinas Kominfo,diskominfo@balikpapan.go.id,governance\n"
                     "64.71,DINKES,Dinas Kesehatan,not-an-email,living\n"
                     "64.71,BAPPEDA,,bappeda@balikpapan.go.id,\n"
                     "64.71,DISHUB,Dinas Perhubungan,dishub@balikpapan.go.id,space\n"
                     "64.71,BAD CODE,X,x@balikpapan.go.id,\n")
    line = cli.fail("opd", "import", path)
    assert line.startswith("error: opds.csv: 4 bad row(s), nothing imported: ")
    assert "row 3: email “not-an-email” is not a valid address" in line
    assert "row 4: name is empty" in line
    assert "row 5: unknown dimension “space”" in line
    assert "row 6: code “BAD CODE” must be letters" in line
    assert "row 2" not in line
    assert cli.table(cli.ok("opd", "list")) == []


@SQLITE_ONLY
def test_import_of_a_file_missing_a_column_is_one_line(cli) -> None:
    path = cli.write("opds.csv", "region,code,email\n64.71,X,x@balikpapan.go.id\n")
    line = cli.fail("opd", "import", path)
    assert line.startswith("error: opds.csv: row 1: missing column(s) name; expected region, "
                           "code, name, email")
    assert cli.table(cli.ok("opd", "list")) == []


@SQLITE_ONLY
def test_missing_column_message_shows_the_optional_columns(cli) -> None:
    path = cli.write("opds.csv", "region,code,email\n64.71,X,x@balikpapan.go.id\n")
    assert cli.fail("opd", "import", path) == (
        "error: opds.csv: row 1: missing column(s) name; expected region, code, name, email, "
        "[dimension]")


@SQLITE_ONLY
def test_import_of_an_unreadable_or_empty_file_is_one_line(cli) -> None:
    missing = str(cli.files / "nothing-here.csv")
    assert cli.fail("person", "import", missing) == (
        f"error: {missing}: cannot read: No such file or directory")
    empty = cli.write("empty.csv", "email,name,role\n")
    assert cli.fail("person", "import", empty) == "error: empty.csv: no rows to import"


def test_person_import(cli) -> None:
    path = cli.write("people.csv",
                     "email,name,role,region\n"
                     "Koordinator@Kominfo.go.id,Ayu,coordinator,\n"
                     "walikota@balikpapan.go.id,Rahmad,head_of_region,64.71\n"
                     "penilai@kominfo.go.id,Budi,Assessor,\n")
    assert cli.ok("person", "import", path).strip() == "3 person(s) imported (3 new)"
    rows = {r["email"]: r for r in cli.table(cli.ok("person", "list"))}
    assert set(rows) == {"koordinator@kominfo.go.id", "walikota@balikpapan.go.id",
                         "penilai@kominfo.go.id"}
    assert rows["walikota@balikpapan.go.id"]["region(s)"] == "64.71"
    assert rows["penilai@kominfo.go.id"]["role"] == "assessor"
    assert cli.ok("person", "import", path).strip() == "3 person(s) imported (0 new)"


@SQLITE_ONLY
def test_person_import_errors_name_every_bad_row(cli) -> None:
    path = cli.write("people.csv",
                     "email,name,role,region\n"
                     "a@kominfo.go.id,A,coordinator,\n"
                     "b@kominfo.go.id,B,mayor,\n"
                     "c@balikpapan.go.id,C,head_of_region,\n"
                     "d@kominfo.go.id,D,coordinator,64.71,extra\n")
    line = cli.fail("person", "import", path)
    assert line.startswith("error: people.csv: 3 bad row(s), nothing imported: ")
    assert "row 3: role “mayor” is not one of coordinator, mentor, assessor, head_of_region" in line
    assert "row 4: a head_of_region needs a region" in line
    assert "row 5: more cells than columns" in line
    assert cli.table(cli.ok("person", "list")) == []

    unknown = cli.write("people2.csv", "email,name,role,region\n"
                                       "e@balikpapan.go.id,E,head_of_region,99.97\n")
    assert "row 2: unknown region code 99.97" in cli.fail("person", "import", unknown)


def test_mentor_import(cli) -> None:
    path = cli.write("mentors.csv",
                     "email,name,regions\n"
                     "sari@itb.ac.id,Sari,64.71;91.71\n"
                     "dosen@ugm.ac.id,Dosen,32.73\n"
                     "baru@ui.ac.id,Baru,\n")
    assert cli.ok("mentor", "import", path).strip() == (
        "3 mentor(s) imported, 3 new assignment(s)")
    rows = {r["email"]: r["region(s)"] for r in cli.table(cli.ok("mentor", "list"))}
    assert rows == {"sari@itb.ac.id": "64.71, 91.71", "dosen@ugm.ac.id": "32.73",
                    "baru@ui.ac.id": ""}
    assert cli.ok("mentor", "import", path).strip() == (
        "3 mentor(s) imported, 0 new assignment(s)")


@SQLITE_ONLY
def test_mentor_import_errors_import_nothing(cli) -> None:
    bad = cli.write("mentors.csv", "email,name,regions\n"
                                   "sari@itb.ac.id,Sari,64.71;Balikpapan\n"
                                   "sari@itb.ac.id,Sari again,91.71\n")
    line = cli.fail("mentor", "import", bad)
    assert line == ("error: mentors.csv: 1 bad row(s), nothing imported: row 2: region "
                    "“Balikpapan” is not a Kemendagri code like 64.71")
    repeated = cli.write("mentors2.csv", "email,name,regions\n"
                                         "sari@itb.ac.id,Sari,64.71\n"
                                         "Sari@ITB.ac.id,Sari again,91.71\n")
    assert cli.fail("mentor", "import", repeated) == (
        "error: mentors2.csv: 1 bad row(s), nothing imported: "
        "row 3: email sari@itb.ac.id repeats row 2")
    unknown = cli.write("mentors3.csv", "email,name,regions\nsari@itb.ac.id,Sari,99.96\n")
    assert cli.fail("mentor", "import", unknown) == (
        "error: mentors3.csv: 1 bad row(s), nothing imported: row 2: unknown region code 99.96")
    assert cli.table(cli.ok("mentor", "list")) == []
