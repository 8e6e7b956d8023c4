"""The page of another of a region's workflows: linked from the region page, it shows the
stage, what is owed, the upload form and the actions as buttons (POST with the CSRF token),
the history and the diagram; Indonesian by default, English on request."""

from __future__ import annotations

from checkupkit import KEY, publish  # type: ignore[import-not-found]
from webkit import Web  # type: ignore[import-not-found]

from workflows import instances


def test_the_page_shows_and_drives_the_workflow(web: Web) -> None:
    publish(web.prog)
    r = web.region
    instances.start(web.prog, KEY, r.code, web.world.COORDINATOR)
    page = f"/regions/{r.code}/workflows/{KEY}"
    coordinator = web.browser(web.world.COORDINATOR)

    region = coordinator.get(f"/regions/{r.code}?lang=id").text
    assert f'href="{page}"' in region and "Pemeriksaan tahunan" in region

    shown = coordinator.get(page).text
    assert "Pemeriksaan tahunan" in shown and "Pelaporan" in shown
    assert "Daerah:" in shown and "<svg" in shown and 'id="uploads"' in shown
    assert "Laporan OPD" in shown  # owed by each OPD, and its upload form

    for code in r.opds:
        sent = coordinator.post(f"{page}/submit", data={
            "csrf_token": coordinator.csrf(page), "deliverable": "report", "party": code},
            files={"file": ("laporan.pdf", b"%PDF-1.4\n% " + code.encode() + b"\n%%EOF\n",
                            "application/pdf")})
        assert sent.status_code == 303, sent.text
        assert sent.headers["location"].startswith(f"{page}?uploaded=report")

    forged = coordinator.post(f"{page}/advance", data={
        "trigger": "send", "expected_version": "1", "csrf_token": "forged"})
    assert forged.status_code == 403
    with web.prog.db.read() as session:
        version = web.prog.current_instance(session, r.code, KEY).version
    moved = coordinator.post_form(f"{page}/advance", {"trigger": "send",
                                                      "expected_version": str(version)},
                                  page=page)
    assert moved.status_code == 303 and moved.headers["location"] == f"{page}?done=send"
    after = coordinator.get(moved.headers["location"]).text
    assert "Penilaian" in after and "Kirim ke penilai" in after  # the stage and the history
    assert "memulai Pemeriksaan tahunan pada tahap Pelaporan" in after
    english = coordinator.get(f"{page}?lang=en").text
    assert "Yearly check-up" in english and "Send to the assessor" in english


def test_the_opd_page_lists_what_the_opd_owes_in_another_workflow(web: Web) -> None:
    publish(web.prog)
    r = web.region
    instances.start(web.prog, KEY, r.code, web.world.COORDINATOR)
    page = web.browser(r.opd).get("/opd?lang=en").text
    assert f'href="/regions/{r.code}/workflows/{KEY}"' in page
    assert "OPD report" in page and "Reporting (Yearly check-up)" in page
    assert web.browser(r.opd).get(f"/regions/{r.code}/workflows/{KEY}").status_code == 200


def test_an_unknown_workflow_page_is_a_404(web: Web) -> None:
    answer = web.browser(web.world.COORDINATOR).get(f"/regions/{web.region.code}/workflows/x")
    assert answer.status_code == 404
