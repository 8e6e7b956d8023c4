"""``smartcity workflow migrate``, ``migrations``, ``migration`` and ``revert-migration``.

Kota Balikpapan runs master plan version 4 in stage ``mou``; a version 5 renames that stage
``mou_signing``. The plan is printed as a table before anything happens (in English here,
Indonesian by default); a dry run writes nothing; without ``--map mou=mou_signing`` the region
is refused, the plan says why and the command exits 1 having written nothing; with it the
region moves and the migration is numbered, listed and shown; a revert moves it back. Not
choosing exactly one of --region/--cohort/--all, or a mapping that is not OLD=NEW, is a usage
error (exit 2).
"""

from __future__ import annotations

import re
from pathlib import Path

MASTER_PLAN_YAML = Path(__file__).parents[3] / "workflows" / "definitions" / "master_plan.yaml"


def _v5(cli) -> str:
    source = MASTER_PLAN_YAML.read_text("utf-8").replace("\nversion: 4\n", "\nversion: 5\n")
    return cli.write("master_plan_v5.yaml", re.sub(r"\bmou\b", "mou_signing", source))


def _in_mou(cli, cast) -> None:
    cli.setup_region()
    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    cli.ok("advance", cast.region, "assess", "--as", cast.assessor)
    cli.ok("workflow", "publish", _v5(cli))


def test_a_dry_run_prints_the_plan_and_writes_nothing(cli, cast) -> None:
    _in_mou(cli, cast)
    out = cli.ok("workflow", "migrate", "master_plan", "--to", "5", "--region", cast.region,
                 "--map", "mou=mou_signing", "--dry-run", "--as", cast.coordinator)
    [row] = cli.table(out, "Migration plan")
    assert row["From"] == "v4 mou" and row["To"] == "v5 mou_signing"
    assert row["Deadline and reminders"].startswith("deadline carried to the stage's new name: ")
    assert row["Outcome"] == "will be migrated"  # a plan: nothing is migrated yet
    assert "Dry run: regions to migrate 1, to skip 0; nothing was written." in out
    assert cli.ok("workflow", "migrations").strip() == "No migrations yet."
    history = cli.ok("history", cast.region)
    assert "migrat" not in history


def test_a_refused_plan_exits_1_and_writes_nothing(cli, cast) -> None:
    _in_mou(cli, cast)
    result = cli.run("workflow", "migrate", "master_plan", "--to", "5", "--all",
                     "--as", cast.coordinator)
    assert result.exit_code == 1, result.output
    [row] = cli.table(result.stdout, "Migration plan")
    assert row["Outcome"].startswith("refused: no mapping for stage mou")
    assert row["Deadline and reminders"] == ""  # a refused region's deadlines do not change
    assert "as mou=NEW_STAGE" in row["Outcome"]
    lines = cli.clean(result.stderr).splitlines()
    assert lines == ["error: 1 region refused; nothing was written. Map its stage or leave "
                     "it out, then try again"]
    assert cli.ok("workflow", "migrations").strip() == "No migrations yet."


