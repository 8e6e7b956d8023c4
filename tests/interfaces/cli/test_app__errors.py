"""Every refusal of the command line is one ``error:`` line on stderr and exit code 1.

Proves, in-process (``CliRunner`` keeps stderr apart from stdout), that unknown regions (with a
"did you mean" for a near name), unknown cohorts, the wrong role, the wrong region, unmet
guards and requirements, a stale ``--expect-version``, bad or unregistered ``--as`` addresses,
unacceptable files, an unreachable database (password hidden), a database never initialised
(telling to run ``smartcity init``) and bad ``SMARTCITY_*`` settings each come out as exactly
one line starting with ``error:`` and exit 1, with nothing on stdout and no traceback; usage
errors (a missing ``--as``) exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from interfaces.cli.app import app

# Backend-independent behaviour: checked on SQLite only, to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def _one_line(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr,
                                      result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# -- regions, cohorts, people ----------------------------------------------------------------

def test_unknown_region_suggests_near_names(cli, cast) -> None:
    cli.setup_region()
    line = cli.fail("history", "Balikpapn")
    assert line.startswith("error: unknown region “Balikpapn”; did you mean Kota Balikpapan")
    assert line.endswith("?")
    assert cli.fail("advance", "Kota Balikpapn", "assess", "--as", cast.assessor).startswith(
        "error: unknown region “Kota Balikpapn”; did you mean Kota Balikpapan")
    assert cli.fail("region", "show", "99.99") == (
        "error: unknown region “99.99”; check the region's name or its Kemendagri code "
        "(e.g. 64.71)")
    assert cli.fail("cohort", "add", cast.cohort, "Atlantis") == (
        "error: unknown region “Atlantis”; check the region's name or its Kemendagri code "
        "(e.g. 64.71)")


@SQLITE_ONLY
def test_region_outside_the_programme(cli, cast) -> None:
    cli.setup_region()
    assert cli.fail("actions", "91.71", "--as", cast.coordinator) == (
        "error: 91.71 has not joined the programme; the programme's administrator adds it to "
        "a cohort")


@SQLITE_ONLY
def test_unknown_cohort(cli) -> None:
    assert cli.fail("cohort", "add", "Smart City 2030", "64.71") == (
        "error: no cohort “Smart City 2030”; choose one of the existing cohorts, or ask the "
        "programme's administrator to create it")
    cli.ok("cohort", "create", "A", "--year", "2026")
    cli.ok("cohort", "create", "B", "--year", "2026")
    assert cli.fail("status", "2026") == "error: 2026 has several cohorts (A, B); name one"


@SQLITE_ONLY
def test_bad_and_unregistered_as(cli, cast) -> None:
    cli.setup_region()
    line = cli.fail("advance", cast.region, "assess", "--as", "budi-at-kominfo")
    assert line.startswith("error: --as: email “budi-at-kominfo” is not a valid address")
    line = cli.fail("actions", cast.region, "--as", "ghost@kominfo.go.id")
    assert line == ("error: nobody is registered as ghost@kominfo.go.id; a coordinator "
                    "registers people and OPDs in the directory")
    line = cli.fail("person", "add", "budi-at-kominfo", "--name", "Budi", "--role", "assessor")
    assert "email “budi-at-kominfo” is not a valid address" in line


@SQLITE_ONLY
def test_missing_as_is_a_usage_error(cli, cast) -> None:
    cli.setup_region()
    result = cli.run("advance", cast.region, "assess")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Missing option '--as'" in result.stderr
    assert result.stdout == ""
    result = cli.run("review", "reject", cast.region, "--as", cast.mentor)
    assert result.exit_code == 2
    assert "Missing option '--comment'" in result.stderr


# -- permissions and the workflow ------------------------------------------------------------

def test_wrong_role(cli, cast) -> None:
    cli.setup_region()
    # Roles and actions by their labels (whatever their case inside the sentence).
    assert cli.fail("advance", cast.region, "assess", "--as", cast.head).lower() == (
        "error: only assessor or coordinator may record the readiness assessment; "
        "rahmad walikota may not")
    line = cli.fail("submit", cast.region, "assessment_result", cli.document(),
                    "--as", cast.mentor)
    assert line.lower() == ("error: only assessor or coordinator may submit readiness "
                            "assessment result; sari mentor may not")


def test_wrong_region(cli, cast) -> None:
    cli.setup_region()
    cli.ok("cohort", "add", cast.cohort, cast.other_region)
    assert cli.fail("advance", cast.other_region, "assess", "--as", cast.head).lower() == (
        "error: rahmad walikota is not assigned to 91.71; only the head of region of 91.71 "
        "may act for it")
    assert cli.fail("review", "approve", cast.other_region, "--as", cast.mentor).lower() == (
        "error: sari mentor is not assigned to 91.71; only the mentor of 91.71 may act for it")
    line = cli.fail("submit", cast.other_region, "buku_1", cli.document(), "--as", cast.opd)
    assert "is not assigned to 91.71" in line


def test_unmet_requirement_wrong_state_and_unknown_action(cli, cast) -> None:
    cli.setup_region()
    assert cli.fail("advance", cast.region, "assess", "--as", cast.assessor) == (
        "error: cannot record the readiness assessment: still to be submitted: Readiness "
        "assessment result")
    assert cli.fail("advance", cast.region, "close_bimtek_1", "--as", cast.coordinator) == (
        "error: cannot close bimtek I for 64.71: it is in Invited / assessment; possible now: "
        "Record the readiness assessment, Withdraw the region from the programme")
    assert cli.fail("advance", cast.region, "fast_track", "--as", cast.coordinator) == (
        "error: unknown action fast_track in Smart-city master plan (Gerakan Menuju 100 Smart "
        "City); possible now: Record the readiness assessment, Withdraw the region from the "
        "programme")
    assert cli.fail("review", "approve", cast.region, "--as", cast.mentor) == (
        "error: cannot approve the quick-win plan for 64.71: it is in Invited / assessment; "
        "possible now: Record the readiness assessment, Withdraw the region from the programme")


def test_stale_expect_version(cli, cast) -> None:
    cli.setup_region()
    cli.ok("submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor)
    # The region is at version 2 now (start, one submission).
    assert cli.fail("advance", cast.region, "assess", "--as", cast.assessor,
                    "--expect-version", "1") == (
        "error: 64.71 changed since you looked; reload and try again")
    assert "changed since you looked" in cli.fail(
        "submit", cast.region, "assessment_result", cli.document(), "--as", cast.assessor,
        "--expect-version", "1")
    out = cli.ok("advance", cast.region, "assess", "--as", cast.assessor, "--expect-version", "2")
    assert out.strip() == "64.71: Invited / assessment -> MoU (version 3)"


@SQLITE_ONLY
def test_submission_refusals(cli, cast) -> None:
    cli.setup_region()
    exe = cli.write("setup.exe", "MZ")
    assert cli.fail("submit", cast.region, "assessment_result", exe, "--as", cast.assessor
                    ).startswith("error: setup.exe: files of type .exe are not accepted; ")
    empty = cli.write("empty.pdf", "")
    assert cli.fail("submit", cast.region, "assessment_result", empty, "--as", cast.assessor
                    ) == "error: empty.pdf: the file is empty"
    gone = str(cli.files / "gone.pdf")
    assert cli.fail("submit", cast.region, "assessment_result", gone, "--as", cast.assessor
                    ) == f"error: {gone}: cannot read: No such file or directory"
    assert cli.fail("submit", cast.region, "buku_1", cli.document(), "--as", cast.opd) == (
        "error: Buku 1 (strategic analysis) is accepted during Bimtek I, Bimtek II; 64.71 is "
        "in Invited / assessment")
    assert cli.fail("submit", cast.region, "questionnaire", cli.document(), "--as", cast.opd,
                    "--party", "DINKES") == (
        "error: Dinas Komunikasi dan Informatika submits for itself (DISKOMINFO), "
        "not for DINKES")
    assert cli.fail("submit", cast.region, "budget", cli.document(), "--as", cast.coordinator
                    ).startswith("error: unknown document budget; accepted: Readiness "
                                 "assessment result, Signed MoU, ")
    assert cli.fail("submit", cast.region, "buku_1", cli.document(), "--as", cast.opd,
                    "--quick-wins", cli.quick_wins()) == (
        "error: --quick-wins FILE.csv goes with the quick-win plan only")
    # Nothing of the refused submissions was recorded.
    assert "Submissions" not in cli.ok("region", "show", cast.region)


# -- the database and the settings -----------------------------------------------------------

UNREACHABLE = "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/x"


@pytest.mark.parametrize("command", [["status"], ["region", "list"], ["history", "64.71"]])
def test_unreachable_database_is_one_line_without_the_password(tmp_path: Path,
                                                               command: list[str]) -> None:
    line = _one_line(_run("--database-url", UNREACHABLE, "--data-dir", str(tmp_path), *command))
    assert line.startswith("error: cannot use the database at "
                           "postgresql+psycopg://nobody:***@127.0.0.1:1/x: connection failed"), line
    assert "s3cret" not in line


def test_init_on_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    line = _one_line(_run("--database-url", UNREACHABLE, "--data-dir", str(tmp_path), "init"))
    assert line.startswith("error: cannot use the database at "
                           "postgresql+psycopg://nobody:***@127.0.0.1:1/x")


def test_init_on_an_unreachable_database_fails_without_traceback(tmp_path: Path) -> None:
    result = _run("--database-url", UNREACHABLE, "--data-dir", str(tmp_path), "init")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "s3cret" not in result.output
    assert result.stdout == ""


NOT_INITIALISED = [["status"], ["history", "64.71"], ["workflow", "list"]]


def test_database_never_initialised_says_to_run_init(empty_database_url: str,
                                                     tmp_path: Path) -> None:
    for command in NOT_INITIALISED:
        line = _one_line(_run("--database-url", empty_database_url, "--data-dir",
                              str(tmp_path), *command))
        assert line.startswith("error: the database at "), line
        assert "is not initialised" in line
        assert line.endswith("run 'smartcity init' first")


def test_default_sqlite_in_the_data_dir_not_initialised(tmp_path: Path, fresh_settings) -> None:
    line = _one_line(_run("--data-dir", str(tmp_path / "new"), "status",
                          env={"SMARTCITY_DATABASE_URL": None}))
    assert line.startswith(f"error: the database at sqlite:///{(tmp_path / 'new').resolve()}"
                           "/smartcity.db is not initialised")
    assert line.endswith("run 'smartcity init' first")


@pytest.mark.parametrize(("value", "message"), [
    ("three", "error: setting SMARTCITY_MAX_REVIEW_ROUNDS: must be a whole number (given: "
              "'three'); for example SMARTCITY_MAX_REVIEW_ROUNDS=3"),
    ("0", "error: setting SMARTCITY_MAX_REVIEW_ROUNDS: must be at least 1 (given: '0'); for "
          "example SMARTCITY_MAX_REVIEW_ROUNDS=3"),
])
def test_bad_setting_in_the_environment(tmp_path: Path, fresh_settings, value: str,
                                        message: str) -> None:
    result = _run("--data-dir", str(tmp_path), "status",
                  env={"SMARTCITY_MAX_REVIEW_ROUNDS": value})
    assert _one_line(result) == message
    assert result.stdout == ""


def test_unsupported_database_url_in_the_environment(tmp_path: Path, fresh_settings) -> None:
    line = _one_line(_run("--data-dir", str(tmp_path), "status",
                          env={"SMARTCITY_DATABASE_URL": "mysql://root@127.0.0.1/smartcity"}))
    assert line == ("error: setting SMARTCITY_DATABASE_URL: only sqlite:/// and "
                    "postgresql+psycopg:// URLs are supported (given: 'mysql'); for example "
                    "SMARTCITY_DATABASE_URL=postgresql+psycopg://smartcity@127.0.0.1/smartcity")


@pytest.mark.parametrize("url", ["mysql://root@127.0.0.1/smartcity", "not a url"])
def test_unusable_database_url_option_is_one_line(tmp_path: Path, url: str) -> None:
    result = _run("--database-url", url, "--data-dir", str(tmp_path), "status")
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


@pytest.mark.parametrize("url", ["mysql://root@127.0.0.1/smartcity", "not a url"])
def test_unusable_database_url_option_is_a_user_error(tmp_path: Path, url: str) -> None:
    line = _one_line(_run("--database-url", url, "--data-dir", str(tmp_path), "status"))
    assert line.startswith("error: ")
    assert "sqlite:///" in line and "postgresql+psycopg://" in line


# -- text from users is text, not markup -----------------------------------------------------

@SQLITE_ONLY
def test_brackets_in_an_error_message_are_printed_as_typed(cli) -> None:
    assert cli.fail("history", "[/x]") == (
        "error: unknown region “[/x]”; check the region's name or its Kemendagri code "
        "(e.g. 64.71)")


@SQLITE_ONLY
def test_brackets_in_names_are_printed_as_typed(cli) -> None:
    out = cli.ok("cohort", "create", "Smart City [pilot]", "--year", "2026")
    assert out.strip() == "Cohort 'Smart City [pilot]' (2026) created"
    assert cli.table(cli.ok("cohort", "list"))[0]["cohort"] == "Smart City [pilot]"
