"""The coordinator's migrations page: the form, the plan, apply (POST/redirect/GET), revert.

Kota Balikpapan runs master plan version 4 in ``mou``; version 5 renames it ``mou_signing``.
Sending the form shows the plan and writes nothing; without the mapping the region is refused
(422, the reason shown, nothing written); applying redirects to the page, which names the
migration and lists it with a revert button; reverting shows its plan, then applies. The page
speaks Indonesian by default; the coordinators' menu links to it; a head of region gets 403.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine import load_definition
from workflows.directory import registration

V4 = Path(__file__).parents[4] / "workflows" / "definitions" / "master_plan.yaml"
PAGE = "/workflows/master_plan/migrations"


def _in_mou_with_v5(web: Any) -> None:
    w, r = web.world, web.region
    w.drive(r, "mou")
    source = V4.read_text("utf-8").replace("\nversion: 4\n", "\nversion: 5\n")
    with w.prog.db.transaction() as session:
        w.prog.engine.publish(session, load_definition(
            re.sub(r"\bmou\b", "mou_signing", source), "v5", w.prog.guards))


def test_plan_apply_and_revert_through_the_page(web: Any) -> None:
    _in_mou_with_v5(web)
    browser = web.browser(web.world.COORDINATOR)
    page = browser.get(PAGE)
    assert page.status_code == 200
    assert "Migrasi alur kerja Masterplan smart city" in page.text
    assert "Belum ada migrasi." in page.text
    assert f'href="{PAGE}"' in browser.get("/coordinator").text

    fields = {"to_version": "5", "scope": "regions", "regions": web.region.code}
    refused = browser.post_form(PAGE, {**fields, "step": "apply"}, page=PAGE)
    assert refused.status_code == 422
    assert "sebagai mou=TAHAP_BARU" in refused.text
    # The refused row names the key the version lacks, and no deadline change.
    assert "mou (tidak ada di versi 5)" in refused.text and "(v5, mou)" not in refused.text
    assert "tanpa tenggat" not in refused.text and "tenggat" not in refused.text.split(
        "<tbody>")[1].split("</tbody>")[0]
    assert web.world.state(web.region.code) == "mou"

    fields["mapping"] = "mou=mou_signing"
    plan = browser.post_form(PAGE, {**fields, "step": "plan"}, page=PAGE)
    assert plan.status_code == 200 and "Rencana migrasi" in plan.text
    assert "(v5, mou_signing)" in plan.text and "Penandatanganan MoU" in plan.text
    assert "Terapkan migrasi ini" in plan.text
    assert "akan dimigrasikan" in plan.text  # a plan: not migrated yet
    assert web.world.state(web.region.code) == "mou"

    done = browser.post_form(PAGE, {**fields, "step": "apply"}, page=PAGE)
    assert done.status_code == 303
    assert done.headers["location"] == f"{PAGE}?done=migrated&id=1#past"
    assert web.world.state(web.region.code) == "mou_signing"
    after = browser.get(done.headers["location"])
    assert "Migrasi #1 diterapkan." in after.text and "Batalkan…" in after.text
    region = browser.get(f"/regions/{web.region.code}").text
    assert "Dimigrasikan dari versi 4 ke versi 5 (migrasi #1)" in region

    revert = f"{PAGE}/1/revert"
    shown = browser.post_form(revert, {"step": "plan"}, page=PAGE)
    assert shown.status_code == 200 and "Batalkan migrasi #1" in shown.text
    back = browser.post_form(revert, {"step": "apply"}, page=PAGE)
    assert back.status_code == 303 and "done=reverted&id=2" in back.headers["location"]
    assert web.world.state(web.region.code) == "mou"
    listed = browser.get(PAGE).text
    assert f'action="{PAGE}/1/revert"' not in listed  # reverted
    assert f'action="{PAGE}/2/revert"' not in listed  # a revert is not reverted
    assert "pembatalan migrasi #1" in listed and "daerah " + web.region.code in listed
    english = browser.get(f"{PAGE}?lang=en")
    assert "Version migrations" in english.text and "reverted" in english.text


def test_a_head_of_region_gets_403(web: Any) -> None:
    assert web.browser(web.region.head).get(PAGE).status_code == 403


def test_an_unknown_workflow_is_404_naming_the_published(web: Any) -> None:
    answer = web.browser(web.world.COORDINATOR).get("/workflows/nosuch/migrations")
    assert answer.status_code == 404 and "master_plan" in answer.text


def test_a_typo_or_an_empty_regions_box_shows_the_form_again(web: Any) -> None:
    browser = web.browser(web.world.COORDINATOR)
    typo = browser.post_form(PAGE, {"to_version": "4", "scope": "regions",
                                    "regions": "Atlantisx", "step": "plan"}, page=PAGE)
    assert typo.status_code == 422 and "Atlantisx" in typo.text
    assert 'name="regions"' in typo.text
    empty = browser.post_form(PAGE, {"to_version": "4", "scope": "regions", "regions": " ",
                                     "step": "plan"}, page=PAGE)
    assert empty.status_code == 422 and "kotak daerah kosong" in empty.text


def test_a_regional_coordinator_gets_403(web: Any) -> None:
    own = "sekretariat@balikpapan.go.id"
    registration.add_person(web.prog, own, "Sekretariat Smart City Balikpapan", "coordinator",
                            web.region.code)
    browser = web.browser(own)
    assert browser.get(PAGE).status_code == 403
    answer = browser.post_form(PAGE, {"to_version": "4", "scope": "all", "step": "plan"},
                               page="/coordinator")
    assert answer.status_code == 403