def test_migrate_list_show_and_revert(cli, cast) -> None:
    _in_mou(cli, cast)
    out = cli.ok("workflow", "migrate", "master_plan", "--to", "5", "--cohort", cast.cohort,
                 "--map", "mou=mou_signing", "--reason", "v5 renames the MoU stage",
                 "--as", cast.coordinator)
    assert "Migration #1: regions migrated 1, skipped 0." in out
    [listed] = cli.table(cli.ok("workflow", "migrations", "master_plan"))
    assert listed["No."] == "#1" and listed["Versions"] == "v4 -> v5"
    assert listed["Status"] == "applied" and listed["Scope"] == f"cohort {cast.cohort}"
    assert listed["At"].endswith(" WIB") and "WIB WIB" not in listed["At"]
    [dilist] = cli.table(cli.run("workflow", "migrations", env={"SMARTCITY_LANG": "id"}).stdout)
    assert dilist["Cakupan"] == f"kohort {cast.cohort}"  # worded in the reader's language
    [line] = cli.table(cli.ok("workflow", "migration", "1"))
    assert (line["From"], line["To"], line["Outcome"]) == ("v4 mou", "v5 mou_signing", "applied")
    assert "v5 renames the MoU stage" in cli.ok("history", cast.region)

    back = cli.ok("workflow", "revert-migration", "1", "--as", cast.coordinator)
    [row] = cli.table(back, "Migration plan")
    assert (row["From"], row["To"]) == ("v5 mou_signing", "v4 mou")
    assert "Migration #2: regions migrated 1" in back
    rows = {r["No."]: r for r in cli.table(cli.ok("workflow", "migrations"))}
    assert rows["#1"]["Status"] == "reverted" and rows["#2 ↩ #1"]["Versions"] == "v5 -> v4"
    line = cli.fail("workflow", "revert-migration", "1", "--as", cast.coordinator)
    assert "already reverted by migration #2" in line
    line = cli.fail("workflow", "revert-migration", "2", "--as", cast.coordinator)
    assert "migration #2 is the revert of migration #1: a revert is not reverted" in line
    assert "no migration #9" in cli.fail("workflow", "migration", "9")


def test_usage_errors_exit_2(cli, cast) -> None:
    cli.setup_region()
    line = cli.fail("workflow", "migrate", "master_plan", "--to", "4", "--as", cast.coordinator,
                    code=2)
    assert "exactly one of --region (repeatable), --cohort or --all" in line
    line = cli.fail("workflow", "migrate", "master_plan", "--to", "4", "--all", "--cohort",
                    cast.cohort, "--as", cast.coordinator, code=2)
    assert "exactly one" in line
    line = cli.fail("workflow", "migrate", "master_plan", "--to", "4", "--all", "--map", "mou",
                    "--as", cast.coordinator, code=2)
    assert "“mou” is not a mapping: write OLD_STAGE=NEW_STAGE" in line


def test_the_plan_speaks_indonesian_by_default(cli, cast) -> None:
    _in_mou(cli, cast)
    result = cli.run("workflow", "migrate", "master_plan", "--to", "5", "--all",
                     "--map", "mou=mou_signing", "--dry-run", "--as", cast.coordinator,
                     env={"SMARTCITY_LANG": "id"})
    assert result.exit_code == 0, result.output
    [row] = cli.table(result.stdout, "Rencana migrasi")
    assert row["Hasil"] == "akan dimigrasikan"
    assert "Uji coba: daerah yang akan dimigrasikan 1, dilewati 0" in cli.clean(result.stdout)


def test_nothing_to_migrate_or_an_unknown_version_exits_1_and_writes_nothing(
        cli, cast) -> None:
    _in_mou(cli, cast)
    cli.ok("workflow", "migrate", "master_plan", "--to", "5", "--all", "--map",
           "mou=mou_signing", "--as", cast.coordinator)
    line = cli.fail("workflow", "migrate", "master_plan", "--to", "5", "--all",
                    "--as", cast.coordinator)
    assert "no region needs migrating to version 5" in line
    line = cli.fail("workflow", "migrate", "master_plan", "--to", "9", "--all",
                    "--as", cast.coordinator)
    assert "has no published version 9; published versions: " in line and "5" in line
    assert [r["No."] for r in cli.table(cli.ok("workflow", "migrations"))] == ["#1"]


def test_an_unknown_workflow_exits_1_naming_the_published(cli, cast) -> None:
    cli.setup_region()
    line = cli.fail("workflow", "migrations", "nosuch")
    assert "nosuch" in line and "master_plan" in line
    line = cli.fail("workflow", "migrate", "nosuch", "--to", "1", "--all",
                    "--as", cast.coordinator)
    assert "master_plan" in line
