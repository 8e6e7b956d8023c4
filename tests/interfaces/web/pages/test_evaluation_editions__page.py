"""The editions page: two editions side by side with their instruments, windows, returns and
the programme-wide index per dimension each computed with its own weights; the rows that
differ marked in words; the evaluation page naming its window's edition; staff only.

Edition 2026 (``smart-city-2023``: 10/20/30/30/10 %) scores Balikpapan in 2026-H1 with parts
3, 4, 3, 2, 4 (index 3.0) and governance 4, 4, 4, 1, 2 (index 2.9); edition 2027
(``kemendagri-2024``: 10/20/30/20/20 %) scores it in 2027-H1 with the same parts (index
0.3 + 0.8 + 0.9 + 0.4 + 0.8 = 3.2) and governance (0.4 + 0.8 + 1.2 + 0.2 + 0.4 = 3.0).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from webkit import Web  # type: ignore[import-not-found]

from workflows.evaluation.editions import create_edition
from workflows.evaluation.instrument import load_instrument
from workflows.evaluation.returns import submit_return
from workflows.evaluation.scores import score
from workflows.evaluation.windows import ensure_windows

BALIKPAPAN = "64.71"
PARTS = {"baseline": 3, "output": 4, "outcome": 3, "impact": 2, "quick_win": 4}
GOVERNANCE = {"baseline": 4, "output": 4, "outcome": 4, "impact": 1, "quick_win": 2}


@pytest.fixture
def two_editions(web: Web, clock: Any) -> None:
    world, prog = web.world, web.prog
    world.drive(web.region, "implementation")
    clock.now = datetime(2026, 1, 5, tzinfo=UTC)
    create_edition(prog, "2026", load_instrument("smart-city-2023"), world.COORDINATOR)
    create_edition(prog, "2027", load_instrument("kemendagri-2024"), world.COORDINATOR)
    for year in (2026, 2027):
        ensure_windows(prog, year)
        clock.now = datetime(year, 6, 10, 2, 0, tzinfo=UTC)
        window = f"{year}-H1"
        submit_return(prog, BALIKPAPAN, window, web.region.opd)
        for part in PARTS:
            score(prog, BALIKPAPAN, window, part, PARTS[part], world.ASSESSOR)
            score(prog, BALIKPAPAN, window, part, GOVERNANCE[part], world.ASSESSOR,
                  dimension="governance")


def row(page: str, header: str) -> list[str]:
    """The cells of the comparison row whose header starts with ``header``."""
    for found in re.finditer(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", page, re.S):
        if html.unescape(found.group(1)).startswith(header):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", found.group(2), re.S)
            return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    raise AssertionError(f"no row {header}")


def test_two_editions_side_by_side_each_with_its_own_weights(web: Web,
                                                               two_editions: None) -> None:
    page = web.browser(web.world.ASSESSOR).get("/evaluation/editions",
                                               params={"lang": "en"})
    assert page.status_code == 200
    text = page.text
    assert "Side by side: 2026 · 2027" in text
    assert row(text, "Weight of Impact") == ["30%", "20%"]
    assert row(text, "Weight of Quick Win") == ["10%", "20%"]
    assert row(text, "Weight of Outcome") == ["30%", "30%"]
    assert row(text, "Scale") == ["1–4", "1–4"]
    assert row(text, "Returns") == ["1", "1"]
    assert row(text, "Windows")[0] == "2 (2026-H1, 2026-H2)"
    assert row(text, "Programme-wide mean index")[0].startswith("3.00")
    assert row(text, "Programme-wide mean index")[1].startswith("3.20")
    assert row(text, "Mean index of Smart Governance") == ["2.90", "3.00"]
    # Differences are said in words, not only tinted.
    differs = re.findall(r'<tr class="differs"><th scope="row">(.*?)<span', text, re.S)
    assert [d.strip() for d in differs] == [
        "Instrument", "Weight of Impact", "Weight of Quick Win", "Programme-wide mean index",
        "Mean index of Smart Governance"]

    # Chosen explicitly, in Indonesian; one edition alone when both sides name it.
    one = web.browser(web.world.COORDINATOR).get("/evaluation/editions",
                                                 params={"a": "2026", "b": "2026"}).text
    assert "Berdampingan: 2026<" in one and "berbeda" not in one.split("<h2")[-1]
    missing = web.browser(web.world.COORDINATOR).get("/evaluation/editions",
                                                     params={"a": "2030"})
    assert missing.status_code == 404 and "2026, 2027" in html.unescape(missing.text)

    # The evaluation page names the window's edition and links here.
    evaluation = web.browser(web.world.ASSESSOR).get(
        "/evaluation", params={"window": "2026-H1", "lang": "en"}).text
    assert "Scored with edition 2026" in evaluation
    assert 'href="/evaluation/editions?b=2026"' in evaluation


def test_only_staff_compare_editions(web: Web, two_editions: None) -> None:
    page = web.browser(web.region.opd).get("/evaluation/editions")
    assert page.status_code == 403


def test_without_editions_the_page_says_so(web: Web) -> None:
    page = web.browser(web.world.COORDINATOR).get("/evaluation/editions",
                                                  params={"lang": "en"})
    assert page.status_code == 200 and "no editions yet" in page.text
