"""Another of a region's workflows through the API: started with
``POST /regions/{r}/workflows/{key}`` (201, or 403/404/409), then driven with ``?workflow=KEY``
on the actions, advance, submissions and history endpoints; an unknown key is a 404 with the
standard error body, and the master plan stays the default.
"""

from __future__ import annotations

from typing import Any

from checkupkit import KEY, publish  # type: ignore[import-not-found]
from webkit import Web  # type: ignore[import-not-found]

BASE = "/api/v1/regions"


def pdf(tag: str) -> bytes:
    return b"%PDF-1.4\n% checkup " + tag.encode() + b"\n%%EOF\n"


def test_start_then_act_with_the_workflow_query(web: Web) -> None:
    publish(web.prog)
    r = web.region
    coordinator = web.api(web.world.COORDINATOR)
    refused = web.api(r.opd).post(f"{BASE}/{r.code}/workflows/{KEY}")
    assert refused.status_code == 403 and refused.json()["detail"]
    unknown = coordinator.post(f"{BASE}/{r.code}/workflows/nothing")
    assert unknown.status_code == 404 and "nothing" in unknown.json()["detail"]
    assert coordinator.post(f"{BASE}/99.99/workflows/{KEY}").status_code == 404

    started = coordinator.post(f"{BASE}/{r.code}/workflows/{KEY}")
    assert started.status_code == 201, started.text
    body = started.json()
    assert (body["workflow"], body["state"], body["stage"], body["cycle"]) == (
        KEY, "reporting", "Reporting", 1)
    # The subject as the definition names it (subject: {kind, label}).
    assert (body["subject_kind"], body["subject_label"]) == ("region", "Region")
    again = coordinator.post(f"{BASE}/{r.code}/workflows/{KEY}")
    assert again.status_code == 409 and "already running" in again.json()["detail"]

    page = coordinator.get(f"{BASE}/{r.code}/actions", params={"workflow": KEY}).json()
    assert page["state"] == "reporting"
    assert (page["subject_kind"], page["subject_label"]) == ("region", "Region")
    indonesian = web.api(web.world.COORDINATOR, lang="id").get(
        f"{BASE}/{r.code}/actions", params={"workflow": KEY}).json()
    assert indonesian["subject_label"] == "Daerah"
    assert {a["trigger"] for a in page["actions"]} == {"send", "withdraw"}
    # Without the query it is still the master plan.
    assert coordinator.get(f"{BASE}/{r.code}/actions").json()["state"] == "assessment"

    for code, email in r.opds.items():
        sent = web.api(email).post(f"{BASE}/{r.code}/submissions", params={"workflow": KEY},
                                   data={"deliverable": "report"},
                                   files={"file": ("laporan.pdf", pdf(code), "application/pdf")})
        assert sent.status_code == 201, sent.text
        assert (sent.json()["deliverable"], sent.json()["party"]) == ("report", code)
    moved = coordinator.post(f"{BASE}/{r.code}/advance", params={"workflow": KEY},
                             json={"trigger": "send"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["from_state"], moved.json()["to_state"]) == ("reporting", "review")

    history = coordinator.get(f"{BASE}/{r.code}/history", params={"workflow": KEY}).json()
    assert [e["trigger"] for e in history["entries"] if e["kind"] == "transition"] == ["send"]
    plan = coordinator.get(f"{BASE}/{r.code}/history").json()
    assert all(e["trigger"] != "send" for e in plan["entries"])


def test_an_unknown_workflow_key_is_a_404_with_the_error_body(web: Web) -> None:
    api = web.api(web.world.COORDINATOR)
    code = web.region.code
    calls: list[Any] = [
        api.get(f"{BASE}/{code}/actions", params={"workflow": "nothing"}),
        api.get(f"{BASE}/{code}/history", params={"workflow": "nothing"}),
        api.post(f"{BASE}/{code}/advance", params={"workflow": "nothing"},
                 json={"trigger": "send"}),
    ]
    for answer in calls:
        assert answer.status_code == 404, answer.text
        body = answer.json()
        assert {"detail", "error", "code"} <= set(body) and "nothing" in body["detail"]
    publish(web.prog)  # published but never started for the region: a 404 too
    never = api.get(f"{BASE}/{code}/actions", params={"workflow": KEY})
    assert never.status_code == 404 and "does not run" in never.json()["detail"]
