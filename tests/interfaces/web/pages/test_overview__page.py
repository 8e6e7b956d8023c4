"""The programme overview: the cohort on the map of Indonesia for coordinators, assessors and
administrators, coloured by status or stage, zoomed into a province, with counts that lead to
the filtered board; in a fixed number of queries."""

from __future__ import annotations

import gzip
import re
from typing import Any

from webkit import Web  # type: ignore[import-not-found]
from worldkit import World  # type: ignore[import-not-found]

from workflows.directory import geography

SAMARINDA, BANDUNG, JAYAPURA = "64.72", "32.73", "91.71"


def map_links(html: str) -> set[str]:
    """The region codes linked from the map (inside its svg)."""
    svg = html.split('<svg xmlns="http://www.w3.org/2000/svg" id="map"', 1)[1].split(
        "</svg>", 1)[0]
    return set(re.findall(r'<a href="/regions/([0-9.]+)">', svg))


def test_a_coordinator_sees_the_cohort_on_the_national_map(web: Web) -> None:
    world = web.world
    world.region(SAMARINDA, opds=())
    world.region(JAYAPURA, opds=())
    world.drive(web.region, "bimtek_2")  # Balikpapan: on time, the others have no deadline
    page = web.browser(world.COORDINATOR).get("/overview")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Ikhtisar program: Smart City 2026</h1>" in html
    assert map_links(html) == {web.region.code, SAMARINDA, JAYAPURA}
    assert 'role="group"' in html and "Peta daerah kohort menurut status tenggat" in html
    assert "Kota Balikpapan (64.71): " in html and " · tepat waktu</title>" in html
    # The counts per status lead to the board filtered to them.
    assert re.search(r'href="/board\?cohort=Smart\+City\+2026&amp;status=ok">tepat waktu: '
                     r"<strong>1</strong>", html)
    assert re.search(r'href="/board\?cohort=Smart\+City\+2026&amp;status=none">tanpa tenggat: '
                     r"<strong>2</strong>", html)
    assert re.search(r'href="/board\?cohort=Smart\+City\+2026&amp;stage=bimtek_2">'
                     r"[^<]+: <strong>1</strong>", html)
    # Every province is offered for a zoom, with how many cohort regions lie in it.
    provinces = re.findall(r'<a href="/overview\?cohort=Smart\+City\+2026&amp;colour=status'
                           r'&amp;province=(\d+)"[^>]*>([^<]+)</a> <span class="n">\((\d+)\)',
                           html)
    assert len(provinces) == 38
    assert ("64", "Kalimantan Timur", "2") in provinces and ("32", "Jawa Barat", "0") in provinces
    assert "3 dari 3 daerah kohort di peta ini" in html


def test_a_province_zoom_shows_only_its_regions_and_leads_back(web: Web) -> None:
    world = web.world
    world.region(SAMARINDA, opds=())
    world.region(BANDUNG, opds=())
    browser = web.browser(world.COORDINATOR)
    page = browser.get("/overview?province=64&lang=en")
    assert page.status_code == 200
    html = page.text
    assert map_links(html) == {web.region.code, SAMARINDA}
    assert "Province: Kalimantan Timur" in html
    assert 'href="/overview?cohort=Smart+City+2026&amp;colour=status">← Back to the national' \
        in html
    frame = geography.frame("64")
    assert f'viewBox="0 0 {frame.width} {frame.height}"' in html
    # Counts are the province's, and lead to the board filtered to the province too.
    assert re.search(r'href="/board\?cohort=Smart\+City\+2026&amp;province=64&amp;status=none">'
                     r"no deadline: <strong>2</strong>", html)
    assert "2 of 3 cohort regions on this map" in html
    by_name = browser.get("/overview?province=Kalimantan+Timur&lang=en")
    assert by_name.status_code == 200 and map_links(by_name.text) == map_links(html)


def test_colour_by_stage(web: Web) -> None:
    world = web.world
    world.region(SAMARINDA, opds=())
    world.drive(web.region, "mou")
    page = web.browser(world.COORDINATOR).get("/overview?colour=stage&lang=en")
    assert page.status_code == 200
    html = page.text
    assert "Cohort regions by stage" in html
    assert re.search(r'<a href="/overview\?cohort=Smart\+City\+2026&amp;colour=stage" '
                     r'aria-current="true">stage</a>', html)
    # Two regions in two stages: two differently filled groups of links.
    fills = re.findall(r'<g fill="(#[0-9a-f]{6})" stroke="#ffffff"', html)
    assert len(fills) == 2 and len(set(fills)) == 2
    assert "Legend: current stage" in html


