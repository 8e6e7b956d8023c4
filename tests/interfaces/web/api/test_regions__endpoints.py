"""The regions API: a region's stage, timeline, possible actions, advancing, reviews,
uploads and calendar feeds, with the engine's refusals mapped to 401/403/404/409/422/413."""

from __future__ import annotations

import itertools
from typing import Any

from webkit import Web  # type: ignore[import-not-found]

BASE = "/api/v1/regions"
_n = itertools.count()



def pdf() -> bytes:
    return b"%PDF-1.4\n% api test " + str(next(_n)).encode() + b"\n%%EOF\n"


def upload(api: Any, code: str, deliverable: str, *, name: str = "doc.pdf",
           data: bytes | None = None, quick_wins: str | None = None, **form: Any) -> Any:
    files: dict[str, Any] = {"file": (name, pdf() if data is None else data,
                                      "application/pdf")}
    if quick_wins is not None:
        files["quick_wins"] = ("quick-wins.csv", quick_wins.encode(), "text/csv")
    return api.post(f"{BASE}/{code}/submissions", data={"deliverable": deliverable, **form},
                    files=files)


def other_region(web: Web) -> Any:
    """Kota Samarinda in the same cohort, with its own OPD, head and mentor."""
    return web.world.region("64.72", opds=("DINKES",))


