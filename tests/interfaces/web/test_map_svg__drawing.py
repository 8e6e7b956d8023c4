"""The cohort map as SVG: each status with its colour and its own pattern and marker shape,
cohort regions as titled links, everything else neutral, every text escaped, province zooms,
stage colouring, the region locator, and the weight of a national map of 514 regions; the
shapes are referenced from the frame's geometry document, never inlined."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from interfaces.web.map_svg import (
    LAND,
    TONE_COLOURS,
    TONES,
    cohort_map,
    geometry,
    region_locator,
    shape_id,
    stage_colours,
)
from workflows.directory import geography
from workflows.reporting.deadlines import LATE, NONE, OK, SOON

SVG = "{http://www.w3.org/2000/svg}"
BALIKPAPAN, SAMARINDA, YOGYAKARTA, MIMIKA, BANDUNG = "64.71", "64.72", "34.71", "94.04", "32.73"


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    state: str
    stage: str
    tone: str


def item(code: str, tone: str = OK, state: str = "bimtek_2", stage: str = "Bimtek 2") -> Item:
    return Item(code, geography.atlas().regions[code].name, state, stage, tone)


def parsed(markup: str) -> ET.Element:
    """The map as XML (it must be well formed: it is inlined in HTML and read as SVG)."""
    return ET.fromstring(markup)


def shape_ref(code: str, province: str | None = None) -> str:
    """What a region's ``<use>`` points at: its path in the frame's geometry document."""
    return f"{geometry(province).href}#{shape_id(code)}"


def links(root: ET.Element) -> dict[str, list[tuple[str, str, ET.Element]]]:
    """href -> [(group fill, title, drawn child)] of every link in the map."""
    found: dict[str, list[tuple[str, str, ET.Element]]] = {}
    for group in root.iter(f"{SVG}g"):
        for a in group.findall(f"{SVG}a"):
            title = a.find(f"{SVG}title")
            drawn = [c for c in a if c.tag != f"{SVG}title"]
            assert title is not None and title.text and len(drawn) == 1
            found.setdefault(a.get("href") or "", []).append(
                (group.get("fill") or "", title.text, drawn[0]))
    return found


def test_each_status_has_its_colour_and_a_pattern_or_a_plain_fill() -> None:
    items = [item(BALIKPAPAN, LATE), item(SAMARINDA, SOON), item(MIMIKA, OK),
             item(BANDUNG, NONE)]
    markup = str(cohort_map(items, lang="en"))
    root = parsed(markup)
    found = links(root)
    assert found["/regions/64.71"][0][0] == "url(#map-late)"
    assert found["/regions/64.72"][0][0] == "url(#map-soon)"
    assert found["/regions/94.04"][0][0] == TONE_COLOURS[OK]
    assert found["/regions/32.73"][0][0] == "url(#map-none)"
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    assert set(patterns) == {"map-late", "map-soon", "map-none"}
    # Each pattern lies on its status's colour, with a mark of its own: stripes, dots, lines.
    for tone, mark in ((LATE, "rect"), (SOON, "circle"), (NONE, "rect")):
        ground, *marks = list(patterns[f"map-{tone}"])
        assert ground.get("fill") == TONE_COLOURS[tone] and marks[0].tag == f"{SVG}{mark}"
    assert patterns["map-late"].get("patternTransform") == "rotate(45)"  # hatched, not lined


def test_regions_too_small_to_see_are_marked_with_a_shape_per_status() -> None:
    markup = str(cohort_map([item(YOGYAKARTA, LATE), item("33.72", SOON),
                             item("35.71", OK), item("31.01", NONE)], lang="en"))
    found = links(parsed(markup))
    kinds = {}
    for href, entries in found.items():
        uses = [e for e in entries if (e[2].get("href") or "").startswith("#map-m-")]
        assert len(uses) == 1, href
        kinds[href] = uses[0][2].get("href")
        assert uses[0][0] == TONE_COLOURS[{"/regions/34.71": LATE, "/regions/33.72": SOON,
                                           "/regions/35.71": OK,
                                           "/regions/31.01": NONE}[href]]
    assert kinds == {"/regions/34.71": "#map-m-late", "/regions/33.72": "#map-m-soon",
                     "/regions/35.71": "#map-m-ok", "/regions/31.01": "#map-m-none"}
    # The four shapes differ (square, triangle, circle, diamond), not only their colours.
    root = parsed(markup)
    shapes = {e.get("id"): (e.tag, e.get("d")) for e in root.iter()
              if (e.get("id") or "").startswith("map-m-")}
    assert len({shapes[f"map-m-{t}"] for t in TONES}) == 4
    # The legend shows each status's pattern and marker beside its name and count.
    legend = root.find("figcaption/ul")
    assert legend is not None
    texts = ["".join(li.itertext()).strip() for li in legend]
    assert texts == ["overdue: 1", "due soon: 1", "on time: 1", "no deadline: 1",
                     "not in the cohort"]
    assert 'fill="url(#map-late)"' in markup.split("<figcaption>")[1]
    assert 'href="#map-m-soon"' in markup.split("<figcaption>")[1]


def test_cohort_regions_are_links_with_their_name_stage_and_status_as_title() -> None:
    markup = str(cohort_map([item(BALIKPAPAN, LATE, "bimtek_2", "Bimtek 2")], lang="en"))
    root = parsed(markup)
    found = links(root)
    assert list(found) == ["/regions/64.71"]
    _, title, drawn = found["/regions/64.71"][0]
    assert title == "Kota Balikpapan (64.71): Bimtek 2 · overdue"
    assert drawn.tag == f"{SVG}use" and drawn.get("href") == shape_ref(BALIKPAPAN)
    assert drawn.get("href") == f"/map/geometry.svg?v={geometry().href[-12:]}#r-6471"
    indonesian = str(cohort_map([item(BALIKPAPAN, LATE)], lang="id"))
    assert "Kota Balikpapan (64.71): Bimtek 2 · terlambat" in indonesian
    custom = str(cohort_map([item(BALIKPAPAN)], href=lambda c: f"/board?q={c}&x=1"))
    assert 'href="/board?q=64.71&amp;x=1"' in custom


def test_regions_outside_the_cohort_are_drawn_neutral_without_links() -> None:
    markup = str(cohort_map([item(BALIKPAPAN, LATE)], lang="en"))
    root = parsed(markup)
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    src = geometry().href
    layers = [(u.get("href"), u.get("fill")) for u in svg.findall(f"{SVG}use")]
    # Provinces underneath (land), every region neutral over them in one element however
    # few the cohort (the cohort's own are drawn over theirs), the outlines on top.
    assert layers == [(f"{src}#pv", LAND), (f"{src}#rg", LAND), (f"{src}#pv", "none")]
    assert markup.count("<a ") == 1
    assert len(markup) < 4_000  # the 513 others cost nothing


def test_every_text_is_escaped() -> None:
    evil = Item(BALIKPAPAN, '<script>alert("x")</script>', "s", 'Stage & "quotes" <b>', LATE)
    markup = str(cohort_map([evil], stages=[("s", "<i>stage</i>")], colour="stage",
                            href=lambda c: f'/x?"><script>{c}', lang="en"))
    assert "<script>" not in markup and "<b>" not in markup and "<i>" not in markup
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in markup
    assert "&lt;i&gt;stage&lt;/i&gt;" in markup
    parsed(markup)  # still well formed


def test_the_map_is_a_named_group_with_a_description_that_counts() -> None:
    items = [item(BALIKPAPAN, LATE), item(SAMARINDA, LATE), item(MIMIKA, OK)]
    root = parsed(str(cohort_map(items, lang="en")))
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    assert svg.get("role") == "group"
    assert svg.get("aria-labelledby") == "map-title" and svg.get("aria-describedby") == "map-desc"
    height = geography.frame().height
    assert svg.get("width") == "100%" and svg.get("viewBox") == f"0 0 1200 {height}"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Cohort regions by deadline status"
    assert desc is not None and desc.text and desc.text.startswith(
        "3 cohort regions on the map: 2 overdue, 0 due soon, 1 on time, 0 without a deadline.")


def test_colour_by_stage_uses_one_palette_colour_per_stage_in_order() -> None:
    stages = [("assessment", "Assessment"), ("mou", "MoU"), ("bimtek_2", "Bimtek 2")]
    items = [item(BALIKPAPAN, LATE, "assessment", "Assessment"),
             item(SAMARINDA, OK, "bimtek_2", "Bimtek 2"), item(MIMIKA, OK, "bimtek_2", "Bimtek 2")]
    markup = str(cohort_map(items, colour="stage", stages=stages, lang="en"))
    palette = stage_colours(3)
    assert len(set(palette)) == 3
    found = links(parsed(markup))
    assert found["/regions/64.71"][0][0] == palette[0]
    assert found["/regions/64.72"][0][0] == found["/regions/94.04"][0][0] == palette[2]
    assert "Cohort regions by stage" in markup
    assert "by stage: Assessment 1, Bimtek 2 2." in markup
    legend = markup.split("<figcaption>")[1]
    assert re.findall(r"</svg> ([^<:]+): <strong>(\d+)", legend) == [
        ("Assessment", "1"), ("MoU", "0"), ("Bimtek 2", "2")]
    # A state the given stages lack (an older definition) is appended, not dropped.
    odd = str(cohort_map([item(BANDUNG, OK, "old", "Old stage")], colour="stage",
                         stages=stages, lang="en"))
    assert "Old stage: <strong>1</strong>" in odd


def test_a_province_zoom_draws_only_that_provinces_regions() -> None:
    items = [item(BALIKPAPAN, LATE), item(MIMIKA, OK)]
    markup = str(cohort_map(items, province="64", lang="en"))
    root = parsed(markup)
    assert list(links(root)) == ["/regions/64.71"]  # Mimika is in Papua Tengah
    frame = geography.frame("64")
    svg = root.find(f"{SVG}svg")
    assert svg is not None and svg.get("viewBox") == f"0 0 {frame.width} {frame.height}"
    assert "Cohort regions by deadline status: Kalimantan Timur" in markup
    assert "1 cohort regions on the map: 1 overdue" in markup
    assert frame.region(MIMIKA) is None


def test_two_maps_on_one_page_have_their_own_ids() -> None:
    markup = str(cohort_map([item(BALIKPAPAN, LATE)], ident="board map"))
    assert 'id="board-map"' in markup and 'fill="url(#board-map-late)"' in markup
    assert 'id="map-' not in markup


def test_the_map_carries_no_path_data_only_references_to_the_geometry() -> None:
    items = [item(code, LATE) for code in geography.atlas().regions]
    for province in (None, "64"):
        markup = str(cohort_map(items, province=province, lang="en"))
        svg = parsed(markup).find(f"{SVG}svg")
        assert svg is not None
        # The only path data left is the markers' shapes, in <defs>.
        defs = svg.find(f"{SVG}defs")
        assert defs is not None
        assert [e for e in svg.iter(f"{SVG}path") if e not in list(defs)] == []
        frame = geography.frame(province)
        assert all(r.d not in markup for r in frame.regions if len(r.d) > 12)
        # Each cohort region uses its own shape from the frame's document, which has it.
        shapes = [u.get("href") or "" for a in svg.iter(f"{SVG}a")
                  for u in a.iter(f"{SVG}use") if not (u.get("href") or "").startswith("#")]
        assert sorted(shapes) == sorted(shape_ref(r.code, province)
                                        for r in frame.regions if r.d)
        document = geometry(province).body.decode()
        assert all(f'id="{s.rsplit("#", 1)[1]}"' in document for s in shapes)


def test_the_national_map_of_514_regions_stays_light() -> None:
    tones = list(TONES)
    items = [item(code, tones[i % 4], f"s{i % 16}", f"Stage {i % 16}")
             for i, code in enumerate(geography.atlas().regions)]
    for colour in ("status", "stage"):
        markup = str(cohort_map(items, colour=colour, lang="id")).encode()
        # Measured: 87-92 KB raw, 11.3-11.7 KB gzipped (Indonesian titles, 514 links and
        # the markers'), about 165 bytes a region, 20 gzipped. With the path data inline it
        # was 170 KB and 43 KB; now the geometry document is fetched once and kept.
        assert len(markup) < 100_000, colour
        assert len(gzip.compress(markup)) < 14_000, colour
        assert markup.count(b"<a ") == 514 + sum(
            1 for r in geography.frame().regions if r.d and r.marker)
    province = str(cohort_map(items, province="32", lang="id")).encode()
    assert len(gzip.compress(province)) < 2_500  # measured 1.6 KB (27 regions)


def test_the_region_locator_highlights_the_region_in_its_province() -> None:
    markup = str(region_locator(BALIKPAPAN, lang="en"))
    root = parsed(markup)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "locator-title"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == (
        "Where Kota Balikpapan lies in Kalimantan Timur")
    frame = geography.frame("64", geography.LOCATOR_BOX, 20)
    shape = frame.region(BALIKPAPAN)
    assert shape is not None
    highlighted = [p for p in root.findall(f"{SVG}path") if p.get("d") == shape.d]
    assert len(highlighted) == 1 and highlighted[0].get("fill") != LAND
    # A kota a few pixels wide is ringed so it can be found at a glance.
    assert "<circle" in markup
    tiny = str(region_locator("31.01", lang="en"))
    assert "<circle" in tiny and "Kepulauan Seribu" in tiny
    assert str(region_locator("99.99")) == ""
