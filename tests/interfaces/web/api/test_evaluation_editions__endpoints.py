"""The evaluation API and editions: each window names its edition, and
``GET /api/v1/evaluation/editions`` lists the editions with the instrument each froze and the
windows and returns scored with it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from webkit import Web  # type: ignore[import-not-found]

from workflows.evaluation.editions import create_edition
from workflows.evaluation.instrument import load_instrument

EVAL = "/api/v1/evaluation"


def test_windows_name_their_edition_and_editions_are_listed(web: Web, clock: Any) -> None:
    api = web.api(web.region.opd)
    assert api.get(f"{EVAL}/editions").json() == []
    clock.now = datetime(2026, 1, 5, tzinfo=UTC)
    listed = api.get(f"{EVAL}/windows", params={"year": 2026}).json()
    assert [(w["name"], w["edition"]) for w in listed] == [("2026-H1", "default"),
                                                          ("2026-H2", "default")]
    create_edition(web.prog, "2027", load_instrument("kemendagri-2024"), web.world.COORDINATOR)
    listed = api.get(f"{EVAL}/windows", params={"year": 2027}).json()
    assert [w["edition"] for w in listed] == ["2027", "2027"]

    editions = api.get(f"{EVAL}/editions").json()
    assert [(e["key"], e["starts_on"], e["instrument_key"], e["instrument_version"])
            for e in editions] == [("default", "2017-01-01", "settings", 1),
                                   ("2027", "2027-01-01", "kemendagri", 2024)]
    letter = editions[1]
    assert letter["weights"] == {"baseline": 0.1, "output": 0.2, "outcome": 0.3,
                                 "impact": 0.2, "quick_win": 0.2}
    assert letter["scale"] == [1.0, 4.0]
    assert letter["dimensions"][0] == "governance" and len(letter["sha256"]) == 64
    assert (letter["windows"], letter["returns"]) == (["2027-H1", "2027-H2"], 0)
    assert letter["title"] == "Evaluation instrument of the Ministry of Home Affairs' letter"
    assert editions[0]["windows"] == ["2026-H1", "2026-H2"]


def test_coordinators_create_editions_by_name_or_in_full(web: Web, clock: Any) -> None:
    clock.now = datetime(2026, 1, 5, tzinfo=UTC)
    coordinator = web.api(web.world.COORDINATOR)
    made = coordinator.post(f"{EVAL}/editions", json={"key": "2026",
                                                      "instrument": "smart-city-2023"})
    assert made.status_code == 201, made.text
    assert (made.json()["key"], made.json()["weights"]["impact"]) == ("2026", 0.3)
    full = {"key": "guide", "version": 2, "title": {"id": "Pedoman", "en": "Guide"},
            "scale": {"low": 0, "high": 10}, "parts": {"output": 0.5, "outcome": 0.5},
            "dimensions": "shipped"}
    made = coordinator.post(f"{EVAL}/editions", json={"key": "2027", "instrument": full})
    assert made.status_code == 201, made.text
    assert (made.json()["scale"], made.json()["weights"]) == (
        [0.0, 10.0], {"output": 0.5, "outcome": 0.5})

    # A file on the server is never read; a wrong instrument is a 422 saying why.
    refused = coordinator.post(f"{EVAL}/editions", json={"key": "2028",
                                                         "instrument": "/etc/passwd"})
    assert refused.status_code == 422
    assert "no shipped instrument “/etc/passwd”" in refused.json()["detail"]
    refused = coordinator.post(f"{EVAL}/editions", json={
        "key": "2028", "instrument": {**full, "parts": {"output": 0.5, "outcome": 0.6}}})
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "The evaluation instrument body.instrument cannot be used: the weights add up to 1.1, "
        "not 1 (output=0.5, outcome=0.6); change them so they add up to 1")
    clash = coordinator.post(f"{EVAL}/editions", json={"key": "2027"})
    assert clash.status_code == 409 and clash.json()["code"] == "editions.error.exists"
    opd = web.api(web.region.opd).post(f"{EVAL}/editions", json={"key": "2029"})
    assert opd.status_code == 403
    assert [e["key"] for e in web.api(web.region.opd).get(f"{EVAL}/editions").json()] == [
        "2026", "2027"]
