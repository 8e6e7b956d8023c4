"""Every kind of refusal, through the public actions, on both databases.

For each refusal the test checks the exact error type (not a parent class), that the message
says what was wrong and how to put it right (the role that may act, the deliverable still
missing, the state the region is in and what is possible now, a close region name), and that the
refused action left nothing behind: state, instance version, history, submissions, reviews,
deadlines and quick wins of the region are exactly as before. Each case seeds its own real
regions in one database per module and backend; messages that name a region are checked with
that region's code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from engine import (
    ConflictError,
    GuardFailed,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    TransitionNotAllowed,
    WorkflowError,
)
from workflows.directory.reference import shipped_regions
from workflows.master_plan import actions

BANGGAI = "72.01"  # Kabupaten Banggai, WITA (never joins a cohort here)
COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"


@dataclass(frozen=True)
class Refusal:
    stage: str
    act: Callable[[Any, Any, Any], object]  # (world, region, other region or None)
    error: type[WorkflowError]
    match: str
    prepare: Callable[[Any, Any], object] | None = None
    other: bool = False  # seed a second region too


def _pdf(w: Any, name: str = "document.pdf") -> Any:
    return w.pdf(name)


CASES: dict[str, Refusal] = {
    # -- wrong role: the message names the role that may act --------------------------
    "opd-closes-bimtek-1": Refusal(
        "bimtek_1", lambda w, r, o: w.fire(r.code, "close_bimtek_1", r.opd),
        PermissionDenied,
        r"(?i)^only coordinator may close bimtek I; "
        r"Dinas Komunikasi dan Informatika may not$"),
    "opd-approves": Refusal(
        "mentor_review", lambda w, r, o: actions.review(w.prog, r.code, "approve", r.opd),
        PermissionDenied, r"(?i)^only mentor may approve the quick-win plan; "
        r"Dinas Komunikasi .* may not$"),
    "mentor-signs-mou": Refusal(
        "mou", lambda w, r, o: w.fire(r.code, "sign_mou", r.mentor),
        PermissionDenied,
        r"(?i)^only coordinator or head of region may sign the mou; Mentor {code} may not$"),
    "assessor-submits-questionnaire": Refusal(
        "bimtek_1",
        lambda w, r, o: w.submit(r.code, "questionnaire", ASSESSOR, party="DISKOMINFO"),
        PermissionDenied,
        r"(?i)^only coordinator or opd may submit OPD questionnaire; Tim Penilai may not"),
    "coordinator-approves": Refusal(
        "mentor_review",
        lambda w, r, o: actions.review(w.prog, r.code, "approve", COORDINATOR),
        PermissionDenied, r"(?i)^only mentor may approve the quick-win plan; Tim Koordinator "),
    # -- wrong region: scoped roles act only for their own region ----------------------
    "opd-of-other-region-submits": Refusal(
        "bimtek_1", lambda w, r, o: w.submit(r.code, "questionnaire", o.opd),
        PermissionDenied,
        r"(?i)^Dinas Komunikasi dan Informatika is not assigned to {code}; "
        r"only the opd of {code} may act for it$", other=True),
    "opd-of-other-region-advances": Refusal(
        "quick_win_submission", lambda w, r, o: w.fire(r.code, "submit_for_review", o.opd),
        PermissionDenied, r"(?i)is not assigned to {code}; only the opd of {code} may act",
        prepare=lambda w, r: w.submit_plan(r), other=True),
    "unassigned-mentor-reviews": Refusal(
        "mentor_review",
        lambda w, r, o: actions.review(w.prog, r.code, "reject", o.mentor,
                                       comment="Tambahkan data dasar"),
        PermissionDenied,
        r"(?i)^Mentor {other} is not assigned to {code}; "
        r"only the mentor of {code} may act for it$", other=True),
    "head-of-other-region-signs": Refusal(
        "mou", lambda w, r, o: w.fire(r.code, "sign_mou", o.head),
        PermissionDenied, r"^Kepala Daerah {other} is not assigned to {code}",
        other=True),
    # -- a required deliverable is missing --------------------------------------------
    "assess-without-result": Refusal(
        "assessment", lambda w, r, o: w.fire(r.code, "assess", ASSESSOR),
        GuardFailed,
        r"(?i)^cannot record the readiness assessment: still to be submitted: "
        r"Readiness assessment result$"),
    "one-decree-missing": Refusal(
        "institutions", lambda w, r, o: w.fire(r.code, "establish_institutions", COORDINATOR),
        GuardFailed,
        r"(?i)^cannot institutions established; start bimtek I: still to be submitted: "
        r"Implementation team decree$",
        prepare=lambda w, r: w.submit(r.code, "council_decree", COORDINATOR)),
    "review-without-plan": Refusal(
        "quick_win_submission", lambda w, r, o: w.fire(r.code, "submit_for_review", r.opd),
        GuardFailed, r"(?i)^cannot send the quick-win plan to the mentors: still to be "
        r"submitted: Quick-win plan; no quick-win plan has been submitted$"),
    # -- a comment is required -------------------------------------------------------
    "reject-without-comment": Refusal(
        "mentor_review", lambda w, r, o: actions.review(w.prog, r.code, "reject", r.mentor),
        GuardFailed, r"(?i)^cannot reject with comments .*: a comment is required: say what "
        r"must change$"),
    "reject-with-blank-comment": Refusal(
        "mentor_review",
        lambda w, r, o: actions.review(w.prog, r.code, "reject", r.mentor, comment="  \n "),
        GuardFailed, r"(?i)^cannot reject with comments .*: a comment is required"),
    "withdraw-without-comment": Refusal(
        "bimtek_2", lambda w, r, o: w.fire(r.code, "withdraw", COORDINATOR),
        GuardFailed, r"(?i)^cannot withdraw the region from the programme: a comment is "
        r"required: say what"),
    # -- the trigger does not leave the current state --------------------------------
    "approve-during-assessment": Refusal(
        "assessment", lambda w, r, o: actions.review(w.prog, r.code, "approve", r.mentor),
        TransitionNotAllowed,
        r"(?i)^cannot approve the quick-win plan for {code}: it is in Invited / assessment; "
        r"possible now: record the readiness assessment, withdraw the region from the "
        r"programme$"),
    "close-bimtek-1-twice": Refusal(
        "bimtek_2", lambda w, r, o: w.fire(r.code, "close_bimtek_1", COORDINATOR),
        TransitionNotAllowed,
        r"(?i)^cannot close bimtek I for {code}: it is in Bimtek II; possible now: close "
        r"bimtek II, withdraw the region from the programme$"),
    "unknown-action": Refusal(
        "assessment", lambda w, r, o: w.fire(r.code, "skip_to_adoption", COORDINATOR),
        TransitionNotAllowed,
        r"(?i)^unknown action skip_to_adoption in .*; possible now: record the readiness "
        r"assessment, withdraw the region from the programme$"),
    # -- stale version (optimistic lock) ---------------------------------------------
    "stale-version-advance": Refusal(
        "mou",
        lambda w, r, o: w.fire(r.code, "sign_mou", r.head, expected_version=2),
        ConflictError,
        r"^{code} changed since you looked; reload and try again$",
        prepare=lambda w, r: w.submit(r.code, "signed_mou", r.head)),
    "stale-version-submit": Refusal(
        "mou",
        lambda w, r, o: w.submit(r.code, "signed_mou", r.head, expected_version=1),
        ConflictError, r"^{code} changed since you looked"),
    # -- submissions: window, party, deliverable --------------------------------------
    "buku-2-during-bimtek-1": Refusal(
        "bimtek_1", lambda w, r, o: w.submit(r.code, "buku_2", r.opd),
        TransitionNotAllowed,
        r"^Buku 2 \(master plan\) is accepted during Bimtek III, Bimtek IV; "
        r"{code} is in Bimtek I$"),
    "mou-after-it-was-signed": Refusal(
        "institutions", lambda w, r, o: w.submit(r.code, "signed_mou", r.head),
        TransitionNotAllowed, r"^Signed MoU is accepted during MoU.*; {code} is in Institutions$"),
    "opd-submits-for-another-opd": Refusal(
        "bimtek_1",
        lambda w, r, o: w.submit(r.code, "questionnaire", r.opd, party="bappeda"),
        PermissionDenied,
        r"^Dinas Komunikasi dan Informatika submits for itself \(DISKOMINFO\), "
        r"not for BAPPEDA$"),
    "unknown-deliverable": Refusal(
        "bimtek_2", lambda w, r, o: w.submit(r.code, "buku_3", r.opd),
        InvalidInputError,
        r"^unknown document buku_3; accepted: Readiness assessment result, "
        r"Signed MoU, .*Buku 1 .*, Programme mapping .*, Buku 2"),
    "questionnaire-without-party": Refusal(
        "bimtek_1", lambda w, r, o: w.submit(r.code, "questionnaire", COORDINATOR),
        InvalidInputError,
        r"^OPD questionnaire is submitted by each OPD: say which one$"),
    "plan-without-quick-wins": Refusal(
        "quick_win_submission",
        lambda w, r, o: actions.submit(w.prog, r.code, "quick_win_plan", _pdf(w), r.opd),
        InvalidInputError,
        r"^a quick-win plan lists its quick wins: give --quick-wins FILE\.csv with columns "
        r"title, dimension, element\[, opd, description\]$"),
    "quick-wins-with-another-deliverable": Refusal(
        "bimtek_3",
        lambda w, r, o: actions.submit(w.prog, r.code, "buku_2", _pdf(w), r.opd,
                                       quick_wins=w.quick_wins()),
        InvalidInputError, r"^--quick-wins FILE\.csv goes with the quick-win plan only$"),
    "review-is-not-a-decision": Refusal(
        "mentor_review",
        lambda w, r, o: actions.review(w.prog, r.code, "maybe", r.mentor, comment="hmm"),
        InvalidInputError, r"^a review is approve or reject, not “maybe”$"),
    # -- who and where ----------------------------------------------------------------
    "misspelt-region": Refusal(
        "assessment", lambda w, r, o: w.fire("Kota Balikpapn", "assess", ASSESSOR),
        NotFoundError, r"^unknown region “Kota Balikpapn”; did you mean Kota Balikpapan[,?]"),
    "unknown-region-code": Refusal(
        "assessment", lambda w, r, o: w.fire("99.99", "assess", ASSESSOR),
        NotFoundError, r"^unknown region “99\.99”; check the region's name or its Kemendagri "
        r"code \(e\.g\. 64\.71\)$"),
    "region-not-in-a-cohort": Refusal(
        "assessment", lambda w, r, o: w.fire(BANGGAI, "assess", ASSESSOR),
        NotFoundError, r"^72\.01 has not joined the programme; the programme's administrator "
        r"adds it to a cohort$"),
    "unknown-person": Refusal(
        "assessment", lambda w, r, o: w.fire(r.code, "assess", "nobody@example.org"),
        NotFoundError,
        r"^nobody is registered as nobody@example\.org; a coordinator registers people and "
        r"OPDs in the directory$"),
    "unknown-person-submits": Refusal(
        "assessment", lambda w, r, o: w.submit(r.code, "assessment_result", "Siapa@Example.org"),
        NotFoundError, r"^nobody is registered as siapa@example\.org"),
    "malformed-as-address": Refusal(
        "assessment", lambda w, r, o: w.fire(r.code, "assess", "penilai-at-komdigi"),
        InvalidInputError, r"^--as: email “penilai-at-komdigi” is not a valid address"),
}


# Each test seeds its own regions in one database shared by the module (Banggai never joins).
POOL = [r.code for r in shipped_regions() if r.code != BANGGAI]
REGIONS = {name: (POOL[2 * i], POOL[2 * i + 1]) for i, name in enumerate(
    [*CASES, "guard-reasons", "expected-version", "after-a-refusal"])}


@pytest.mark.parametrize("name", list(CASES))
def test_refused_with_its_reason_and_nothing_written(module_world: Any, name: str) -> None:
    world, case = module_world, CASES[name]
    code, other_code = REGIONS[name]
    r = world.region(code)
    other = world.region(other_code) if case.other else None
    world.drive(r, case.stage)
    if case.prepare is not None:
        case.prepare(world, r)
    watched = [r.code, BANGGAI] + ([other.code] if other else [])
    before = {c: world.footprint(c) for c in watched}
    with pytest.raises(WorkflowError) as caught:
        case.act(world, r, other)
    assert caught.type is case.error, f"{caught.type.__name__}: {caught.value}"
    assert caught.match(case.match.replace("{code}", re.escape(code))
                        .replace("{other}", re.escape(other_code)))
    assert {c: world.footprint(c) for c in watched} == before
    assert world.state(r.code) == case.stage


def test_guard_failures_carry_the_trigger_and_reasons(module_world: Any) -> None:
    world = module_world
    r = world.region(REGIONS["guard-reasons"][0])
    world.drive(r, "institutions")
    with pytest.raises(GuardFailed) as caught:
        world.fire(r.code, "establish_institutions", COORDINATOR)
    assert caught.value.trigger == "establish_institutions"
    assert [str(reason) for reason in caught.value.reasons] == [
        "still to be submitted: Smart City Council decree, Implementation team decree"]
    assert caught.value.status_code == 409


def test_the_right_expected_version_is_accepted(module_world: Any) -> None:
    world = module_world
    r = world.region(REGIONS["expected-version"][0])
    world.drive(r, "mou")
    with world.prog.db.read() as session:
        version = world.prog.current_instance(session, r.code).version
    assert version == 3  # start, assessment result, assess
    world.submit(r.code, "signed_mou", r.head, expected_version=version)
    result = world.fire(r.code, "sign_mou", r.head, expected_version=version + 1)
    assert (result.to_state, result.instance.version) == ("institutions", version + 2)


def test_a_refusal_does_not_block_the_next_action(module_world: Any) -> None:
    world = module_world
    r = world.region(REGIONS["after-a-refusal"][0])
    with pytest.raises(GuardFailed):
        world.fire(r.code, "assess", ASSESSOR)
    world.submit(r.code, "assessment_result", ASSESSOR)
    assert world.fire(r.code, "assess", ASSESSOR).to_state == "mou"
    assert world.footprint(r.code)["history"] == 3  # start, submission, assess
