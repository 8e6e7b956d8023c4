"""``smartcity submit|advance|review|actions`` drive a region through the master plan.

Proves, on SQLite, through the command line only: a region goes from assessment
to quick-win submission with each stage's deliverables submitted by the right people; the
quick-win plan needs its ``--quick-wins`` list; a mentor rejects it with a comment, resubmitting
without a revision is refused with that comment, a revised plan is resubmitted and approved;
``actions REGION --as EMAIL`` says what is possible and, for the rest, why not, and what
that person still owes in the stage; the submission
table of ``region show`` carries the numbered review rounds and ``history`` the rejection
comment, in the region's zone (WITA); ``--expect-version`` with the
current version is accepted; with ``SMARTCITY_MAX_REVIEW_ROUNDS=1`` the first rejection
escalates to a coordinator, who grants another round with a comment.
"""

from __future__ import annotations

import re

import pytest

# Backend-independent behaviour: checked on SQLite only, to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _version(out: str) -> int:
    found = re.findall(r"\(version (\d+)\)", out)
    assert found, out
    return int(found[-1])


def test_quick_win_plan_rejected_revised_and_approved(cli, cast) -> None:
    cli.setup_region()
    cli.drive_to_quick_win_submission()
    region, opd, mentor = cast.region, cast.opd, cast.mentor

    out = cli.ok("actions", region, "--as", opd)
    assert re.search(r"64\.71 Kota Balikpapan: Quick-win submission \[quick_win_submission\] "
                     r"\(version \d+\)", out)
    rows = {r["action"]: r for r in cli.table(out)}
    assert set(rows) == {"submit_for_review", "withdraw"}
    assert rows["submit_for_review"]["leads to"] == "mentor_review"
    assert rows["submit_for_review"]["what"] == "Send the quick-win plan to the mentors"
    assert cli.squash(rows["submit_for_review"]["possible"]) == cli.squash(
        "no: still to be submitted: Quick-win plan; "
        "no quick-win plan has been submitted")
    assert cli.squash(rows["withdraw"]["possible"]).lower().startswith(cli.squash(
        "no: only coordinator may withdraw the region from the programme"))
    assert "You owe: submit Quick-win plan" in out
    assert "You owe nothing in this stage." in cli.ok("actions", region, "--as", mentor)

    plan = cli.document("quick_win_plan.docx", "plan v1")
    assert "give --quick-wins FILE.csv" in cli.fail("submit", region, "quick_win_plan", plan,
                                                   "--as", opd)
    out = cli.ok("submit", region, "quick_win_plan", plan, "--as", opd,
                 "--quick-wins", cli.quick_wins())
    assert re.fullmatch(r"64\.71: quick_win_plan version 1 received with 1 quick win\(s\) "
                        r"\(sha256 [0-9a-f]{12}\)", out.strip())
    out = cli.ok("advance", region, "submit_for_review", "--as", opd)
    assert out.startswith("64.71: Quick-win submission -> Mentor review (version ")

    coordinator_view = {r["action"]: r["possible"]
                        for r in cli.table(cli.ok("actions", region, "--as", cast.coordinator))}
    assert cli.squash(coordinator_view["approve"]).lower() == cli.squash(
        "no: only mentor may approve the quick-win plan; ayu coordinator may not")
    assert coordinator_view["withdraw"] == "yes"
    out = cli.ok("actions", region, "--as", mentor.upper())  # an address in any case
    assert "You owe: review Quick-win plan" in out
    mentor_view = {r["action"]: r for r in cli.table(out)}
    assert mentor_view["approve"]["possible"] == "yes"
    assert mentor_view["reject"]["possible"] == "yes"
    assert mentor_view["reject"]["leads to"] == "revision, review_escalated"

    out = cli.ok("review", "reject", region, "--as", mentor, "-m", "Add a budget per quick win")
    assert out.startswith("64.71: Mentor review -> Revision (version ")

    line = cli.fail("advance", region, "resubmit", "--as", opd)
    assert line == ("error: cannot resubmit the revised quick-win plan: submit a revised "
                    "quick-win plan first; round 1 asked: Add a budget per quick win")

    revised = cli.document("quick_win_plan_v2.docx", "plan v2 with budgets")
    out = cli.ok("submit", region, "quick_win_plan", revised, "--as", opd,
                 "--quick-wins", cli.quick_wins("quick_wins_v2.csv"), "--note", "budgets added")
    assert out.startswith("64.71: quick_win_plan version 2 received with 1 quick win(s)")
    version = _version(cli.ok("actions", region, "--as", opd))
    out = cli.ok("advance", region, "resubmit", "--as", opd, "--expect-version", str(version))
    assert out.strip() == f"64.71: Revision -> Mentor review (version {version + 1})"

    out = cli.ok("review", "approve", region, "--as", mentor, "-m", "Good")
    assert out.strip() == f"64.71: Mentor review -> Presentation (version {version + 2})"

    shown = cli.ok("region", "show", region)
    assert "Stage: Presentation since " in shown
    plans = [r for r in cli.table(shown, "Submissions") if r["deliverable"] == "quick_win_plan"]
    assert [(p["v"], p["file"]) for p in plans] == [("1", "quick_win_plan.docx"),
                                                    ("2", "quick_win_plan_v2.docx")]
    assert cli.squash(plans[0]["reviews"]) == cli.squash(
        "round 1: rejected (Add a budget per quick win)")
    assert cli.squash(plans[1]["reviews"]) == cli.squash("round 2: approved (Good)")
    # (rich may cut a long address short here; see test_reports__commands for that bug)
    assert all(cli.squash(p["by"]) == cli.squash(opd) for p in plans)

    history = cli.ok("history", region)
    assert "History of 64.71 Kota Balikpapan (times in WITA)" in history
    reviews = [r for r in cli.table(history) if r["action"] in ("reject", "approve")]
    assert [(r["action"], cli.squash(r["from -> to"]), cli.squash(r["comment"])) for r in reviews
            ] == [("reject", "mentor_review->revision", cli.squash("Add a budget per quick win")),
                  ("approve", "mentor_review->presentation", "Good")]
    assert all(r["when"].endswith(" WITA") for r in reviews)


