"""A quick-win plan goes to the mentors only with quick wins tagged by dimension and element.

A plan is submitted with its list of quick wins (CSV: title, dimension, element[, opd,
description]); every row must name an element of its dimension in the edition's dimension set,
and the list is stored with the plan version. ``submit_for_review`` (guard
``latest_items_tagged``) refuses a plan whose latest version has no quick win tagged in the
current edition, for instance after the ministry switched to an edition with other names. On
SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine import GuardFailed, InvalidInputError
from engine.models import Submission
from workflows.master_plan import actions
from workflows.master_plan.quick_wins import QuickWin

BALIKPAPAN = "64.71"  # Kota Balikpapan, WITA
COORDINATOR = "koordinator@komdigi.go.id"

EDITION_2 = """\
dimensions:
  - code: tata_kelola
    label: Tata Kelola Cerdas
    elements:
      - {code: layanan_publik, label: Layanan publik}
      - {code: birokrasi, label: Birokrasi}
"""


def _quick_wins(world: Any, code: str, version: int) -> list[tuple[Any, ...]]:
    prog = world.prog
    with prog.db.read() as session:
        instance = prog.current_instance(session, code)
        plans = dict(session.execute(select(Submission.version, Submission.id).where(
            Submission.instance_id == instance.id,
            Submission.deliverable == "quick_win_plan")).all())
        return [tuple(row) for row in session.execute(
            select(QuickWin.title, QuickWin.dimension, QuickWin.element, QuickWin.opd_code,
                   QuickWin.description)
            .where(QuickWin.submission_id == plans[version]).order_by(QuickWin.id)).all()]


def test_the_quick_wins_are_stored_with_the_plan_version(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "quick_win_submission")
    first = world.submit_plan(r)
    assert (first.deliverable, first.version, first.quick_wins, first.party) == (
        "quick_win_plan", 1, 2, "")
    second = actions.submit(
        world.prog, r.code, "quick_win_plan", world.pdf("plan-v2.pdf"), r.opd,
        quick_wins=world.quick_wins(
            "Title,Dimension,Element\nPasar digital,Economy,Financial_Transactions\n"))
    assert (second.version, second.quick_wins) == (2, 1)
    assert _quick_wins(world, r.code, 1) == [
        ("Online permits in one portal", "governance", "public_service", "DISKOMINFO",
         "Existing permit services joined into one portal"),
        ("Ambulance call centre 112", "living", "health", "DINKES",
         "Faster emergency response"),
    ]
    assert _quick_wins(world, r.code, 2) == [
        ("Pasar digital", "economy", "financial_transactions", None, None)]
    assert world.fire(r.code, "submit_for_review", r.opd).to_state == "mentor_review"


def test_a_wrongly_tagged_list_refuses_the_whole_plan(world: Any, tmp_path: Path) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "quick_win_submission")
    uploads = world.prog.settings.upload_dir
    stored_before = sorted(uploads.rglob("*")) if uploads.exists() else []
    bad = world.quick_wins(
        "title,dimension,element\n"
        "Online permits,governance,public_service\n"
        "Ambulance 112,governance,health\n"
        "Smart bins,smart_waste,waste\n")
    with world.unchanged(r.code), pytest.raises(InvalidInputError) as caught:
        actions.submit(world.prog, r.code, "quick_win_plan", world.pdf(), r.opd, quick_wins=bad)
    assert str(caught.value) == (
        f"{bad.name}: 2 rows need fixing, nothing was imported: "
        "row 3: “health” is an element of Smart Living, not of Smart Governance: pick an "
        "element of Smart Governance (Public service, Bureaucracy, Public policy), or change "
        "the dimension to Smart Living; "
        "row 4: unknown dimension “smart_waste”; pick one of: Smart Governance, Smart "
        "Branding, Smart Economy, Smart Society, Smart Living, Smart Environment")
    assert (sorted(uploads.rglob("*")) if uploads.exists() else []) == stored_before


def test_a_plan_sent_in_bimtek_iv_is_the_one_reviewed(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "bimtek_4")
    assert world.submit_plan(r).version == 1  # quick wins are finalised during bimtek IV
    world.leave(r, "bimtek_4")
    assert world.state(r.code) == "quick_win_submission"
    assert world.fire(r.code, "submit_for_review", COORDINATOR).to_state == "mentor_review"


def test_a_plan_tagged_in_an_old_edition_is_refused(
    world: Any, make_prog: Any, world_type: Any, tmp_path: Path,
) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "quick_win_submission")
    world.submit_plan(r)  # tagged governance/public_service and living/health
    edition_file = tmp_path / "dimensions-2027.yaml"
    edition_file.write_text(EDITION_2, encoding="utf-8")
    renamed = world_type(make_prog(dimensions_file=edition_file), world.folder)

    with renamed.unchanged(r.code), pytest.raises(GuardFailed) as caught:
        renamed.fire(r.code, "submit_for_review", r.opd)
    assert [str(reason) for reason in caught.value.reasons] == [
        "quick-win plan version 1 lists no quick win tagged with a dimension and an element; "
        "resubmit it with its quick wins"]

    with pytest.raises(InvalidInputError, match=r"row 2: unknown dimension “governance”; "
                                                r"pick one of: Tata Kelola Cerdas"):
        renamed.submit_plan(r)
    plan = actions.submit(
        renamed.prog, r.code, "quick_win_plan", renamed.pdf(), r.opd,
        quick_wins=renamed.quick_wins(
            "title,dimension,element\nIzin online,tata_kelola,layanan_publik\n"))
    assert (plan.version, plan.quick_wins) == (2, 1)
    assert renamed.fire(r.code, "submit_for_review", r.opd).to_state == "mentor_review"
