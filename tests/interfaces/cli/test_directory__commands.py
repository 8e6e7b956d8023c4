"""``smartcity cohort|region|opd|person|mentor`` add, list and show the programme's directory.

Proves: cohorts are created, listed with their region count and filled by code or by name (a
region joins one cohort only); ``region list`` filters by zone, province and name exactly as the
shipped region table says (checked against workflows/directory/data/regencies.csv) and marks
cohort members; ``region show`` prints stage, OPDs and, with ``--as``, what that person may do
and why not; OPDs, people and mentors are saved (updated, not duplicated, on a second add),
listed and resolved by ``person whoami``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import workflows.directory.reference

REGENCIES = list(csv.DictReader(
    (Path(workflows.directory.reference.__file__).parent / "data" / "regencies.csv").open(
        encoding="utf-8")
))

# Backend-independent behaviour: checked on SQLite only, to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _count_line(out: str) -> int:
    last = out.strip().splitlines()[-1]
    assert last.endswith(" region(s)"), last
    return int(last.split()[0])


# -- cohorts -------------------------------------------------------------------------------

def test_cohort_create_list_and_add_by_code_and_name(cli) -> None:
    assert cli.ok("cohort", "create", "Smart City 2026", "--year", "2026").strip() == (
        "Cohort 'Smart City 2026' (2026) created")
    cli.ok("cohort", "create", "Smart City 2027", "--year", "2027")
    out = cli.ok("cohort", "add", "Smart City 2026", "64.71", "kota jayapura")
    assert out.strip() == "Added 2 region(s): 64.71 Kota Balikpapan, 91.71 Kota Jayapura"
    out = cli.ok("cohort", "add", "2027", "32.73")  # a year with one cohort names it
    assert out.strip() == "Added 1 region(s): 32.73 Kota Bandung"
    assert cli.table(cli.ok("cohort", "list")) == [
        {"cohort": "Smart City 2026", "year": "2026", "regions": "2"},
        {"cohort": "Smart City 2027", "year": "2027", "regions": "1"},
    ]


def test_cohort_refuses_duplicates_and_second_membership(cli) -> None:
    cli.ok("cohort", "create", "Smart City 2026", "--year", "2026")
    assert cli.fail("cohort", "create", "Smart City 2026", "--year", "2026") == (
        "error: cohort “Smart City 2026” already exists")
    assert "outside the programme" in cli.fail("cohort", "create", "Old", "--year", "1999")
    cli.ok("cohort", "add", "Smart City 2026", "64.71")
    cli.ok("cohort", "create", "Smart City 2027", "--year", "2027")
    line = cli.fail("cohort", "add", "Smart City 2027", "91.71", "64.71")
    assert line == "error: already selected: 64.71 (in Smart City 2026)"
    # All or nothing: 91.71 was not added either.
    assert cli.table(cli.ok("cohort", "list"))[1]["regions"] == "0"


# -- regions -------------------------------------------------------------------------------

@SQLITE_ONLY
def test_region_list_all_and_by_zone(cli) -> None:
    assert _count_line(cli.ok("region", "list")) == len(REGENCIES) == 514
    for zone in ("WIB", "WITA", "WIT"):
        out = cli.ok("region", "list", "--zone", zone.lower())
        rows = cli.table(out)
        expected = [r["code"] for r in REGENCIES if r["zone"] == zone]
        assert [r["code"] for r in rows] == expected
        assert {r["zone"] for r in rows} == {zone}
        assert _count_line(out) == len(expected)


def test_region_list_by_province_search_and_together(cli) -> None:
    out = cli.ok("region", "list", "--province", "Papua")
    expected = [r["code"] for r in REGENCIES if "papua" in r["province"].lower()]
    assert [r["code"] for r in cli.table(out)] == expected
    assert _count_line(out) == len(expected) > 9

    rows = cli.table(cli.ok("region", "list", "--province", "64"))
    assert [r["code"] for r in rows] == [r["code"] for r in REGENCIES
                                         if r["province_code"] == "64"]
    assert {r["province"] for r in rows} == {"Kalimantan Timur"}

    rows = cli.table(cli.ok("region", "list", "-s", "jaya", "--zone", "WIT",
                            "--province", "Papua"))
    assert [(r["code"], r["name"]) for r in rows] == [
        (r["code"], r["name"]) for r in REGENCIES
        if "jaya" in r["name"].lower() and r["zone"] == "WIT" and "papua" in r["province"].lower()
    ]
    assert ("91.71", "Kota Jayapura") in [(r["code"], r["name"]) for r in rows]

    out = cli.ok("region", "list", "--search", "Atlantis")
    assert _count_line(out) == 0


@SQLITE_ONLY
def test_region_list_marks_cohort_members(cli, cast) -> None:
    cli.setup_region()
    rows = {r["code"]: r for r in cli.table(cli.ok("region", "list", "--province", "64"))}
    assert rows[cast.region]["in cohort"] == "yes"
    assert rows[cast.region]["kind"] == "kota"
    assert rows[cast.region]["zone"] == "WITA"
    assert {r["in cohort"] for code, r in rows.items() if code != cast.region} == {""}


@SQLITE_ONLY
def test_region_list_rejects_an_unknown_zone(cli) -> None:
    assert cli.fail("region", "list", "--zone", "CET") == (
        "error: zone “CET” is not WIB, WITA or WIT")


def test_region_show_with_possible_actions(cli, cast) -> None:
    cli.setup_region()
    out = cli.ok("region", "show", cast.region_name, "--as", cast.coordinator)
    lines = out.splitlines()
    assert lines[0] == f"{cast.region} Kota Balikpapan (kota, zone WITA)"
    assert lines[1].startswith("Stage: Invited / assessment since ")
    assert " WITA (cycle 1, version 1, workflow v4)" in lines[1]
    opds = cli.table(out, "OPDs")
    assert opds == [{"OPD": "DISKOMINFO", "name": "Dinas Komunikasi dan Informatika",
                     "email": cast.opd, "dimension": "governance"}]
    actions = {r["action"]: r for r in cli.table(out, "What Ayu Coordinator (coordinator) may do")}
    assert set(actions) == {"assess", "withdraw"}
    assert actions["withdraw"]["possible"] == "yes"
    assert actions["assess"]["leads to"] == "mou"
    assert cli.squash(actions["assess"]["possible"]) == cli.squash(
        "no: still to be submitted: Readiness assessment result")

    mentor = cli.table(cli.ok("region", "show", cast.region, "--as", cast.mentor),
                       "What Sari Mentor (mentor) may do")
    assert {r["action"] for r in mentor} == {"assess", "withdraw"}
    assert all(r["possible"].startswith("no: only ") for r in mentor)


@SQLITE_ONLY
def test_region_show_without_as_lists_no_actions(cli, cast) -> None:
    cli.setup_region()
    out = cli.ok("region", "show", cast.region)
    assert "may do" not in out
    assert "Submissions" not in out  # nothing submitted yet
    cli.ok("submit", cast.region, "assessment_result", cli.document("hasil.pdf"),
           "--as", cast.assessor)
    subs = cli.table(cli.ok("region", "show", cast.region), "Submissions")
    assert len(subs) == 1
    assert (subs[0]["deliverable"], subs[0]["v"], subs[0]["file"], subs[0]["by"]) == (
        "assessment_result", "1", "hasil.pdf", cast.assessor)
    assert subs[0]["at"].endswith("WITA")


# -- OPDs ----------------------------------------------------------------------------------

def test_opd_add_list_and_update(cli) -> None:
    out = cli.ok("opd", "add", "64.71", "bappeda", "Badan Perencanaan", "Bappeda@Balikpapan.go.id")
    assert out.strip() == "OPD BAPPEDA of 64.71 saved"
    cli.ok("opd", "add", "91.71", "DINKES", "Dinas Kesehatan", "dinkes@jayapurakota.go.id",
           "--dimension", "living")
    every = cli.table(cli.ok("opd", "list"))
    assert [(r["region"], r["code"], r["email"], r["dimension"]) for r in every] == [
        ("64.71", "BAPPEDA", "bappeda@balikpapan.go.id", ""),
        ("91.71", "DINKES", "dinkes@jayapurakota.go.id", "living"),
    ]
    # Same region and code: updated, not duplicated. The region may be named.
    cli.ok("opd", "add", "64.71", "BAPPEDA", "Badan Perencanaan Pembangunan Daerah",
           "bappeda@balikpapan.go.id", "--dimension", "governance")
    mine = cli.table(cli.ok("opd", "list", "Kota Balikpapan"))
    assert mine == [{"region": "64.71", "code": "BAPPEDA",
                     "name": "Badan Perencanaan Pembangunan Daerah",
                     "email": "bappeda@balikpapan.go.id", "dimension": "governance"}]


@SQLITE_ONLY
def test_opd_add_refusals_are_one_line(cli) -> None:
    assert "unknown dimension “space”" in cli.fail(
        "opd", "add", "64.71", "X", "X", "x@balikpapan.go.id", "--dimension", "space")
    assert "unknown region “99.99”" in cli.fail(
        "opd", "add", "99.99", "X", "X", "x@balikpapan.go.id")
    assert "not a valid address" in cli.fail("opd", "add", "64.71", "X", "X", "not-mail")
    cli.ok("opd", "add", "64.71", "A", "A", "shared@balikpapan.go.id")
    assert "already belongs to someone else" in cli.fail(
        "opd", "add", "64.71", "B", "B", "shared@balikpapan.go.id")
    assert "did you mean Kota Balikpapan" in cli.fail("opd", "list", "Kota Balikpapn")


# -- people and mentors --------------------------------------------------------------------

def test_person_add_list_filter_and_whoami(cli, cast) -> None:
    cli.setup_region()
    rows = {r["email"]: r for r in cli.table(cli.ok("person", "list"))}
    assert rows[cast.coordinator]["role"] == "coordinator"
    assert rows[cast.coordinator]["region(s)"] == "all"
    assert rows[cast.head]["region(s)"] == cast.region
    assert rows[cast.mentor]["region(s)"] == cast.region
    assert set(rows) == {cast.coordinator, cast.assessor, cast.head, cast.mentor}

    only = cli.table(cli.ok("person", "list", "--role", "assessor"))
    assert [r["email"] for r in only] == [cast.assessor]

    assert cli.ok("person", "whoami", "--as", cast.coordinator).strip() == (
        "Ayu Coordinator (coordinator): acts for all regions")
    assert cli.ok("person", "whoami", "--as", cast.head.upper()).strip() == (
        f"Rahmad Walikota (head_of_region): acts for {cast.region}")
    assert cli.ok("person", "whoami", "--as", cast.opd).strip() == (
        f"Dinas Komunikasi dan Informatika (opd), OPD DISKOMINFO: acts for {cast.region}")


@SQLITE_ONLY
def test_person_add_updates_and_whoami_reads_the_environment(cli) -> None:
    email = "rina@kominfo.go.id"
    assert cli.ok("person", "add", email, "--name", "Rina", "--role", "assessor").strip() == (
        f"{email} saved as assessor")
    cli.ok("person", "add", email, "--name", "Rina Wati", "--role", "coordinator")
    rows = cli.table(cli.ok("person", "list"))
    assert [(r["email"], r["name"], r["role"]) for r in rows] == [
        (email, "Rina Wati", "coordinator")]
    result = cli.run("person", "whoami", env={"SMARTCITY_AS": email})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "Rina Wati (coordinator): acts for all regions"


@SQLITE_ONLY
def test_person_add_refusals_are_one_line(cli) -> None:
    assert "role “mayor” is not one of" in cli.fail(
        "person", "add", "a@b.go.id", "--name", "A", "--role", "mayor")
    assert "a head_of_region needs a region" in cli.fail(
        "person", "add", "a@b.go.id", "--name", "A", "--role", "head_of_region")
    assert "nobody is registered as ghost@b.go.id" in cli.fail(
        "person", "whoami", "--as", "ghost@b.go.id")


def test_mentor_add_assign_and_list(cli) -> None:
    m = "dosen@ugm.ac.id"
    assert cli.ok("mentor", "add", m, "--name", "Dosen UGM").strip() == f"Mentor {m} saved"
    assert cli.ok("person", "whoami", "--as", m).strip() == (
        "Dosen UGM (mentor): acts for no region yet")
    assert cli.ok("mentor", "assign", m, "64.71", "Kota Jayapura").strip() == (
        f"2 new assignment(s) for {m}")
    assert cli.ok("mentor", "assign", m, "64.71").strip() == f"0 new assignment(s) for {m}"
    out = cli.ok("mentor", "add", "other@itb.ac.id", "--name", "Other",
                 "--region", "32.73", "--region", "64.71")
    assert out.strip() == "Mentor other@itb.ac.id saved, assigned 32.73, 64.71"
    rows = cli.table(cli.ok("mentor", "list"))
    assert [(r["email"], r["region(s)"]) for r in rows] == [
        (m, "64.71, 91.71"), ("other@itb.ac.id", "32.73, 64.71")]
    assert {r["role"] for r in rows} == {"mentor"}
    assert cli.ok("person", "whoami", "--as", m).strip() == (
        "Dosen UGM (mentor): acts for 64.71, 91.71")


@SQLITE_ONLY
def test_mentor_assign_refusals_are_one_line(cli, cast) -> None:
    cli.setup_region()
    assert cli.fail("mentor", "assign", cast.coordinator, "64.71") == (
        f"error: {cast.coordinator} is not a registered mentor; add it with "
        "'smartcity mentor add'")
    assert "did you mean Kota Balikpapan" in cli.fail(
        "mentor", "assign", cast.mentor, "Kota Balikpapn")


@SQLITE_ONLY
def test_cohort_add_of_the_same_region_twice_in_one_command(cli) -> None:
    cli.ok("cohort", "create", "Smart City 2026", "--year", "2026")
    result = cli.run("cohort", "add", "Smart City 2026", "64.71", "Kota Balikpapan")
    if result.exit_code == 0:  # either it is added once ...
        assert cli.table(cli.ok("cohort", "list"))[0]["regions"] == "1"
    else:  # ... or the refusal names the repeated region
        line = cli.error_line(result)
        assert "64.71" in line
        assert "meanwhile" not in line
