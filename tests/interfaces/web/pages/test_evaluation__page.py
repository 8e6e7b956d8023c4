"""The evaluation page: windows in WIB, the ranking and scores with SVG bars carrying the
right values, scoped visibility, scoring, handing in and extending through the forms, and the
domain's refusals (a late return, a wrong role) with their status.

Default settings: windows 06-01/06-30 and 11-01/11-30 in WIB, scale 1-4, weights
10/20/30/30/10 % for baseline/output/outcome/impact/quick_win. Kota Balikpapan (64.71) is in
WITA, Kota Jayapura (91.71) in WIT; Kota Semarang (33.74) is selected but still in assessment.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select
from webkit import Web  # type: ignore[import-not-found]

from workflows.evaluation.models import EvaluationReturn, EvaluationScore, WindowExtension
from workflows.evaluation.returns import submit_return
from workflows.evaluation.scores import score
from workflows.evaluation.windows import ensure_windows

BALIKPAPAN, JAYAPURA, SEMARANG = "64.71", "91.71", "33.74"
WORKED = {"baseline": 3, "output": 4, "outcome": 3, "impact": 2, "quick_win": 4}  # index 3.0
SVG = "{http://www.w3.org/2000/svg}"


def chart(page: str, ident: str) -> ET.Element:
    found = re.search(rf'<svg [^>]*id="{ident}".*?</svg>', page, re.S)
    assert found, f"no chart {ident}"
    return ET.fromstring(found.group(0))


def bars(svg: ET.Element) -> list[tuple[str, str, float | None]]:
    """(label, value text, drawn value) of every bar, top to bottom."""
    out = []
    for g in svg.iter(f"{SVG}g"):
        if "bar" not in (g.get("class") or "").split():
            continue
        label = g.find(f"{SVG}text[@class='label']")
        value = g.find(f"{SVG}text[@class='value']")
        rect = g.find(f"{SVG}rect")
        assert label is not None and value is not None
        out.append((label.text or "", value.text or "",
                    float(rect.get("data-value", "")) if rect is not None else None))
    return out


@pytest.fixture
def scored(web: Web, clock: Any) -> dict[str, Any]:
    """Balikpapan and Jayapura in implementation with 2026-H1 returns (10 Jun 2026), scored
    3.0 and 3.5 by the assessor; Semarang in the cohort without a return."""
    world = web.world
    jayapura = world.region(JAYAPURA)
    world.drive(web.region, "implementation")
    world.drive(jayapura, "implementation")
    world.region(SEMARANG)
    ensure_windows(web.prog, 2026)
    clock.now = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)
    submit_return(web.prog, BALIKPAPAN, "2026-H1", web.region.opd)
    submit_return(web.prog, JAYAPURA, "2026-H1", jayapura.opd)
    for part, value in WORKED.items():
        score(web.prog, BALIKPAPAN, "2026-H1", part, value, world.ASSESSOR)
        score(web.prog, JAYAPURA, "2026-H1", part, 3.5, world.ASSESSOR)
    return {BALIKPAPAN: web.region, JAYAPURA: jayapura}


def scores(web: Web, code: str) -> dict[tuple[str, str], float]:
    with web.prog.db.read() as session:
        rows = session.execute(
            select(EvaluationScore).join(EvaluationReturn)
            .where(EvaluationReturn.region_code == code)).scalars().all()
        return {(s.part, s.dimension): s.score for s in rows}


def test_the_ranking_and_its_bars_carry_the_computed_indices(web: Web,
                                                               scored: Any) -> None:
    page = web.browser(web.world.ASSESSOR).get("/evaluation")
    assert page.status_code == 200
    text = page.text
    # The open window is chosen, its times in WIB.
    assert "1 Jun 2026 00.00 WIB" in text and "30 Jun 2026 23.59 WIB" in text
    assert "Peringkat Smart City 2026 pada Semester I 2026" in text
    assert bars(chart(text, "chart-ranking")) == [
        ("1. Kota Jayapura", "3.50", 3.5), ("2. Kota Balikpapan", "3.00", 3.0),
        ("– Kota Semarang", "belum ada laporan", None)]
    ranking = chart(text, "chart-ranking")
    title = ranking.find(f"{SVG}title")
    assert ranking.get("role") == "img" and title is not None
    assert title.text == "Indeks capaian Smart City 2026 pada Semester I 2026"  # not "2026-H1"
    # The table: rank, index and each part's mean.
    row = re.search(r'<tr id="row-64.71".*?</tr>', text, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert cells[0] == "2" and "<strong>3.00</strong>" in cells[3]
    assert cells[4:] == ["3.00", "4.00", "3.00", "2.00", "4.00"]

    # The first region with a return is shown in detail; another one on request.
    assert bars(chart(text, "chart-parts"))[-1] == ("Indeks", "3.50", 3.5)
    detail = web.browser(web.world.ASSESSOR).get(
        "/evaluation", params={"window": "2026-H1", "cohort": "2026", "region": BALIKPAPAN,
                               "lang": "en"}).text
    assert bars(chart(detail, "chart-parts")) == [
        ("Baseline", "3.00", 3.0), ("Output", "4.00", 4.0), ("Outcome", "3.00", 3.0),
        ("Impact", "2.00", 2.0), ("Quick Win", "4.00", 4.0), ("Index", "3.00", 3.0)]
    assert "Rank 2 in Smart City 2026" in detail


def test_scores_per_dimension_have_their_own_chart(web: Web, scored: Any) -> None:
    for part in WORKED:
        score(web.prog, BALIKPAPAN, "2026-H1", part, 4, web.world.ASSESSOR,
              dimension="governance")
    score(web.prog, BALIKPAPAN, "2026-H1", "output", 1, web.world.ASSESSOR,
          dimension="economy")
    # A newer cohort is shown by default; a region alone opens its own cohort.
    web.world.region("51.71", cohort="Smart City 2027", year=2027)
    browser = web.browser(web.world.COORDINATOR)
    newest = browser.get("/evaluation?window=2026-H1").text
    assert bars(chart(newest, "chart-ranking")) == [
        ("– Kota Denpasar", "belum ada laporan", None)]
    page = browser.get(f"/evaluation?window=2026-H1&region={BALIKPAPAN}").text
    assert "Peringkat Smart City 2026 pada Semester I 2026" in page
    assert bars(chart(page, "chart-dimensions")) == [
        ("Smart Economy", "belum lengkap", None), ("Smart Governance", "4.00", 4.0)]
    elsewhere = browser.get(f"/evaluation?cohort=Smart City 2027&region={BALIKPAPAN}")
    assert elsewhere.status_code == 404 and "64.71 tidak termasuk kohort Smart City 2027" in \
        elsewhere.text


def test_scoped_viewers_see_only_their_regions(web: Web, scored: Any) -> None:
    opd = web.browser(web.region.opd)
    page = opd.get("/evaluation").text
    assert 'id="row-64.71"' in page
    assert 'id="row-91.71"' not in page and 'id="row-33.74"' not in page
    assert [b[0] for b in bars(chart(page, "chart-ranking"))] == ["2. Kota Balikpapan"]
    assert 'action="/evaluation/score"' not in page  # not an assessor
    refused = opd.get(f"/evaluation?region={JAYAPURA}")
    assert refused.status_code == 403 and "bukan 91.71" in refused.text

    mentor = web.browser(scored[JAYAPURA].mentor).get("/evaluation").text
    assert 'id="row-91.71"' in mentor and 'id="row-64.71"' not in mentor
    assert 'action="/evaluation/submit"' not in mentor


def test_an_assessor_scores_through_the_form(web: Web, scored: Any) -> None:
    browser = web.browser(web.world.ASSESSOR)
    done = browser.post_form("/evaluation/score", {
        "window": "2026-H1", "cohort": web.world.COHORT, "region": BALIKPAPAN,
        "part": "impact", "value": "3,5", "dimension": ""}, page="/evaluation")
    assert done.status_code == 303
    assert done.headers["location"] == (
        "/evaluation?window=2026-H1&cohort=Smart+City+2026&region=64.71&done=scored#region")
    assert scores(web, BALIKPAPAN)[("impact", "")] == 3.5  # replaces the assessor's 2
    page = browser.get(done.headers["location"]).text
    assert "Nilai disimpan." in page
    # 0.1*3 + 0.2*4 + 0.3*3 + 0.3*3.5 + 0.1*4 = 3.45
    assert bars(chart(page, "chart-ranking"))[:2] == [
        ("1. Kota Jayapura", "3.50", 3.5), ("2. Kota Balikpapan", "3.45", 3.45)]
    assert bars(chart(page, "chart-parts"))[-1] == ("Indeks", "3.45", 3.45)

    per_dimension = browser.post_form("/evaluation/score", {
        "window": "2026-H1", "region": BALIKPAPAN, "part": "output", "value": "2",
        "dimension": "living"}, page="/evaluation")
    assert per_dimension.status_code == 303
    assert scores(web, BALIKPAPAN)[("output", "living")] == 2.0

    outside = browser.post_form("/evaluation/score", {
        "window": "2026-H1", "region": BALIKPAPAN, "part": "impact", "value": "5"},
        page="/evaluation")
    assert outside.status_code == 422 and "di luar skala evaluasi 1 sampai 4" in outside.text
    words = browser.post_form("/evaluation/score", {
        "window": "2026-H1", "region": BALIKPAPAN, "part": "impact", "value": "tiga"},
        page="/evaluation")
    assert words.status_code == 422 and "bukan angka" in words.text
    no_return = browser.post_form("/evaluation/score", {
        "window": "2026-H1", "region": SEMARANG, "part": "impact", "value": "3"},
        page="/evaluation")
    assert no_return.status_code == 404 and "33.74 belum menyerahkan laporan evaluasi" in \
        no_return.text
    assert scores(web, BALIKPAPAN)[("impact", "")] == 3.5


def test_wrong_roles_are_refused_with_the_domains_message(web: Web, scored: Any) -> None:
    opd = web.browser(web.region.opd)
    before = scores(web, BALIKPAPAN)
    refused = opd.post_form("/evaluation/score", {
        "window": "2026-H1", "region": BALIKPAPAN, "part": "impact", "value": "4"},
        page="/evaluation")
    assert refused.status_code == 403
    assert ("hanya penilai atau koordinator yang dapat menilai laporan evaluasi"
            in refused.text.lower())
    mentor = web.browser(web.region.mentor)
    extend = mentor.post_form("/evaluation/extend", {
        "window": "2026-H1", "region": BALIKPAPAN, "day": "2026-07-06"}, page="/evaluation")
    assert extend.status_code == 403 and "hanya koordinator yang dapat memperpanjang" in \
        extend.text.lower()
    other = opd.post_form("/evaluation/submit", {"window": "2026-H1", "region": JAYAPURA},
                          page="/evaluation")
    assert other.status_code == 403 and "bukan 91.71" in other.text
    assert scores(web, BALIKPAPAN) == before


def test_a_late_return_is_refused_until_a_coordinator_extends_the_window(
        web: Web, scored: Any, clock: Any) -> None:
    clock.now = datetime(2026, 7, 2, tzinfo=UTC)
    opd = web.browser(web.region.opd)
    page = opd.get("/evaluation").text
    assert "ditutup" in page and 'action="/evaluation/submit"' in page
    late = opd.post_form("/evaluation/submit", {"window": "2026-H1", "region": BALIKPAPAN},
                         page="/evaluation")
    assert late.status_code == 409
    assert "jendela Semester I 2026 sudah ditutup 1 Juli 2026 pukul 00.59 WITA" in late.text

    coordinator = web.browser(web.world.COORDINATOR)
    done = coordinator.post_form("/evaluation/extend", {
        "window": "2026-H1", "region": BALIKPAPAN, "day": "2026-07-06", "at": "23:59",
        "zone": ""}, page="/evaluation")
    assert done.status_code == 303 and "done=extended" in done.headers["location"]
    with web.prog.db.read() as session:
        (ext,) = session.execute(select(WindowExtension)).scalars().all()
        assert (ext.region_code, ext.until) == (
            BALIKPAPAN, datetime(2026, 7, 6, 15, 59, tzinfo=UTC))  # 23:59 WITA
    shown = coordinator.get(done.headers["location"]).text
    assert "dapat menyerahkan sampai 6 Jul 2026 23.59 WITA" in shown

    accepted = opd.post_form("/evaluation/submit", {"window": "2026-H1",
                                                    "region": BALIKPAPAN},
                             page="/evaluation")
    assert accepted.status_code == 303
    with web.prog.db.read() as session:
        ret = session.execute(select(EvaluationReturn).where(
            EvaluationReturn.region_code == BALIKPAPAN)).scalar_one()
        assert ret.submitted_at == clock.now
    # Jayapura has no extension: still refused, in its own zone.
    jayapura = web.browser(scored[JAYAPURA].opd).post_form(
        "/evaluation/submit", {"window": "2026-H1", "region": JAYAPURA}, page="/evaluation")
    assert jayapura.status_code == 409 and "ditutup 1 Juli 2026 pukul 01.59 WIT" in \
        jayapura.text


def test_posts_without_the_csrf_token_are_refused(web: Web, scored: Any) -> None:
    browser = web.browser(web.world.ASSESSOR)
    before = scores(web, BALIKPAPAN)
    for token in (None, "forged"):
        data = {"window": "2026-H1", "region": BALIKPAPAN, "part": "impact", "value": "4"}
        if token:
            data["csrf_token"] = token
        response = browser.post("/evaluation/score", data=data)
        assert response.status_code == 403 and "tidak berasal dari situs ini" in response.text
    assert scores(web, BALIKPAPAN) == before


def test_without_windows_the_page_says_how_they_come(web: Web) -> None:
    page = web.browser(web.region.head).get("/evaluation")
    assert page.status_code == 200 and "penjadwal membuat jendela setiap tahun" in page.text
    unknown = web.browser(web.region.head).get("/evaluation?window=2030-H1")
    assert unknown.status_code == 404
    assert "tidak ada jendela evaluasi “2030-H1”" in html.unescape(unknown.text)
    anonymous = web.anonymous().get("/evaluation", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
