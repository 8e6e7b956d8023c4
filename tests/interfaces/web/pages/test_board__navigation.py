"""The board page for a national cohort: counts that are links to the filtered board, filters
kept in every link, pages of rows with "showing X-Y of Z", a compact mode with abbreviated
stage names, the map of the rows shown (zoomed to a province), sticky headers in a scroll box,
clear refusals of wrong parameters; bulk controls for coordinators only."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from webkit import Web  # type: ignore[import-not-found]

from workflows.deadlines import setting
from workflows.reporting import board

SAMARINDA, BANDUNG, JAYAPURA = "64.72", "32.73", "91.71"


@pytest.fixture
def cohort(web: Web, clock: Any) -> Web:
    """Balikpapan in bimtek I (on time), Samarinda in the MoU overdue, Bandung and Jayapura
    in the assessment."""
    world = web.world
    samarinda = world.region(SAMARINDA, opds=("DINKES",))
    world.region(BANDUNG, opds=())
    world.region(JAYAPURA, opds=())
    world.drive(web.region, "bimtek_1")
    world.drive(samarinda, "mou")
    setting.set_region_deadline(web.prog, SAMARINDA, "mou", clock.now + timedelta(days=1),
                                actor=world.COORDINATOR)
    clock.advance(days=2)
    return web


def rows(page: str) -> list[str]:
    """The region codes of the table's rows, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r'<a id="n-[^"]+" href="/regions/([0-9.]+)">', body)


def hrefs(page: str, where: str) -> dict[str, str]:
    """id -> the link inside the summary item ``where`` (``tone-late``, ``count-mou``)."""
    found = re.search(rf'id="{where}"[^>]*><a href="([^"]+)"', page)
    assert found, where
    return {"href": html.unescape(found.group(1))}


