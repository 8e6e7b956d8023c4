"""The maps' geometry, served once and kept: ``/map/geometry.svg`` (the nation) and
``/map/geometry/<province>.svg``, an SVG document of every region's path by id (without a
fill or stroke of its own), public, cacheable for a day, with a weak ETag that a
conditional GET answers with 304; an unknown province is a 404 with a sentence."""

from __future__ import annotations

import gzip
import hashlib
import re
import xml.etree.ElementTree as ET

from webkit import Web  # type: ignore[import-not-found]

from interfaces.web.map_svg import geometry
from workflows.directory import geography

SVG = "{http://www.w3.org/2000/svg}"


def region_paths(body: bytes) -> dict[str, ET.Element]:
    """id -> path of every region (``r-...``) in a geometry document."""
    root = ET.fromstring(body)
    assert root.tag == f"{SVG}svg"
    return {p.get("id") or "": p for p in root.iter(f"{SVG}path")
            if (p.get("id") or "").startswith("r-")}


def test_the_national_geometry_holds_every_region_by_id_without_colours(web: Web) -> None:
    answer = web.anonymous().get("/map/geometry.svg")  # public: no session needed
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.headers["cache-control"] == "public, max-age=86400"
    frame = geography.frame()
    paths = region_paths(answer.content)
    assert set(paths) == {"r-" + code.replace(".", "") for code in geography.atlas().regions}
    assert len(paths) == 514
    assert paths["r-6471"].get("d") == frame.region("64.71").d  # type: ignore[union-attr]
    # No fill nor stroke on a shape: the <use> that references it decides, by inheritance.
    assert all(p.get("fill") is None and p.get("stroke") is None and p.get("style") is None
               for p in paths.values())
    root = ET.fromstring(answer.content)
    assert root.get("viewBox") == f"0 0 {frame.width} {frame.height}"
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    assert set(groups) == {"pv", "rg"}  # the provinces' land and outlines, every region
    assert [p.get("id") for p in groups["pv"]] == [f"p-{p.code}" for p in frame.provinces]
    assert groups["pv"].get("fill") is None and groups["rg"].get("fill") is None
    # Borders keep their width whatever the zoom: the document's own rule does it (a page's
    # style sheet does not reach into the shapes its <use> elements clone).
    assert b"<style>path{vector-effect:non-scaling-stroke}</style>" in answer.content


def test_a_province_file_holds_only_its_regions_on_its_own_frame(web: Web) -> None:
    answer = web.anonymous().get("/map/geometry/64.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    frame = geography.frame("64")
    assert set(region_paths(answer.content)) == {
        "r-" + r.code.replace(".", "") for r in frame.regions}
    assert all(r.code.startswith("64.") for r in frame.regions) and len(frame.regions) == 10
    assert f'viewBox="0 0 {frame.width} {frame.height}"'.encode() in answer.content
    assert answer.content == geometry("64").body == geometry("Kalimantan Timur").body


def test_the_etag_is_the_hash_of_the_bytes_and_stable(web: Web) -> None:
    client = web.anonymous()
    first = client.get("/map/geometry.svg", headers={"Accept-Encoding": "gzip"})
    again = client.get("/map/geometry.svg?v=anything")  # the pages' version is not read
    etag = first.headers["etag"]
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', etag)  # weak: plain and gzip share it
    assert etag == again.headers["etag"] and first.content == again.content
    digest = hashlib.sha256(first.content).hexdigest()
    assert etag == f'W/"{digest[:32]}"'
    # The pages address the same bytes, versioned by the same hash.
    assert geometry().href == f"/map/geometry.svg?v={digest[:12]}"
    assert first.headers["content-encoding"] == "gzip"  # sent compressed: 116 KB -> 33 KB
    assert len(gzip.compress(first.content)) < 40_000
    province = client.get("/map/geometry/33.svg")
    assert province.headers["etag"] != etag


def test_a_conditional_get_is_answered_304_without_a_body(web: Web) -> None:
    client = web.anonymous()
    for path in ("/map/geometry.svg", "/map/geometry/33.svg"):
        etag = client.get(path).headers["etag"]
        strong = etag.removeprefix("W/")  # a client may send the tag either way
        for sent in (etag, strong, f'"other", {etag}', "*"):
            kept = client.get(path, headers={"If-None-Match": sent})
            assert kept.status_code == 304 and kept.content == b"", (path, sent)
            assert kept.headers["etag"] == etag
            assert kept.headers["cache-control"] == "public, max-age=86400"
        changed = client.get(path, headers={"If-None-Match": '"not-the-etag"'})
        assert changed.status_code == 200 and changed.content


def test_an_unknown_province_is_a_404_with_a_sentence(web: Web) -> None:
    client = web.anonymous()
    unknown = client.get("/map/geometry/99.svg?lang=en")
    assert unknown.status_code == 404
    assert "unknown province “99”: pick one of the provinces listed on the overview page" in \
        unknown.text
    indonesian = client.get("/map/geometry/Atlantis.svg?lang=id")
    assert indonesian.status_code == 404 and "provinsi “Atlantis” tidak dikenal" in \
        indonesian.text
    assert client.get("/map/geometry/64.png").status_code == 404
