"""The deadlines API: listing in the region's zone and WIB, a cohort's date, a region's own
date, and extension requests with their decision, each with its database effect."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import select
from webkit import Web  # type: ignore[import-not-found]

from workflows.deadlines.models import ExtensionRequest


def open_deadline(web: Web, code: str = "64.71") -> dict[str, Any]:
    [deadline] = web.api(web.world.COORDINATOR).get(
        f"/api/v1/regions/{code}/deadlines").json()
    return dict(deadline)


def test_listing_shows_utc_the_region_zone_and_wib_and_is_scoped(web: Web) -> None:
    r = web.region
    samarinda = web.world.region("64.72", opds=("DINKES",))
    web.world.drive(r, "bimtek_1")
    web.world.drive(samarinda, "mou")
    deadline = open_deadline(web)
    # Entered bimtek_1 on the simulated 5 January; the stage gives 45 days, to the end of
    # Thursday 19 February in the region's zone.
    assert deadline["due_at"] == "2026-02-19T15:59:00Z"
    assert (deadline["due_local"], deadline["due_wib"]) == (
        "2026-02-19 23:59 WITA", "2026-02-19 22:59 WIB")
    assert (deadline["state"], deadline["origin"], deadline["version"]) == (
        "bimtek_1", "definition", 1)
    # The next reminder: seven days before, at 08:00 WITA.
    assert deadline["next_reminder_at"] == "2026-02-12T00:00:00Z"
    assert deadline["extensions"] == []
    everyone = web.api(web.world.COORDINATOR).get("/api/v1/deadlines").json()
    assert {d["region"] for d in everyone} == {"64.71", "64.72"}
    by_cohort = web.api(web.world.COORDINATOR).get(
        "/api/v1/deadlines", params={"cohort": web.world.COHORT}).json()
    assert len(by_cohort) == 2
    own = web.api(samarinda.opd).get("/api/v1/deadlines").json()
    assert [d["region"] for d in own] == ["64.72"]
    missing = web.api(web.world.COORDINATOR).get("/api/v1/deadlines", params={"cohort": "x"})
    assert missing.status_code == 404


def test_cohort_date_applies_to_members_in_the_stage(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    url = f"/api/v1/cohorts/{web.world.COHORT}/deadlines/bimtek_1"
    coordinator = web.api(web.world.COORDINATOR)
    with web.world.unchanged(r.code):
        assert web.api(r.opd).put(url, json={"date": "2026-03-02"}).status_code == 403
        for bad in [{"date": "2026-02-30"}, {"date": "2026-03-02", "zone": "PST"},
                    {"date": "2026-03-02", "time": "25:00"}, {"date": "3026-03-02"},
                    {"date": "2026-03-02", "working_days": -1}]:
            assert coordinator.put(url, json=bad).status_code == 422, bad
        past = coordinator.put(url, json={"date": "2026-01-01"})
        assert past.status_code == 422 and "in the past" in past.json()["detail"]
        unknown = coordinator.put(f"/api/v1/cohorts/{web.world.COHORT}/deadlines/bimtek_9",
                                  json={"date": "2026-03-02"})
        assert unknown.status_code == 422 and "unknown stage" in unknown.json()["detail"]
        nobody = coordinator.put("/api/v1/cohorts/Smart City 1999/deadlines/bimtek_1",
                                 json={"date": "2026-03-02"})
        assert nobody.status_code == 404
    done = coordinator.put(url, json={"date": "2026-03-02", "time": "16:00", "zone": "WIB"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["due_at"], body["due_wib"], body["applied"], body["kept"]) == (
        "2026-03-02T09:00:00Z", "2026-03-02 16:00 WIB", ["64.71"], [])
    deadline = open_deadline(web)
    assert (deadline["origin"], deadline["version"], deadline["due_local"]) == (
        "cohort", 2, "2026-03-02 17:00 WITA")


def test_region_override_wins_and_counts_working_days(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    url = f"/api/v1/regions/{r.code}/deadlines/bimtek_1"
    coordinator = web.api(web.world.COORDINATOR)
    with web.world.unchanged(r.code):
        mentor = web.api(r.mentor).put(url, json={"date": "2026-03-10"})
        assert mentor.status_code == 403 and "only a coordinator" in mentor.json()["detail"]
        elsewhere = coordinator.put(f"/api/v1/regions/{r.code}/deadlines/bimtek_2",
                                    json={"date": "2026-03-10"})
        assert elsewhere.status_code == 422 and "not Bimtek II" in elsewhere.json()["detail"]
    set_ = coordinator.put(url, json={"date": "2026-03-10", "comment": "Jadwal daerah"})
    assert set_.status_code == 200, set_.text
    assert (set_.json()["due_local"], set_.json()["version"]) == ("2026-03-10 23:59 WITA", 2)
    # Friday 13 March 2026 plus one working day is Monday the 16th.
    counted = coordinator.put(url, json={"date": "2026-03-13", "working_days": 1})
    assert counted.json()["due_local"] == "2026-03-16 23:59 WITA"
    deadline = open_deadline(web)
    assert (deadline["origin"], deadline["version"]) == ("region", 3)
    # The cohort's date no longer moves it.
    cohort = coordinator.put(f"/api/v1/cohorts/{web.world.COHORT}/deadlines/bimtek_1",
                             json={"date": "2026-04-01"})
    assert cohort.json()["kept"] == ["64.71"]
    assert open_deadline(web)["due_local"] == "2026-03-16 23:59 WITA"
    notes = [e for e in coordinator.get(f"/api/v1/regions/{r.code}/history").json()["entries"]
             if e["kind"] == "deadline"]
    assert notes[0]["comment"] == "Jadwal daerah"


def test_extension_request_and_decision(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    opd, coordinator = web.api(r.opd), web.api(web.world.COORDINATOR)
    url = f"/api/v1/regions/{r.code}/extensions"
    with web.world.unchanged(r.code):
        assert web.api(r.mentor).post(url, json={
            "until": "2026-03-20", "reason": "x"}).status_code == 403
        assert opd.post(url, json={"until": "2026-03-20"}).status_code == 422
        earlier = opd.post(url, json={"until": "2026-02-01", "reason": "Data belum lengkap"})
        assert earlier.status_code == 422 and "not later than" in earlier.json()["detail"]
    asked = opd.post(url, json={"until": "2026-03-20", "time": "17:00",
                                "reason": "Data OPD belum lengkap"})
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert (request["status"], request["requested_until_local"]) == (
        "pending", "2026-03-20 17:00 WITA")
    with web.prog.db.read() as session:
        row = session.execute(select(ExtensionRequest)).scalar_one()
        assert (row.id, row.status, row.requested_by) == (request["id"], "pending", r.opd)
        assert row.requested_until == datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    again = opd.post(url, json={"until": "2026-03-21", "reason": "Lagi"})
    assert again.status_code == 409 and "still pending" in again.json()["detail"]
    listed = open_deadline(web)
    assert listed["pending_extensions"] == [request["id"]]
    assert listed["extensions"][0]["reason"] == "Data OPD belum lengkap"
    decide = f"/api/v1/extensions/{request['id']}/decision"
    assert opd.post(decide, json={"decision": "grant"}).status_code == 403
    no_reason = coordinator.post(decide, json={"decision": "refuse"})
    assert no_reason.status_code == 422 and "needs a comment" in no_reason.json()["detail"]
    assert coordinator.post(decide, json={"decision": "maybe"}).status_code == 422
    assert coordinator.post("/api/v1/extensions/999/decision",
                            json={"decision": "grant"}).status_code == 404
    assert coordinator.post("/api/v1/extensions/0/decision",
                            json={"decision": "grant"}).status_code == 422
    granted = coordinator.post(decide, json={"decision": "grant", "comment": "Disetujui"})
    assert granted.status_code == 200, granted.text
    assert (granted.json()["status"], granted.json()["due_local"]) == (
        "granted", "2026-03-20 17:00 WITA")
    deadline = open_deadline(web)
    assert (deadline["origin"], deadline["version"], deadline["pending_extensions"]) == (
        "extension", 2, [])
    assert deadline["extensions"][0]["decided_by"] == web.world.COORDINATOR
    twice = coordinator.post(decide, json={"decision": "refuse", "comment": "Tidak"})
    assert twice.status_code == 409 and "already granted" in twice.json()["detail"]
