"""``smartcity status [COHORT]`` and ``smartcity history REGION``: progress and timelines.

Proves: ``status`` lists every region of each cohort with its province, legal zone (WIB, WITA,
WIT), stage, the date it entered the stage and the stage deadline, both labelled with the
region's own zone, ordered by stage, with a count per stage, for one cohort by name or year or
for all; ``history`` shows a region's timeline with times in its zone (WITA for Balikpapan, WIT
for Jayapura), the actor and role, the move, submissions and comments. (A mentor's rejection
comment in the history is checked along the full path in test_actions__commands.)
"""

from __future__ import annotations

import re

import pytest

DATE_IN = r"\d{{4}}-\d{{2}}-\d{{2}} {zone}"
TIME_IN = r"\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}} {zone}"

# Backend-independent behaviour: checked on SQLite only, to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_status_without_cohorts(cli) -> None:
    assert cli.ok("status").strip() == (
        "No cohorts yet: create one with 'smartcity cohort create'.")


def test_status_lists_regions_with_province_zone_stage_and_deadline(cli, cast) -> None:
    cli.setup_region()
    cli.ok("cohort", "add", cast.cohort, "91.71", "32.73")
    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    cli.ok("advance", cast.region, "assess", "--as", cast.assessor)

    out = cli.ok("status")
    assert f"Cohort {cast.cohort}: 3 regions" in out
    rows = cli.table(out)
    assert [(r["region"], r["name"], r["province"], r["zone"], r["stage"]) for r in rows] == [
        ("32.73", "Kota Bandung", "Jawa Barat", "WIB", "Invited / assessment"),
        ("91.71", "Kota Jayapura", "Papua", "WIT", "Invited / assessment"),
        ("64.71", "Kota Balikpapan", "Kalimantan Timur", "WITA", "MoU"),
    ]
    for r in rows:
        assert re.fullmatch(DATE_IN.format(zone=r["zone"]), r["since"]), r
        assert r["cycle"] == "1"
    # Only the MoU stage has a deadline (120 days), shown in the region's zone.
    assert [r["due"] for r in rows[:2]] == ["", ""]
    assert re.fullmatch(TIME_IN.format(zone="WITA"), rows[2]["due"])
    assert "  Invited / assessment: 2 | MoU: 1" in out.splitlines()


def test_status_of_one_cohort_by_name_or_year(cli, cast) -> None:
    cli.setup_region()
    cli.ok("cohort", "create", "Smart City 2027", "--year", "2027")
    cli.ok("cohort", "add", "Smart City 2027", "91.71")

    every = cli.ok("status")
    assert f"Cohort {cast.cohort}: 1 region" in every
    assert "Cohort Smart City 2027: 1 region" in every

    by_year = cli.ok("status", "2027")
    assert [r["region"] for r in cli.table(by_year)] == ["91.71"]
    assert cast.cohort not in by_year
    by_name = cli.ok("status", cast.cohort)
    assert [r["region"] for r in cli.table(by_name)] == [cast.region]

    assert cli.fail("status", "Smart City 2030") == (
        "error: no cohort “Smart City 2030”; choose one of the existing cohorts, or ask the "
        "programme's administrator to create it")


def test_history_in_the_regions_zone_with_actors_and_comments(cli, cast) -> None:
    cli.setup_region()
    cli.ok("submit", cast.region, "assessment_result", cli.document("hasil.pdf"),
           "--as", cast.assessor, "--note", "Interview held in Balikpapan")
    cli.ok("advance", cast.region, "assess", "--as", cast.assessor, "-m", "Ready")
    cli.ok("advance", cast.region, "withdraw", "--as", cast.coordinator,
           "-m", "Regional budget cut")

    out = cli.ok("history", cast.region_name)
    assert "History of 64.71 Kota Balikpapan (times in WITA)" in out
    rows = cli.table(out)
    assert len(rows) == 4
    for r in rows:
        assert re.fullmatch(TIME_IN.format(zone="WITA"), r["when"]), r
    text = [{k: cli.squash(v) for k, v in r.items()} for r in rows]
    assert text[0]["action"] == "start"
    assert text[0]["from -> to"] == cli.squash("- -> assessment")
    assert text[1]["who"] == cli.squash(f"{cast.assessor} (assessor)")
    assert text[1]["action"].startswith("submitassessment_result")
    assert text[1]["comment"] == cli.squash("Interview held in Balikpapan")
    assert (text[2]["action"], text[2]["from -> to"], text[2]["comment"]) == (
        "assess", cli.squash("assessment -> mou"), "Ready")
    assert (text[3]["action"], text[3]["from -> to"]) == ("withdraw", cli.squash(
        "mou -> withdrawn"))
    assert text[3]["who"] == cli.squash(f"{cast.coordinator} (coordinator)")
    assert text[3]["comment"] == cli.squash("Regional budget cut")


@SQLITE_ONLY
def test_history_of_a_wit_region_is_in_wit(cli, cast) -> None:
    cli.setup_region()
    cli.ok("cohort", "add", cast.cohort, "Kota Jayapura")
    out = cli.ok("history", "91.71")
    assert "History of 91.71 Kota Jayapura (times in WIT)" in out
    (start,) = cli.table(out)
    assert re.fullmatch(TIME_IN.format(zone="WIT"), start["when"])
    assert "did you mean Kota Jayapura" in cli.fail("history", "Kota Jayapra")


LONG_EMAIL = "koordinator.gerakan.smart.city@komdigi.go.id"
LONG_FILE = "hasil-penilaian-kesiapan-kota-balikpapan-2026-final-revisi-kedua.pdf"


@SQLITE_ONLY
def test_long_addresses_and_file_names_are_shown_in_full(cli, cast) -> None:
    cli.setup_region()
    cli.ok("person", "add", LONG_EMAIL, "--name", "Koordinator", "--role", "coordinator")
    cli.ok("submit", cast.region, "assessment_result", cli.document(LONG_FILE), "--as", LONG_EMAIL)
    history = cli.table(cli.ok("history", cast.region))
    assert "…" not in cli.ok("history", cast.region)
    assert cli.squash(history[-1]["who"]) == cli.squash(f"{LONG_EMAIL} (coordinator)")
    (sub,) = cli.table(cli.ok("region", "show", cast.region), "Submissions")
    assert (cli.squash(sub["by"]), cli.squash(sub["file"])) == (LONG_EMAIL, LONG_FILE)
