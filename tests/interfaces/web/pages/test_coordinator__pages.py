"""The coordinator tools split by task, each light whatever the cohort's size: the index with
its counts, the dates page (50 regions a page, filtered by stage, province and a search),
the extension page (pending first, decided ones a keyset page at a time), the outbox by
status (keyset pages) and the exports page."""

from __future__ import annotations

import html
import re
from datetime import date

from webkit import Web  # type: ignore[import-not-found]

from notifications import outbox
from workflows.deadlines import extensions, setting
from workflows.directory import cohorts
from workflows.directory.reference import shipped_regions

CODE = "64.71"
ROW = re.compile(r'<tr id="region-([0-9.]+)">')
OLDER = re.compile(r'<a href="([^"]+)" rel="next">')


def join(web: Web, n: int) -> list[str]:
    """``n`` more regions in the cohort (their master plans started, nobody registered)."""
    codes = [r.code for r in shipped_regions() if r.code != CODE][:n]
    cohorts.add_members(web.prog, web.world.COHORT, codes)
    return codes


def follow(browser: object, url: str, pattern: re.Pattern[str]) -> tuple[list[str], int]:
    """Every match of ``pattern`` on ``url`` and the pages its "older" links lead to."""
    found: list[str] = []
    pages = 0
    next_url: str | None = url
    while next_url is not None:
        page = browser.get(next_url)  # type: ignore[attr-defined]
        assert page.status_code == 200, page.text[:500]
        found += pattern.findall(page.text)
        older = OLDER.search(page.text)
        next_url = html.unescape(older.group(1)) if older else None
        pages += 1
        assert pages < 20, "the cursor does not advance"
    return found, pages


def test_the_index_counts_what_each_tool_holds(web: Web) -> None:
    web.world.drive(web.region, "mou")
    setting.set_region_deadline(web.prog, CODE, "mou", date(2026, 2, 1),
                                actor=web.world.COORDINATOR)
    extensions.request_extension(web.prog, CODE, date(2026, 2, 15), "Bupati dinas luar",
                                 actor=web.region.head)
    setting.set_cohort_deadline(web.prog, web.world.COHORT, "assessment", date(2026, 3, 1),
                                actor=web.world.COORDINATOR)
    page = web.browser(web.world.COORDINATOR).get("/coordinator?lang=en").text
    assert '<a href="/coordinator?cohort=Smart%20City%202026" aria-current="page">' in page
    assert "1 cohort dates set for Smart City 2026; 1 regions." in page
    assert "1 waiting for a decision" in page
    assert 'href="/coordinator/outbox?status=pending"' in page  # no dead letter: the queue
    for tool in ("dates", "extensions", "outbox", "exports", "reminders", "accounts"):
        assert f'id="tool-{tool}"' in page, tool
    assert len(page.encode()) < 20_000


def test_the_dates_page_shows_fifty_regions_a_page_and_filters_them(web: Web) -> None:
    join(web, 70)
    web.world.drive(web.region, "mou")
    browser = web.browser(web.world.COORDINATOR)
    first = browser.get("/coordinator/dates?lang=en")
    assert first.status_code == 200 and len(first.content) < 100_000
    rows = ROW.findall(first.text)
    assert len(rows) == 50 and "Page 1 of 2" in first.text
    assert "71 of 71 regions match." in first.text
    second = browser.get("/coordinator/dates?page=2&lang=en").text
    assert len(ROW.findall(second)) == 21 and not set(ROW.findall(second)) & set(rows)
    assert 'rel="prev"' in second and "Page 2 of 2" in second
    assert ROW.findall(browser.get("/coordinator/dates?page=99").text) == ROW.findall(second)

    by_stage = browser.get("/coordinator/dates?stage=mou&lang=en").text
    assert ROW.findall(by_stage) == [CODE] and "1 of 71 regions match." in by_stage
    assert '<option value="mou" selected>' in by_stage
    by_name = browser.get("/coordinator/dates", params={"q": "balik"}).text
    assert ROW.findall(by_name) == [CODE]
    by_code = ROW.findall(browser.get("/coordinator/dates?province=64").text)
    assert CODE in by_code and all(c.startswith("64.") for c in by_code)
    by_province = ROW.findall(browser.get(
        "/coordinator/dates", params={"province": "kalimantan timur"}).text)
    assert by_province == by_code
    none = browser.get("/coordinator/dates?q=zzzz&lang=en").text
    assert ROW.findall(none) == [] and "Nothing matches these filters." in none


