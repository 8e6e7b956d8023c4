"""The cohorts API: the list, and a cohort's progress by stage scoped to what the caller sees."""

from __future__ import annotations

from webkit import Web  # type: ignore[import-not-found]


def test_cohorts_list_their_year_and_size(web: Web) -> None:
    api = web.api(web.region.opd)
    assert api.get("/api/v1/cohorts").json() == [
        {"name": web.world.COHORT, "year": 2026, "regions": 1}]
    web.world.region("64.72", opds=("DINKES",))
    web.world.region("31.71", opds=(), cohort="Smart City 2027", year=2027)
    listed = api.get("/api/v1/cohorts").json()
    assert [(c["name"], c["regions"]) for c in listed] == [
        (web.world.COHORT, 2), ("Smart City 2027", 1)]
    assert web.anonymous().get("/api/v1/cohorts").status_code == 401


def test_status_shows_each_region_by_stage_and_scoped_callers_see_their_own(web: Web) -> None:
    r = web.region
    samarinda = web.world.region("64.72", opds=("DINKES",))
    web.world.drive(r, "bimtek_1")
    body = web.api(web.world.COORDINATOR).get(
        f"/api/v1/cohorts/{web.world.COHORT}/status").json()
    rows = {row["code"]: row for row in body["regions"]}
    assert body["cohort"] == web.world.COHORT
    assert (rows["64.72"]["state"], rows["64.71"]["state"]) == ("assessment", "bimtek_1")
    assert [row["code"] for row in body["regions"]] == ["64.72", "64.71"]  # by stage
    assert rows["64.71"]["stage"] == "Bimtek I" and rows["64.71"]["zone"] == "WITA"
    assert rows["64.71"]["due_local"].endswith("WITA") and rows["64.72"]["due_at"] is None
    assert rows["64.71"]["version"] == web.world.footprint("64.71")["version"]
    assert body["by_stage"] == {"assessment": 1, "bimtek_1": 1}
    # The year names the cohort when it has one; an OPD sees its own region only.
    own = web.api(samarinda.opd).get("/api/v1/cohorts/2026/status").json()
    assert [row["code"] for row in own["regions"]] == ["64.72"]
    assert own["by_stage"] == {"assessment": 1}


def test_unknown_cohorts_are_404_even_when_they_look_like_years(web: Web) -> None:
    api = web.api(web.world.COORDINATOR)
    for ref in ["Smart City 1999", "2031", "²", "9" * 30]:
        missing = api.get(f"/api/v1/cohorts/{ref}/status")
        assert missing.status_code == 404, ref
        assert "no cohort" in missing.json()["detail"]
