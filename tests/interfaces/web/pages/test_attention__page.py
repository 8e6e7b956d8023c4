"""``/attention`` ("Perlu perhatian") and the count in the menu: grouped by category, each item
a link to where it is resolved, times in the region's zone; the menu's count follows what is
resolved; coordinators and administrators only (a region's own coordinator sees its regions,
dead letters are for programme-wide viewers); a fixed number of queries whatever the size.

Kota Balikpapan (64.71) is in WITA; the simulated clock starts on 5 Jan 2026 09:00 WIB.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from webkit import Web  # type: ignore[import-not-found]

from workflows.deadlines import extensions
from workflows.directory import imports, registration
from workflows.reporting import attention

CODE = "64.71"
MIMIKA = "94.04"  # WIT
BADGE = re.compile(r'<a href="/attention" class="attention" aria-label="([^"]+)">'
                   r'Perlu perhatian <span class="nav-count[^"]*" aria-hidden="true">'
                   r'<span class="paren">\(</span>(\d+)<span class="paren">\)</span>')


def badge(html: str) -> tuple[str, int]:
    """The menu's inbox link: its accessible name and the count it shows."""
    found = BADGE.search(html)
    assert found, "no inbox link with a count in the menu"
    return found.group(1), int(found.group(2))


def ask_for_more_time(web: Web, code: str = CODE, head: str | None = None) -> int:
    """The region enters the MoU stage; its head of region asks to move the deadline."""
    return extensions.request_extension(web.prog, code, date(2026, 6, 30),
                                        "Bupati sedang dinas luar",
                                        actor=head or web.region.head).id


def test_nothing_to_do_says_so_and_the_menu_shows_none(web: Web) -> None:
    page = web.browser(web.world.COORDINATOR).get("/attention")
    assert page.status_code == 200
    assert "Tidak ada yang perlu Anda tangani sekarang" in page.text
    assert badge(page.text) == ("Perlu perhatian: tidak ada", 0)
    assert 'href="/overview">Ikhtisar</a>' in page.text
    assert 'href="/analytics">Analitik</a>' in page.text
    assert 'href="/board">Papan</a>' in page.text
    assert 'href="/coordinator">Koordinasi</a>' in page.text


def test_an_extension_request_links_to_its_form_and_the_count_drops_once_granted(
        web: Web) -> None:
    web.world.leave(web.region, "assessment")
    asked = ask_for_more_time(web)
    browser = web.browser(web.world.COORDINATOR)
    page = browser.get("/attention").text
    assert badge(page) == ("Perlu perhatian: 1 hal", 1)
    assert "1 hal menunggu Anda" in page
    assert f'href="/coordinator/extensions#extension-{asked}">Putuskan permintaan Kota ' \
           "Balikpapan</a>" in page
    assert "30 Jun 2026 23.59 WITA" in page  # asked until, in the region's zone
    assert "Bupati sedang dinas luar" in page
    assert 'href="/attention?category=extensions"' in page

    # Any page the coordinator opens shows the count, and it follows the decision.
    assert badge(browser.get("/board").text)[1] == 1
    extensions.decide_extension(web.prog, asked, True, None, actor=web.world.COORDINATOR)
    assert badge(browser.get("/board").text) == ("Perlu perhatian: tidak ada", 0)
    assert f"extension-{asked}" not in browser.get("/attention").text


def test_each_group_counts_and_links_to_the_region_in_its_zone(web: Web) -> None:
    web.world.leave(web.region, "assessment")
    ask_for_more_time(web)
    web.world.dead_letter(answer="550 5.1.1 <User> unknown")
    web.world.prog.engine.clock.advance(days=200)
    page = web.browser(web.world.COORDINATOR).get("/attention?lang=en").text
    assert badge_en(page) == ("Needs attention: 4 items", 4)
    for heading in ("Extension requests", "Escalated deadlines", "Stalled regions",
                    "Undeliverable email"):
        assert f'{heading} <span class="n">(1)</span></h2>' in page
    assert 'href="/regions/64.71">Kota Balikpapan</a>' in page
    assert "WITA" in page and "days late" in page and "days in MoU" in page
    assert 'href="/coordinator/outbox?status=dead">Email to typo@pemda.go.id</a>' in page
    assert "550 5.1.1 &lt;User&gt; unknown" in page  # the server's answer, escaped


