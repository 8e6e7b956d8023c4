"""The region page: the stage on the SVG diagram, history, deadlines in two zones, submissions
and review rounds, OPDs' open items, the actions the engine allows, and the advance form
(CSRF, stale versions, refusals, another region's OPD, escaping)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from webkit import Web  # type: ignore[import-not-found]

from engine import Records
from interfaces.web.templating import when

NS = {"s": "http://www.w3.org/2000/svg"}
SAMARINDA = "64.72"


def page(web: Web, email: str, code: str | None = None, lang: str = "en") -> Any:
    response = web.browser(email).get(f"/regions/{code or web.region.code}?lang={lang}")
    assert response.status_code == 200, response.text
    return response


def diagram(html: str) -> ET.Element:
    found = re.search(r'<svg [^>]*class="workflow".*?</svg>', html, re.S)
    assert found, "no workflow diagram on the page"
    return ET.fromstring(found.group(0))


def test_the_region_is_shown_in_its_province_on_a_small_map(web: Web) -> None:
    html = page(web, web.world.COORDINATOR).text
    locator = re.search(r'<svg [^>]*class="region-locator".*?</svg>', html, re.S)
    assert locator, "no locator map on the region page"
    root = ET.fromstring(locator.group(0))
    title = root.find("s:title", NS)
    assert title is not None and "Kota Balikpapan" in (title.text or "")
    assert 'href="/overview?province=64"' in html  # staff zoom to the province's map


def node_classes(root: ET.Element) -> dict[str, set[str]]:
    return {g.get("data-state", ""): set((g.get("class") or "").split())
            for g in root.iterfind(".//s:g[@data-state]", NS)}


def section(html: str, ident: str) -> str:
    found = re.search(rf'id="{ident}".*?</(table|ol)>', html, re.S)
    assert found, ident
    return found.group(0)


def state(web: Web) -> tuple[str, int]:
    with web.prog.db.read() as session:
        instance = web.prog.current_instance(session, web.region.code)
        return instance.state, instance.version


def version_on(html: str) -> int:
    found = re.search(r'name="expected_version" value="(\d+)"', html)
    assert found
    return int(found.group(1))


def test_the_diagram_is_inline_svg_with_the_current_state_highlighted(web: Web) -> None:
    web.world.drive(web.region, "bimtek_2")
    html = page(web, web.world.COORDINATOR).text
    assert "stateDiagram" not in html and "<script" not in html  # drawn, not Mermaid text
    root = diagram(html)
    classes = node_classes(root)
    assert classes["bimtek_2"] == {"node", "current"}
    assert {s for s, c in classes.items() if "passed" in c} == {
        "assessment", "mou", "institutions", "bimtek_1"}
    assert "ahead" in classes["mentor_review"]
    desc = root.find("s:desc", NS)
    assert desc is not None and (desc.text or "").startswith("Current stage: Bimtek II.")
    assert "Stage:</strong> Bimtek II" in html and "stage 5 of 16" in html

    indonesian = page(web, web.world.COORDINATOR, lang="id").text
    title = diagram(indonesian).find(".//s:g[@data-state='bimtek_2']/s:title", NS)
    assert title is not None and title.text == "Bimtek II (tahap saat ini)"


def test_history_deadlines_in_both_zones_submissions_reviews(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    world.reject(r, "Quick win 2 belum terukur; tambahkan indikator.")
    world.revise(r)
    html = page(web, world.COORDINATOR).text

    history = section(html, "history")
    assert "Sign the MoU" in history and "Kepala Daerah 64.71" in history
    assert "Reject with comments (revise and resubmit)" in history
    assert "Quick win 2 belum terukur; tambahkan indikator." in history
    assert "Mentor 64.71" in history and "(mentor, mentor.6471@itb.ac.id)" in history
    assert re.search(r"submitted Quick-win plan version 2: \d+-quick-win-plan\.pdf", history)
    assert "quick_win_plan" not in history  # the label, never the key
    assert history.index("Resubmit the revised quick-win plan") < history.index("Sign the MoU")

    with web.prog.db.read() as session:
        instance = web.prog.current_instance(session, r.code)
        due_at = Records(session).open_deadline(instance.id, "mentor_review").due_at
    wita, wib = when(due_at, "WITA", "en"), when(due_at, "WIB", "en")
    assert wita.endswith("WITA") and wib.endswith("WIB") and wita[:-5] != wib[:-4]
    table = section(html, "deadlines")
    assert (f'<td>Mentor review</td><td data-label="Due (WITA)">{wita}</td>'
            f'<td data-label="Due (WIB)">{wib}</td>') in table  # labels for phone cards
    assert "Due (WITA)" in table and "Due (WIB)" in table
    assert f"{wita} <span class=\"muted\">({wib})</span>" in html  # in the page's head too

    submissions = section(html, "submissions")
    assert submissions.count("Quick-win plan") == 2
    assert '<td data-label="Version">v1</td>' in submissions
    assert '<td data-label="Version">v2</td>' in submissions
    assert "round 1: rejected" in submissions
    reviews = section(html, "reviews")
    assert ('<td data-label="Round">1</td><td data-label="Deliverable">Quick-win plan v1</td>'
            in reviews)
    assert "Quick win 2 belum terukur; tambahkan indikator." in reviews


def test_opds_open_items_follow_their_submissions(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "bimtek_1")
    table = section(page(web, world.COORDINATOR).text, "opds")
    for code in ("DISKOMINFO", "BAPPEDA"):
        row = re.search(rf'data-opd="{code}">.*?</tr>', table, re.S)
        assert row and "<li>OPD questionnaire</li>" in row.group(0)

    world.submit(r.code, "questionnaire", r.opds["DISKOMINFO"])
    table = section(page(web, r.opds["BAPPEDA"]).text, "opds")
    done = re.search(r'data-opd="DISKOMINFO">.*?</tr>', table, re.S)
    owing = re.search(r'data-opd="BAPPEDA">.*?</tr>', table, re.S)
    assert done and "nothing open" in done.group(0)
    assert owing and "<li>OPD questionnaire</li>" in owing.group(0)

    world.submit(r.code, "questionnaire", r.opds["BAPPEDA"])
    world.fire(r.code, "close_bimtek_1", world.COORDINATOR)
    table = section(page(web, world.COORDINATOR).text, "opds")
    # In bimtek II Buku 1 is submitted once for the region: every OPD owes it until one does.
    assert table.count("<li>Buku 1 (strategic analysis)</li>") == 2


def test_actions_are_the_engines_and_the_form_advances_the_region(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "bimtek_2")
    opd_page = page(web, r.opd).text
    assert 'value="close_bimtek_2"' not in opd_page  # only the coordinator closes a bimtek

    browser = web.browser(world.COORDINATOR)
    blocked = browser.get(f"/regions/{r.code}?lang=en").text
    assert 'value="close_bimtek_2"' not in blocked  # Buku 1 and the mapping are missing
    world.submit(r.code, "buku_1", r.opd)
    world.submit(r.code, "programme_mapping", r.opd)
    ready = browser.get(f"/regions/{r.code}?lang=en").text
    assert 'value="close_bimtek_2"' in ready

    _, version = state(web)
    assert version_on(ready) == version
    response = browser.post_form(f"/regions/{r.code}/advance", {
        "trigger": "close_bimtek_2", "comment": "Buku 1 sudah direview",
        "expected_version": version}, page=f"/regions/{r.code}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/regions/{r.code}?done=close_bimtek_2"
    assert state(web) == ("bimtek_3", version + 1)
    shown = browser.get(response.headers["location"] + "&lang=en").text
    assert "Done: Close bimtek II." in shown
    assert "Buku 1 sudah direview" in section(shown, "history")
    assert node_classes(diagram(shown))["bimtek_3"] == {"node", "current"}


def test_blocked_actions_show_the_engines_reasons(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "bimtek_1")
    html = page(web, world.COORDINATOR).text
    assert 'value="close_bimtek_1"' not in html
    blocked = re.search(r'<ul class="blocked">.*?</ul>', html, re.S)
    assert blocked and "Close bimtek I" in blocked.group(0)
    assert "still to be submitted: OPD questionnaire" in blocked.group(0)


def test_a_post_without_the_csrf_token_is_refused(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "bimtek_2")
    browser = web.browser(world.COORDINATOR)
    with world.unchanged(r.code) as before:
        for token in ({}, {"csrf_token": "forged"}):
            refused = browser.post(f"/regions/{r.code}/advance", data={
                "trigger": "close_bimtek_2", "expected_version": before["version"], **token})
            assert refused.status_code == 403
            assert "tidak berasal dari situs ini" in refused.text


def test_a_stale_page_is_a_conflict_asking_to_reload(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "bimtek_2")
    browser = web.browser(world.COORDINATOR)
    old = browser.get(f"/regions/{r.code}").text
    shown = version_on(old)
    world.submit(r.code, "buku_1", r.opd)  # someone else acts meanwhile
    with world.unchanged(r.code):
        response = browser.post_form(f"/regions/{r.code}/advance", {
            "trigger": "close_bimtek_2", "expected_version": shown}, page=f"/regions/{r.code}")
        assert response.status_code == 409
        assert "telah berubah sejak Anda membukanya" in response.text
        assert "muat ulang" in response.text


def test_refusals_render_the_engines_message_and_status(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    _, version = state(web)
    opd = web.browser(r.opd)
    with world.unchanged(r.code):
        refused = opd.post_form(f"/regions/{r.code}/advance", {
            "trigger": "approve", "expected_version": version}, page=f"/regions/{r.code}")
        assert refused.status_code == 403 and "hanya mentor yang dapat" in refused.text.lower()
        mentor = web.browser(r.mentor)
        no_comment = mentor.post_form(f"/regions/{r.code}/advance", {
            "trigger": "reject", "expected_version": version}, page=f"/regions/{r.code}")
        assert no_comment.status_code == 409 and "catatan wajib diisi" in no_comment.text
        unknown = mentor.post_form(f"/regions/{r.code}/advance", {
            "trigger": "teleport", "expected_version": version}, page=f"/regions/{r.code}")
        assert unknown.status_code == 409 and "tindakan teleport tidak dikenal" in unknown.text


def test_an_opd_of_another_region_is_refused(web: Web) -> None:
    world, r = web.world, web.region
    other = world.region(SAMARINDA, opds=("DINKES",))
    outsider = web.browser(other.opd)
    looked = outsider.get(f"/regions/{r.code}?lang=en")
    assert looked.status_code == 403
    assert "acts for 64.72, not 64.71" in looked.text and "/regions/64.72" in looked.text
    assert "Kota Balikpapan" not in looked.text.split("<main")[1]
    _, version = state(web)
    with world.unchanged(r.code):
        acted = outsider.post_form(f"/regions/{r.code}/advance", {
            "trigger": "withdraw", "comment": "x", "expected_version": version},
            page=f"/regions/{other.code}")
        assert acted.status_code == 403
    assert outsider.get(f"/regions/{other.code}").status_code == 200
    # A mentor sees the region assigned to it, not the other one.
    assert web.browser(other.mentor).get(f"/regions/{r.code}").status_code == 403


def test_unknown_regions_outside_the_programme_admins_and_anonymous(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    assert browser.get("/regions/99.99").status_code == 404
    outside = browser.get("/regions/32.73")  # Kota Bandung, in no cohort
    assert outside.status_code == 404 and "belum bergabung dengan program" in outside.text
    admin = web.browser(web.account("admin@komdigi.go.id", admin=True)).get("/regions/64.71")
    assert admin.status_code == 200 and 'name="trigger"' not in admin.text  # sees, cannot act
    anonymous = web.anonymous().get("/regions/64.71", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=%2Fregions%2F64.71"


def test_comments_with_markup_show_as_text(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    world.reject(r, '<script>alert("x")</script> revisi <b>indikator</b>')
    html = page(web, r.head).text
    assert "<script>alert" not in html and "<b>indikator</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; revisi &lt;b&gt;indikator&lt;/b&gt;" \
        in html