def test_region_shows_stage_version_zone_deadlines_and_opds(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    seen = web.world.footprint(r.code)
    api = web.api(web.world.COORDINATOR)
    body = api.get(f"{BASE}/{r.code}").json()
    assert (body["code"], body["name"], body["zone"], body["tz"]) == (
        "64.71", "Kota Balikpapan", "WITA", "Asia/Makassar")
    assert (body["state"], body["stage"], body["version"], body["cycle"]) == (
        "bimtek_1", "Bimtek I", seen["version"], 1)
    assert body["cohort"] == web.world.COHORT
    assert body["entered_local"].endswith("WITA")
    [deadline] = body["deadlines"]
    assert deadline["state"] == "bimtek_1" and deadline["origin"] == "definition"
    assert deadline["due_local"].endswith(" WITA") and deadline["due_wib"].endswith(" WIB")
    assert deadline["due_at"].endswith("Z")
    assert sorted(o["code"] for o in body["opds"]) == ["BAPPEDA", "DISKOMINFO"]
    # By name too, as the command line accepts.
    by_name = api.get(f"{BASE}/Kota Balikpapan")
    assert by_name.status_code == 200 and by_name.json()["code"] == "64.71"


def test_unknown_unjoined_unauthenticated_and_foreign_regions_are_refused(web: Web) -> None:
    api = web.api(web.world.COORDINATOR)
    unknown = api.get(f"{BASE}/99.99")
    assert unknown.status_code == 404 and "unknown region" in unknown.json()["detail"]
    unjoined = api.get(f"{BASE}/31.71")
    assert unjoined.status_code == 404 and "has not joined" in unjoined.json()["detail"]
    assert web.anonymous().get(f"{BASE}/64.71").status_code == 401
    forged = web.anonymous().get(f"{BASE}/64.71", headers={"Authorization": "Bearer sct_x"})
    assert forged.status_code == 401 and forged.headers["www-authenticate"] == "Bearer"
    samarinda = other_region(web)
    for path in ["", "/history", "/actions", "/submissions", "/deadlines", "/calendar.ics"]:
        refused = web.api(samarinda.opd).get(f"{BASE}/64.71{path}")
        assert refused.status_code == 403, path
        assert "not 64.71" in refused.json()["detail"]


def test_history_lists_every_action_with_times_in_the_region_zone(web: Web) -> None:
    r = web.region
    web.world.drive(r, "institutions")
    body = web.api(r.head).get(f"{BASE}/{r.code}/history").json()
    assert (body["region"], body["zone"]) == ("64.71", "WITA")
    moves = [(e["kind"], e["trigger"], e["from_state"], e["to_state"]) for e in body["entries"]]
    assert moves[0] == ("start", "start", None, "assessment")
    assert ("transition", "assess", "assessment", "mou") in moves
    assert ("transition", "sign_mou", "mou", "institutions") in moves
    assert [e["seq"] for e in body["entries"]] == list(range(1, len(moves) + 1))
    assert all(e["at_local"].endswith("WITA") for e in body["entries"])


def test_actions_say_what_the_caller_may_do_and_why_not(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    coordinator = web.api(web.world.COORDINATOR).get(f"{BASE}/{r.code}/actions").json()
    assert coordinator["state"] == "bimtek_1"
    actions = {a["trigger"]: a for a in coordinator["actions"]}
    close = actions["close_bimtek_1"]
    assert close["allowed"] is False and close["dests"] == ["bimtek_2"]
    assert any("questionnaire" in reason for reason in close["reasons"])
    opd = web.api(r.opd).get(f"{BASE}/{r.code}/actions").json()
    close = {a["trigger"]: a for a in opd["actions"]}["close_bimtek_1"]
    assert close["allowed"] is False and "only coordinator" in close["reasons"][0].lower()
    # Once every OPD has handed in its questionnaire the coordinator may close the bimtek.
    for email in r.opds.values():
        web.world.submit(r.code, "questionnaire", email)
    again = web.api(web.world.COORDINATOR).get(f"{BASE}/{r.code}/actions").json()
    assert {a["trigger"]: a["allowed"] for a in again["actions"]}["close_bimtek_1"] is True
    # An administrator without a person behind the account cannot act.
    admin = web.api(web.account("admin@komdigi.go.id", admin=True))
    refused = admin.get(f"{BASE}/{r.code}/actions")
    assert refused.status_code == 403 and "administrator account" in refused.json()["detail"]


def test_advance_moves_the_region_and_each_refusal_leaves_it_unchanged(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    coordinator = web.api(web.world.COORDINATOR)
    with web.world.unchanged(r.code) as before:
        version = before["version"]
        guard = coordinator.post(f"{BASE}/{r.code}/advance", json={"trigger": "close_bimtek_1"})
        assert guard.status_code == 409 and "questionnaire" in guard.json()["detail"]
        wrong = coordinator.post(f"{BASE}/{r.code}/advance", json={"trigger": "sign_mou"})
        assert wrong.status_code == 409 and "it is in Bimtek I" in wrong.json()["detail"]
        opd = web.api(r.opd).post(f"{BASE}/{r.code}/advance",
                                  json={"trigger": "close_bimtek_1"})
        assert opd.status_code == 403 and "only coordinator" in opd.json()["detail"].lower()
        for bad in [{}, {"trigger": "Close Bimtek"}, {"trigger": "close_bimtek_1",
                                                       "expected_version": 0},
                    {"trigger": "close_bimtek_1", "expected_version": "soon"}]:
            invalid = coordinator.post(f"{BASE}/{r.code}/advance", json=bad)
            assert invalid.status_code == 422, bad
            assert invalid.json()["error"] == "InvalidInputError"
        future = coordinator.post(f"{BASE}/{r.code}/advance", json={
            "trigger": "close_bimtek_1", "expected_version": version + 5})
        assert future.status_code == 422 and "has no version" in future.json()["detail"]
    for email in r.opds.values():
        web.world.submit(r.code, "questionnaire", email)
    current = web.world.footprint(r.code)["version"]
    with web.world.unchanged(r.code):
        stale = coordinator.post(f"{BASE}/{r.code}/advance", json={
            "trigger": "close_bimtek_1", "expected_version": current - 1})
        assert stale.status_code == 409 and "changed since you looked" in stale.json()["detail"]
    done = coordinator.post(f"{BASE}/{r.code}/advance", json={
        "trigger": "close_bimtek_1", "expected_version": current, "comment": "Bimtek I usai"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["from_state"], body["to_state"], body["to_stage"], body["version"]) == (
        "bimtek_1", "bimtek_2", "Bimtek II", current + 1)
    assert web.world.state(r.code) == "bimtek_2"
    last = web.api(web.world.COORDINATOR).get(f"{BASE}/{r.code}/history").json()["entries"][-1]
    assert (last["trigger"], last["comment"]) == ("close_bimtek_1", "Bimtek I usai")


def test_upload_records_a_version_and_bad_files_are_refused(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    opd = web.api(r.opd)
    before = web.world.footprint(r.code)
    made = upload(opd, r.code, "questionnaire", name="kuesioner.pdf", note="versi pertama")
    assert made.status_code == 201, made.text
    assert made.json()["party"] == "DISKOMINFO" and made.json()["version"] == 1
    after = web.world.footprint(r.code)
    assert after["submissions"] == before["submissions"] + 1
    assert after["version"] == before["version"] + 1
    listed = [s for s in opd.get(f"{BASE}/{r.code}/submissions").json()
              if s["deliverable"] == "questionnaire"]
    assert [(s["party"], s["version"], s["file_name"], s["submitted_by"]) for s in listed] == [
        ("DISKOMINFO", 1, "kuesioner.pdf", r.opd)]
    assert listed[0]["submitted_local"].endswith("WITA")
    # A coordinator submits for a named OPD.
    coordinator = web.api(web.world.COORDINATOR)
    for_bappeda = upload(coordinator, r.code, "questionnaire", party="BAPPEDA")
    assert for_bappeda.status_code == 201 and for_bappeda.json()["party"] == "BAPPEDA"
    with web.world.unchanged(r.code) as seen:
        exe = upload(opd, r.code, "questionnaire", name="setup.exe", data=b"MZ\x90\x00")
        assert exe.status_code == 422 and "type .exe are not accepted" in exe.json()["detail"]
        empty = upload(opd, r.code, "questionnaire", data=b"")
        assert empty.status_code == 422
        no_file = opd.post(f"{BASE}/{r.code}/submissions", data={"deliverable": "buku_1"})
        assert no_file.status_code == 422 and "file" in no_file.json()["detail"]
        wins = upload(opd, r.code, "questionnaire", quick_wins=web.world.QUICK_WINS_CSV)
        assert wins.status_code == 422 and "quick-win plan only" in wins.json()["detail"]
        plan = upload(opd, r.code, "quick_win_plan")
        assert plan.status_code == 422 and "quick_wins" in plan.json()["detail"]
        late = upload(opd, r.code, "presentation")
        assert late.status_code == 403  # an OPD never submits the head's presentation
        early = upload(opd, r.code, "buku_2")
        assert early.status_code == 409 and "accepted during" in early.json()["detail"]
        stale = upload(opd, r.code, "buku_1", expected_version=seen["version"] - 1)
        assert stale.status_code == 409 and "changed since" in stale.json()["detail"]
        foreign = upload(web.api(other_region(web).opd), r.code, "buku_1")
        assert foreign.status_code == 403
        # NUL cannot be stored in PostgreSQL text: refused up front, the same on both backends.
        nul = upload(opd, r.code, "buku_1", note="versi\x00dua")
        assert nul.status_code == 422 and "NUL" in nul.json()["detail"]
        web.prog.settings = web.prog.settings.model_copy(update={"upload_max_bytes": 64})
        big = upload(opd, r.code, "buku_1", data=b"%PDF-1.4\n" + b"x" * 100)
        assert big.status_code == 413
        assert "over the upload limit of 64 bytes" in big.json()["detail"]


def test_reject_resubmit_approve_through_the_api(web: Web) -> None:
    r = web.region
    web.world.drive(r, "quick_win_submission")
    opd, mentor = web.api(r.opd), web.api(r.mentor)
    with web.world.unchanged(r.code):
        for bad in ["title,dimension,element\nA\x00B,governance,public_service\n", "",
                    "title,dimension\nPortal,governance\n"]:
            refused = upload(opd, r.code, "quick_win_plan", quick_wins=bad)
            assert refused.status_code == 422, bad
            assert "quick" in refused.json()["detail"] or "csv" in refused.json()["detail"]
    plan = upload(opd, r.code, "quick_win_plan", quick_wins=web.world.QUICK_WINS_CSV)
    assert plan.status_code == 201 and plan.json()["quick_wins"] == 2
    sent = opd.post(f"{BASE}/{r.code}/advance", json={"trigger": "submit_for_review"})
    assert sent.status_code == 200 and sent.json()["to_state"] == "mentor_review"
    with web.world.unchanged(r.code):
        by_opd = opd.post(f"{BASE}/{r.code}/review", json={"decision": "approve"})
        assert by_opd.status_code == 403 and "only mentor" in by_opd.json()["detail"].lower()
        samarinda = other_region(web)
        foreign = web.api(samarinda.mentor).post(f"{BASE}/{r.code}/review",
                                                  json={"decision": "approve"})
        assert foreign.status_code == 403 and "not assigned to 64.71" in foreign.json()["detail"]
        silent = mentor.post(f"{BASE}/{r.code}/review", json={"decision": "reject"})
        assert silent.status_code == 409 and "comment is required" in silent.json()["detail"]
        odd = mentor.post(f"{BASE}/{r.code}/review", json={"decision": "maybe"})
        assert odd.status_code == 422
    rejected = mentor.post(f"{BASE}/{r.code}/review", json={
        "decision": "reject", "comment": "Tambahkan indikator kinerja"})
    assert rejected.status_code == 200 and rejected.json()["to_state"] == "revision"
    with web.world.unchanged(r.code):
        too_soon = opd.post(f"{BASE}/{r.code}/advance", json={"trigger": "resubmit"})
        assert too_soon.status_code == 409
    revised = upload(opd, r.code, "quick_win_plan", quick_wins=web.world.QUICK_WINS_CSV)
    assert revised.status_code == 201 and revised.json()["version"] == 2
    back = opd.post(f"{BASE}/{r.code}/advance", json={"trigger": "resubmit"})
    assert back.status_code == 200 and back.json()["to_state"] == "mentor_review"
    version = back.json()["version"]
    stale = mentor.post(f"{BASE}/{r.code}/review", json={
        "decision": "approve", "expected_version": version - 1})
    assert stale.status_code == 409
    approved = mentor.post(f"{BASE}/{r.code}/review", json={
        "decision": "approve", "comment": "Layak", "expected_version": version})
    assert approved.status_code == 200, approved.text
    assert approved.json()["to_state"] == "presentation"
    assert web.world.state(r.code) == "presentation"
    plans = [s for s in opd.get(f"{BASE}/{r.code}/submissions").json()
             if s["deliverable"] == "quick_win_plan"]
    assert [(p["version"], p["reviews"]) for p in plans] == [
        (1, [{"round": 1, "decision": "rejected", "comment": "Tambahkan indikator kinerja"}]),
        (2, [{"round": 2, "decision": "approved", "comment": "Layak"}])]
    assert web.world.footprint(r.code)["reviews"] == 2


def test_calendar_feeds_of_a_region_and_of_an_opd(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    feed = web.api(r.opd, lang="id").get(f"{BASE}/{r.code}/calendar.ics")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text and "Batas waktu Bimtek I" in feed.text
    assert "WITA" in feed.text
    opd_feed = web.api(r.opd).get(f"/api/v1/opds/{r.opd}/calendar.ics")
    assert opd_feed.status_code == 200 and "Dinas Komunikasi" in opd_feed.text
    coordinator = web.api(web.world.COORDINATOR)
    missing = coordinator.get("/api/v1/opds/nobody@pemda.go.id/calendar.ics")
    assert missing.status_code == 404
    samarinda = other_region(web)
    foreign = web.api(samarinda.opd).get(f"/api/v1/opds/{r.opd}/calendar.ics")
    assert foreign.status_code == 403