def badge_en(html: str) -> tuple[str, int]:
    found = re.search(r'<a href="/attention" class="attention" aria-label="([^"]+)">Needs '
                      r'attention <span[^>]*><span class="paren">\(</span>(\d+)', html)
    assert found
    return found.group(1), int(found.group(2))


def test_one_category_page_by_page(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        web.world.dead_letter(f"typo{n}@pemda.go.id")
    monkeypatch.setattr(attention, "PER_PAGE", 2)
    browser = web.browser(web.world.COORDINATOR)
    first = browser.get("/attention?category=dead_letters").text
    second = browser.get("/attention?category=dead_letters&page=2").text
    past = browser.get("/attention?category=dead_letters&page=9").text
    assert "Halaman 1 dari 2" in first and "typo2@" in first and "typo0@" not in first
    assert 'href="/attention?category=dead_letters&amp;page=2" rel="next"' in first
    assert "Halaman 2 dari 2" in second and "typo0@" in second and "typo2@" not in second
    assert "Halaman 2 dari 2" in past  # a page past the last shows the last
    unknown = browser.get("/attention?category=semua")
    assert unknown.status_code == 422 and "kategori “semua” tidak dikenal" in unknown.text


@pytest.mark.parametrize("who", ["opd", "mentor", "head", "assessor"])
def test_other_roles_get_403_and_no_inbox_in_their_menu(web: Web, who: str) -> None:
    email = {"opd": web.region.opd, "mentor": web.region.mentor, "head": web.region.head,
             "assessor": web.world.ASSESSOR}[who]
    browser = web.browser(email)
    refused = browser.get("/attention")
    assert refused.status_code == 403
    assert "“Perlu perhatian” hanya untuk koordinator dan administrator" in refused.text
    assert 'href="/attention"' not in refused.text
    assert 'href="/attention"' not in browser.get("/evaluation").text


def test_a_regions_own_coordinator_sees_its_regions_and_no_dead_letters(web: Web) -> None:
    mimika = web.world.region(MIMIKA)
    for r in (web.region, mimika):
        web.world.leave(r, "assessment")
    ask_for_more_time(web)
    ask_for_more_time(web, MIMIKA, mimika.head)
    web.world.dead_letter()
    own = "setda.6471@pemda.go.id"
    registration.upsert_people(web.prog, imports.parse_people(
        f"email,name,role,region\n{own},Sekretariat Balikpapan,coordinator,{CODE}\n"))
    page = web.browser(own).get("/attention").text
    assert badge(page)[1] == 1
    assert "Kota Balikpapan" in page and "Kabupaten Mimika" not in page
    assert "Email gagal terkirim" not in page and "typo@" not in page
    assert "daerah yang Anda tangani saja" in page
    assert badge(web.browser(web.world.COORDINATOR).get("/attention").text)[1] == 3


def test_an_administrator_sees_everything(web: Web) -> None:
    web.world.dead_letter()
    admin = web.browser(web.account("admin@komdigi.go.id", admin=True))
    page = admin.get("/attention")
    assert page.status_code == 200 and "Email gagal terkirim" in page.text
    assert badge(page.text)[1] == 1


def test_queries_do_not_grow_with_the_regions(web: Web) -> None:
    def queries(url: str) -> int:
        browser = web.browser(web.world.COORDINATOR)  # signed in now: the clock moves on
        with web.world.statements() as seen:
            assert browser.get(url).status_code == 200
        return len(seen)

    web.world.leave(web.region, "assessment")
    ask_for_more_time(web)
    web.world.dead_letter()
    web.prog.engine.clock.advance(days=200)
    queries("/attention")  # the definition's text is read once, then cached
    one = (queries("/attention"), queries("/evaluation"))
    for code in ("64.72", MIMIKA, "32.73"):
        r = web.world.region(code)
        web.world.leave(r, "assessment")
        extensions.request_extension(
            web.prog, code, (web.prog.engine.clock() + timedelta(days=200)).date(), "Banjir",
            actor=r.head)
    web.world.dead_letter("second@pemda.go.id")
    web.prog.engine.clock.advance(days=200)
    assert (queries("/attention"), queries("/evaluation")) == one