def test_extensions_pending_first_then_decided_ones_a_page_at_a_time(web: Web) -> None:
    web.world.drive(web.region, "mou")
    setting.set_region_deadline(web.prog, CODE, "mou", date(2026, 2, 1),
                                actor=web.world.COORDINATOR)
    decided = []
    for n in range(53):
        asked = extensions.request_extension(web.prog, CODE, date(2026, 2, 15),
                                             f"Permintaan {n}", actor=web.region.head)
        extensions.decide_extension(web.prog, asked.id, n == 52, f"Keputusan {n}",
                                    actor=web.world.COORDINATOR)
        decided.append(asked.id)
    waiting = extensions.request_extension(web.prog, CODE, date(2026, 3, 1), "Masih menunggu",
                                           actor=web.region.head)
    browser = web.browser(web.world.COORDINATOR)
    page = browser.get("/coordinator/extensions?lang=en").text
    assert page.index(f'id="extension-{waiting.id}"') < page.index('id="decided-h"')
    assert f'action="/coordinator/extensions/{waiting.id}"' in page

    ids, pages = follow(browser, "/coordinator/extensions?lang=en",
                        re.compile(r'<tr id="decided-(\d+)">'))
    assert pages == 2 and [int(i) for i in ids] == decided[::-1]  # newest decision first
    granted = browser.get("/coordinator/extensions?decision=granted&lang=en").text
    assert re.findall(r'<tr id="decided-(\d+)">', granted) == [str(decided[-1])]
    assert "✓ granted" in granted
    other = browser.get("/coordinator/extensions?q=semarang&lang=en").text
    assert '<tr id="extension-' not in other and '<tr id="decided-' not in other
    assert other.count("Nothing matches these filters.") == 2
    bad = browser.get("/coordinator/extensions?page=zzz")
    assert bad.status_code == 422

    # A decision posted from a filtered page comes back to it.
    done = browser.post_form(f"/coordinator/extensions/{waiting.id}", {
        "decision": "refuse", "comment": "Tidak cukup alasan",
        "back_to": "q=balik&decision=refused"}, page="/coordinator/extensions")
    assert done.headers["location"] == (f"/coordinator/extensions?done=extension_refused"
                                        f"&q=balik&decision=refused#decided-{waiting.id}")


def test_the_outbox_by_status_a_keyset_page_at_a_time(web: Web) -> None:
    now = web.prog.engine.clock()
    with web.prog.db.transaction() as session:
        for n in range(57):
            outbox.enqueue(session, key=f"test:{n}", kind="reminder",
                           recipient=f"opd{n}@pemda.go.id", subject=f"Pengingat {n}",
                           text_body="x", html_body="<p>x</p>", message_id=f"<{n}@x>",
                           raw=b"x", due_at=now, now=now)
    browser = web.browser(web.world.COORDINATOR)
    message = re.compile(r'<tr id="message-(\d+)">')
    pending, pages = follow(browser, "/coordinator/outbox?status=pending", message)
    assert pages == 2 and len(pending) == 57 and len(set(pending)) == 57
    assert [int(i) for i in pending] == sorted(int(i) for i in pending)  # due time, then id

    claimed = outbox.claim(web.prog.db, "w", 100, 60, now)
    outbox.mark_sent(web.prog.db, [c.id for c in claimed], "w", now)
    page = browser.get("/coordinator/outbox?status=sent&lang=en").text
    assert 'aria-current="page"><span class="badge ok">sent</span> 57' in page
    sent, pages = follow(browser, "/coordinator/outbox?status=sent", message)
    assert pages == 2 and [int(i) for i in sent] == sorted((int(i) for i in sent), reverse=True)
    empty = browser.get("/coordinator/outbox?lang=en").text  # dead letters by default
    assert "No dead letters." in empty and "Send every dead letter again" not in empty
    assert browser.get("/coordinator/outbox?status=lost").status_code == 422
    assert browser.get("/coordinator/outbox?status=sent&page=MS4y").status_code == 422


def test_the_exports_page_lists_the_downloads_that_exist(web: Web) -> None:
    join(web, 60)
    browser = web.browser(web.world.COORDINATOR)
    page = browser.get("/coordinator/exports?lang=en").text
    assert '/coordinator/export/cohort.csv?cohort=Smart%20City%202026' in page
    assert "61 regions: stage, deadline" in page
    assert len(ROW.findall(page)) == 50 and "Page 1 of 2" in page
    found = browser.get("/coordinator/exports", params={"q": CODE}).text
    assert ROW.findall(found) == [CODE]
    assert f'href="/coordinator/report/regions/{CODE}"' in found
    assert f'href="/coordinator/export/regions/{CODE}/history.csv" download' in found
    report = browser.get(f"/coordinator/report/regions/{CODE}").text
    assert "/coordinator/exports?cohort=Smart%20City%202026&amp;q=64.71#region-64.71" in report


def test_anonymous_visitors_are_sent_to_sign_in_from_every_tool(web: Web) -> None:
    for url in ("/coordinator", "/coordinator/dates", "/coordinator/extensions",
                "/coordinator/outbox?status=dead", "/coordinator/exports"):
        response = web.anonymous().get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/login?next=%2Fcoordinator"), url