def test_counts_are_links_to_the_filtered_board_keeping_the_other_filters(
        cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    page = browser.get("/board?zone=WITA&sort=-name").text
    late = hrefs(page, "tone-late")["href"]
    assert late == "/board?cohort=Smart%20City%202026&status=late&zone=WITA&sort=-name"
    in_mou = hrefs(page, "count-mou")["href"]
    assert in_mou == "/board?cohort=Smart%20City%202026&stage=mou&zone=WITA&sort=-name"
    assert 'id="count-implementation" class="muted">' in page  # 0: no link
    followed = browser.get(late)
    assert rows(followed.text) == [SAMARINDA]
    assert "1 dari 4 daerah ditampilkan" in followed.text
    assert 'aria-current="true"' in followed.text.split('id="tone-late"')[1][:200]
    # The way back to every status keeps the rest.
    assert "/board?cohort=Smart%20City%202026&amp;zone=WITA&amp;sort=-name" in followed.text


def test_search_sort_and_the_form_keeps_what_was_asked(cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    found = browser.get("/board?q=KOTA+bal")
    assert sorted(rows(found.text)) == [cohort.region.code]  # Kota Balikpapan only
    assert 'name="q" value="KOTA bal"' in found.text
    by_code = browser.get("/board?q=3273")
    assert rows(by_code.text) == [BANDUNG]
    named = browser.get("/board?sort=name")
    assert rows(named.text) == [cohort.region.code, BANDUNG, JAYAPURA, SAMARINDA]
    assert '<option value="name" selected>' in named.text
    assert 'aria-sort="ascending"' in named.text
    backwards = browser.get("/board?sort=-name")
    assert rows(backwards.text) == [SAMARINDA, JAYAPURA, BANDUNG, cohort.region.code]
    by_province_name = browser.get("/board?province=Kalimantan+Timur")
    assert sorted(rows(by_province_name.text)) == [cohort.region.code, SAMARINDA]
    assert '<option value="64" selected>' in by_province_name.text
    mentor = cohort.region.mentor
    mentored = browser.get(f"/board?mentor={mentor}")
    assert rows(mentored.text) == [cohort.region.code]
    assert f'name="mentor" value="{mentor}"' in mentored.text


def test_pages_with_showing_x_y_of_z_and_links_that_keep_the_filters(
        cohort: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board, "PER_PAGE", 2)
    browser = cohort.browser(cohort.world.COORDINATOR)
    first = browser.get("/board?zone=&sort=code&lang=en").text
    assert rows(first) == [BANDUNG, cohort.region.code]
    assert "Showing 1–2 of 4 regions" in first and "Page 1 of 2" in first
    following = re.search(r'href="([^"]+)" rel="next"', first)
    assert following and html.unescape(following[1]) == (
        "/board?cohort=Smart%20City%202026&sort=code&page=2")
    second = browser.get(html.unescape(following[1])).text
    assert rows(second) == [SAMARINDA, JAYAPURA]
    assert "Showing 3–4 of 4 regions" in second and 'rel="prev"' in second
    assert 'rel="next"' not in second
    # Counts on page 2 link to the first page of their filter.
    assert "page=" not in hrefs(second, "tone-none")["href"]
    past = browser.get("/board?page=7&lang=en").text
    assert "Page 2 of 2" in past


def test_compact_mode_abbreviates_stages_with_their_full_name(cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    compact = browser.get("/board?compact=1").text
    assert 'class="board compact"' in compact
    assert '<abbr title="Bimtek I">BT I</abbr>' in compact
    assert '<abbr title="Penandatanganan MoU">MoU</abbr>' in compact
    assert 'name="compact" value="1" checked' in compact
    # Its links stay compact.
    assert "compact=1" in hrefs(compact, "tone-late")["href"]
    wide = browser.get("/board").text
    assert "<abbr" not in wide.split("<thead>")[1].split("</thead>")[0]


def test_the_table_scrolls_in_its_own_box_with_sticky_headers(cohort: Web) -> None:
    page = cohort.browser(cohort.world.COORDINATOR).get("/board").text
    assert ('<div class="scroll" tabindex="0" role="region" aria-label="Tabel daerah per tahap">'
            in page)
    css = cohort.anonymous().get("/static/board.css").text
    assert re.search(r"\.scroll \{[^}]*overflow: auto; max-height: 75vh", css)
    assert re.search(r"table\.board thead th \{ position: sticky; top: 0", css)
    assert re.search(r'table\.board th\[scope="row"\] \{ position: sticky; left: 0', css)


def test_the_map_of_the_rows_shown_zooms_to_a_province(cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    everything = browser.get("/board").text
    assert '<details class="map">' in everything  # folded away under the counts
    national = everything.split('<details class="map">')[1].split("</details>")[0]
    assert 'href="/regions/91.71"' in national and 'href="/regions/64.71"' in national
    kaltim = browser.get("/board?province=64").text
    assert '<details class="map" open>' in kaltim
    zoomed = kaltim.split('<details class="map" open>')[1].split("</details>")[0]
    assert 'href="/regions/64.72"' in zoomed and 'href="/regions/91.71"' not in zoomed
    assert "Peta 2 daerah yang ditampilkan" in kaltim
    assert '<details class="map"' not in browser.get("/board?q=Makassar").text


@pytest.mark.parametrize(("query", "words"), [
    ("status=overdue", "status “overdue” tidak dikenal"),
    ("stage=bimtek_9", "tahap “bimtek_9” tidak dikenal"),
    ("sort=size", "urutan “size” tidak dikenal"),
    ("page=0", "halaman “0” tidak dikenal"),
    ("mentor=nobody@itb.ac.id", "tidak ada mentor dengan alamat nobody@itb.ac.id"),
    ("province=Atlantis", "“Atlantis” tidak dikenal"),
])
def test_a_wrong_parameter_is_a_422_saying_what_is_accepted(
        cohort: Web, query: str, words: str) -> None:
    refused = cohort.browser(cohort.world.COORDINATOR).get(f"/board?{query}")
    assert refused.status_code == 422 and words in refused.text


def test_bulk_controls_for_coordinators_read_only_for_assessors(cohort: Web) -> None:
    coordinator = cohort.browser(cohort.world.COORDINATOR).get("/board").text
    assert '<form method="post" action="/board/bulk" id="bulk"' in coordinator
    assert 'name="region" value="64.71" aria-labelledby="n-64.71">' in coordinator
    assert 'name="csrf_token"' in coordinator and 'value="remind"' in coordinator
    assessor = cohort.browser(cohort.world.ASSESSOR).get("/board").text
    assert "/board/bulk" not in assessor and 'type="checkbox" name="region"' not in assessor
    assert rows(assessor)  # the board itself is there
    admin = cohort.browser(cohort.account("admin@komdigi.go.id", admin=True)).get(
        "/board").text
    assert 'value="mentor"' in admin and 'value="remind"' not in admin  # no person to act


def test_select_all_on_this_page_ticks_every_row(cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    page = browser.get("/board?zone=WITA").text
    link = re.search(r'<a href="([^"]+)">Pilih semua di halaman ini</a>', page)
    assert link and "select=page" in link[1] and "zone=WITA" in link[1]
    ticked = browser.get(html.unescape(link[1])).text
    assert ticked.count('type="checkbox" name="region"') == 2
    assert ticked.count(" checked>") == 2
    assert "Hapus pilihan" in ticked