def test_an_unknown_province_or_colouring_is_refused_with_a_sentence(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    unknown = browser.get("/overview?province=99&lang=en")
    assert unknown.status_code == 404
    assert "unknown province “99”: pick one of the provinces listed on the overview page" in \
        unknown.text
    indonesian = browser.get("/overview?province=Atlantis&lang=id")
    assert indonesian.status_code == 404 and "provinsi “Atlantis” tidak dikenal" in \
        indonesian.text
    colour = browser.get("/overview?colour=rainbow&lang=en")
    assert colour.status_code == 422
    assert "unknown map colouring “rainbow”: pick one of status, stage" in colour.text


def test_only_staff_see_the_overview(web: Web) -> None:
    assert web.browser(web.world.ASSESSOR).get("/overview").status_code == 200
    admin = web.browser(web.account("admin@komdigi.go.id", admin=True))
    assert admin.get("/overview").status_code == 200
    refused = web.browser(web.region.opd).get("/overview?lang=en")
    assert refused.status_code == 403
    assert "/regions/64.71" in refused.text  # where to go instead
    anonymous = web.anonymous().get("/overview", follow_redirects=False)
    assert anonymous.status_code == 303


def test_no_cohort_yet_says_so(prog: Any, tmp_path: Any) -> None:
    world = World(prog, tmp_path / "in")
    world.seed_people()
    web = Web(world, None)
    page = web.browser(world.COORDINATOR).get("/overview?lang=en")
    assert page.status_code == 200 and "No cohorts yet" in page.text


def test_names_are_escaped(web: Web) -> None:
    from workflows.directory import cohorts

    cohorts.create_cohort(web.prog, "<script>alert(1)</script>", 2030)
    page = web.browser(web.world.COORDINATOR).get("/overview")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_page_costs_the_same_queries_for_one_region_as_for_four(web: Web) -> None:
    web.world.drive(web.region, "bimtek_1")  # an open deadline (the menu's counts read it)
    browser = web.browser(web.world.COORDINATOR)
    browser.get("/overview")  # warm: the definition's text and the geometry, once

    def queries() -> int:
        with web.world.statements() as seen:
            assert browser.get("/overview").status_code == 200
        return len(seen)

    one = queries()
    added = [web.world.region(code, opds=()) for code in (SAMARINDA, BANDUNG, JAYAPURA)]
    web.world.drive(added[0], "mou")
    assert queries() == one


def test_the_map_references_the_geometry_served_once_instead_of_inlining_it(web: Web) -> None:
    web.world.region(SAMARINDA, opds=())
    browser = web.browser(web.world.COORDINATOR)
    for path, frame in (("/overview", geography.frame()),
                        ("/overview?province=64", geography.frame("64"))):
        html = browser.get(path).text
        refs = re.findall(r'<use href="(/map/geometry[^"#]*)#([^"]+)"/></a>', html)
        assert sorted(ref for _, ref in refs) == ["r-6471", "r-6472"]
        assert all(r.d not in html for r in frame.regions if len(r.d) > 12)  # no path data
        # The address the page uses serves the shapes it names, to anyone, kept for a day.
        document = web.anonymous().get(refs[0][0])
        assert document.status_code == 200
        assert document.headers["cache-control"] == "public, max-age=86400"
        assert all(f'<path id="{ref}" d="'.encode() in document.content for _, ref in refs)


def test_the_national_map_of_514_regions_keeps_the_page_light(web: Web) -> None:
    from workflows.directory import cohorts

    others = [c for c in geography.atlas().regions if c != web.region.code]
    cohorts.add_members(web.prog, web.world.COHORT, others)
    browser = web.browser(web.world.COORDINATOR)
    for path in ("/overview", "/overview?colour=stage"):
        page = browser.get(path)
        assert page.status_code == 200 and len(map_links(page.text)) == 514
        # Measured: 107-111 KB raw, 12.3-12.5 KB gzipped; with the 514 regions' path data
        # inline it was 185 KB and 47 KB (bench/national.py's cohort).
        assert len(page.content) < 130_000, path
        assert len(gzip.compress(page.content)) < 16_000, path
