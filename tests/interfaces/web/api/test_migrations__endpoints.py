"""``/api/v1/workflows/{key}/migrations`` and ``/api/v1/migrations/{id}``: migrate and revert.

Kota Balikpapan runs master plan version 4 in stage ``mou``; version 5 renames it
``mou_signing``. A dry run answers 200 with the plan and writes nothing; without the mapping
the region is refused: 422 with the one error body, the region and why in ``problems``,
nothing written; with it, 201 and the migration's number; the list and the detail show it;
a revert answers like a migration, and a second one 409. The head of region gets 403. On
SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine import load_definition

V4 = Path(__file__).parents[4] / "workflows" / "definitions" / "master_plan.yaml"
URL = "/api/v1/workflows/master_plan/migrations"


def _in_mou_with_v5(web: Any) -> None:
    w, r = web.world, web.region
    w.drive(r, "mou")
    source = V4.read_text("utf-8").replace("\nversion: 4\n", "\nversion: 5\n")
    prog = w.prog
    with prog.db.transaction() as session:
        prog.engine.publish(session, load_definition(
            re.sub(r"\bmou\b", "mou_signing", source), "v5", prog.guards))


def test_plan_refuse_apply_list_show_revert(web: Any) -> None:
    _in_mou_with_v5(web)
    api = web.api(web.world.COORDINATOR)
    code = web.region.code
    dry = api.post(URL, json={"to_version": 5, "regions": [code], "map": {"mou": "mou_signing"},
                              "dry_run": True})
    assert dry.status_code == 200, dry.text
    [line] = dry.json()["plans"]
    assert (line["from_state"], line["to_state"], line["action"], line["deadline"]) == (
        "mou", "mou_signing", "apply", "carry")
    assert dry.json()["migration_id"] is None
    assert api.get(URL).json() == []

    refused = api.post(URL, json={"to_version": 5, "all": True})
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "migration.api_refused" and body["error"] == "MigrationRefused"
    assert body["problems"][0].startswith(f"{code}: no mapping for stage mou")
    assert api.get(URL).json() == []

    done = api.post(URL, json={"to_version": 5, "cohort": web.world.COHORT,
                               "map": {"mou": "mou_signing"}, "reason": "rename"})
    assert done.status_code == 201, done.text
    number = done.json()["migration_id"]
    [listed] = api.get(URL).json()
    assert (listed["id"], listed["from_versions"], listed["to_version"], listed["status"]) == (
        number, [4], 5, "applied")
    assert listed["counts"] == {"applied": 1} and listed["reason"] == "rename"
    detail = api.get(f"/api/v1/migrations/{number}").json()
    assert [(x["region"], x["to_state"], x["outcome"]) for x in detail["lines"]] == [
        (code, "mou_signing", "applied")]

    back = api.post(f"/api/v1/migrations/{number}/revert", json={"dry_run": True})
    assert back.status_code == 200 and back.json()["plans"][0]["to_state"] == "mou"
    back = api.post(f"/api/v1/migrations/{number}/revert", json={})
    assert back.status_code == 201, back.text
    assert web.world.state(code) == "mou"
    again = api.post(f"/api/v1/migrations/{number}/revert", json={})
    assert again.status_code == 409 and "already reverted" in again.json()["detail"]
    assert api.get("/api/v1/migrations/999").status_code == 404


def test_only_coordinators(web: Any) -> None:
    head = web.api(web.region.head)
    assert head.post(URL, json={"to_version": 4, "all": True, "dry_run": True}
                     ).status_code == 403
    assert head.get(URL).status_code == 403


def test_bad_input_is_422(web: Any) -> None:
    api = web.api(web.world.COORDINATOR)
    both = api.post(URL, json={"to_version": 4, "all": True, "cohort": web.world.COHORT})
    assert both.status_code == 422 and "exactly one" in both.json()["detail"]
    bad = api.post(URL, json={"to_version": 4, "all": True, "map": {"Mou!": "x"}})
    assert bad.status_code == 422
    unknown = api.post(URL, json={"to_version": 9, "all": True})
    assert unknown.status_code == 404 and "published versions: " in unknown.json()["detail"]
    nosuch = api.get("/api/v1/workflows/nosuch/migrations")
    assert nosuch.status_code == 404 and "master_plan" in nosuch.json()["detail"]
    assert api.post("/api/v1/workflows/nosuch/migrations",
                    json={"to_version": 1, "all": True}).status_code == 404


def test_nothing_to_migrate_is_422_and_writes_nothing(web: Any) -> None:
    api = web.api(web.world.COORDINATOR)
    web.world.drive(web.region, "mou")
    nothing = api.post(URL, json={"to_version": 4, "all": True})
    assert nothing.status_code == 422, nothing.text
    assert "no region needs migrating" in nothing.json()["detail"]
    assert api.get(URL).json() == []