def test_each_stage_is_reached_in_order(cli, cast) -> None:
    cli.setup_region()
    doc = cli.document()
    region = cast.region
    cli.ok("submit", region, "assessment_result", doc, "--as", cast.assessor)
    assert cli.ok("advance", region, "assess", "--as", cast.assessor).startswith(
        "64.71: Invited / assessment -> MoU (version ")
    # A head of region signs for their own region.
    out = cli.ok("submit", region, "signed_mou", doc, "--as", cast.head)
    assert out.startswith("64.71: signed_mou version 1 received (sha256 ")
    assert cli.ok("advance", region, "sign_mou", "--as", cast.head).startswith(
        "64.71: MoU -> Institutions")
    cli.ok("submit", region, "council_decree", doc, "--as", cast.coordinator)
    cli.ok("submit", region, "implementation_team_decree", doc, "--as", cast.coordinator)
    assert cli.ok("advance", region, "establish_institutions", "--as", cast.coordinator
                  ).startswith("64.71: Institutions -> Bimtek I")

    # Bimtek I closes only when every OPD has answered; the guard names the missing ones.
    cli.ok("opd", "add", region, "DINKES", "Dinas Kesehatan", "dinkes@balikpapan.go.id")
    line = cli.fail("advance", region, "close_bimtek_1", "--as", cast.coordinator)
    assert line == ("error: cannot close bimtek I: still to be submitted: OPD questionnaire; "
                    "2 of 2 OPDs have not submitted the questionnaire: "
                    "Dinas Kesehatan (DINKES), Dinas Komunikasi dan Informatika (DISKOMINFO)")
    # A coordinator may submit it on an OPD's behalf, naming the OPD.
    out = cli.ok("submit", region, "questionnaire", doc, "--as", cast.coordinator,
                 "--party", "diskominfo")
    assert out.startswith("64.71: questionnaire for DISKOMINFO version 1 received")
    line = cli.fail("advance", region, "close_bimtek_1", "--as", cast.coordinator)
    assert line == ("error: cannot close bimtek I: 1 of 2 OPDs have not submitted the "
                    "questionnaire: Dinas Kesehatan (DINKES)")
    out = cli.ok("submit", region, "questionnaire", doc, "--as", "dinkes@balikpapan.go.id")
    assert out.startswith("64.71: questionnaire for DINKES version 1 received")
    assert cli.ok("advance", region, "close_bimtek_1", "--as", cast.coordinator).startswith(
        "64.71: Bimtek I -> Bimtek II")
    status = cli.table(cli.ok("status"))
    assert [(r["region"], r["stage"]) for r in status] == [(region, "Bimtek II")]


@SQLITE_ONLY
def test_withdraw_needs_a_comment_and_ends_the_region(cli, cast) -> None:
    cli.setup_region()
    line = cli.fail("advance", cast.region, "withdraw", "--as", cast.coordinator)
    assert line == ("error: cannot withdraw the region from the programme: a comment is "
                    "required: say what must change")
    out = cli.ok("advance", cast.region, "withdraw", "--as", cast.coordinator,
                 "-m", "Regional budget cut")
    assert out.startswith("64.71: Invited / assessment -> Withdrawn (version ")
    assert cli.table(cli.ok("actions", cast.region, "--as", cast.coordinator)) == []


@SQLITE_ONLY
def test_review_rounds_come_from_the_environment(cli, cast, fresh_settings,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCITY_MAX_REVIEW_ROUNDS", "1")
    cli.setup_region()
    cli.drive_to_quick_win_submission()
    cli.ok("submit", cast.region, "quick_win_plan", cli.document("plan.docx"), "--as", cast.opd,
           "--quick-wins", cli.quick_wins())
    cli.ok("advance", cast.region, "submit_for_review", "--as", cast.coordinator)
    out = cli.ok("review", "reject", cast.region, "--as", cast.mentor, "-m", "Not yet")
    assert out.startswith("64.71: Mentor review -> Review escalated (version ")
    rows = {r["action"]: r["possible"]
            for r in cli.table(cli.ok("actions", cast.region, "--as", cast.coordinator))}
    assert rows["grant_extra_round"] == "yes"
    assert cli.fail("advance", cast.region, "grant_extra_round", "--as", cast.coordinator) == (
        "error: cannot grant one more revision round: a comment is required: say what must "
        "change")
    out = cli.ok("advance", cast.region, "grant_extra_round", "--as", cast.coordinator,
                 "-m", "One more round for the budget")
    assert out.startswith("64.71: Review escalated -> Revision (version ")
