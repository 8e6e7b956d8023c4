"""The shipped map geometry: every province and kabupaten/kota of the code lists, projected
inside its frame, compact, with markers for regions too small to see, and province zooms
that hold only that province's regions."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from engine import NotFoundError
from workflows.directory import geography
from workflows.directory.geography import Frame

DATA = resources.files("workflows.directory") / "data"
_NUMBER = re.compile(r"-?\d+")


def _codes(name: str) -> dict[str, str]:
    rows = csv.DictReader((DATA / name).read_text("utf-8").splitlines())
    return {row["code"]: row["name"].strip() for row in rows}


def _points(d: str) -> list[tuple[int, int]]:
    """The absolute points of path data written as ``M``/``m`` then relative ``l`` runs."""
    points: list[tuple[int, int]] = []
    start = (0, 0)
    for command, body in re.findall(r"([MmlZz])([^MmlZz]*)", d):
        values = [int(v) for v in _NUMBER.findall(body)]
        pairs = list(zip(values[::2], values[1::2], strict=True))
        if command == "M":
            start = pairs[0]
            points.append(start)
        elif command == "m":
            start = (start[0] + pairs[0][0], start[1] + pairs[0][1])
            points.append(start)
        elif command == "l":
            x, y = points[-1]
            for dx, dy in pairs:
                x, y = x + dx, y + dy
                points.append((x, y))
    return points


def _inside(frame: Frame, point: tuple[int, int]) -> bool:
    return 0 <= point[0] <= frame.width and 0 <= point[1] <= frame.height


def test_every_province_and_region_of_the_code_lists_has_a_shape() -> None:
    places = geography.atlas()
    assert {c: p.name for c, p in places.provinces.items()} == _codes("provinces.csv")
    assert {c: r.name for c, r in places.regions.items()} == _codes("regencies.csv")
    assert len(places.provinces) == 38 and len(places.regions) == 514
    assert all(r.point is not None for r in places.regions.values())
    assert all(r.province == r.code.split(".")[0] for r in places.regions.values())


def test_the_national_frame_draws_all_514_regions_inside_its_view() -> None:
    frame = geography.frame()
    assert frame.width == geography.NATIONAL_WIDTH and 400 < frame.height < 500
    assert len(frame.provinces) == 38 and len(frame.regions) == 514
    for shape in (*frame.provinces, *frame.regions):
        assert shape.d or shape.marker, shape.code  # every region can be seen somehow
        assert all(_inside(frame, p) for p in _points(shape.d)), shape.code
        if shape.marker is not None:
            assert _inside(frame, shape.marker), shape.code


def test_path_data_is_compact_integers() -> None:
    frame = geography.frame()
    data = "".join(r.d for r in frame.regions)
    assert re.fullmatch(r"[Mmlz0-9 -]+", data)  # no decimals, no absolute L runs
    assert "  " not in data and " -" not in data  # a minus sign is its own separator
    # 514 regions in well under 100 KB of path data (the source is about 2 px per point).
    assert len(data) < 90_000


def test_regions_too_small_to_see_get_a_marker_at_their_point() -> None:
    frame = geography.frame()
    places = geography.atlas()
    marked = {r.code: r for r in frame.regions if r.marker is not None}
    # Kota Yogyakarta and Kota Surakarta are a few pixels wide nationally; Kepulauan Seribu's
    # islet vanishes entirely at that scale.
    assert {"34.71", "33.72", "31.01"} <= set(marked)
    assert marked["31.01"].d == ""
    for code, shape in marked.items():
        assert shape.size() < geography.SMALL, code
    # Large regions are not marked: Kabupaten Mimika, Kota Balikpapan's province neighbours.
    assert "94.04" not in marked and "64.02" not in marked
    # The marker sits at the region's point, projected like its shape.
    x, y = marked["34.71"].marker or (0, 0)
    box = frame.region("34.04")  # Sleman, Yogyakarta's northern neighbour
    assert box is not None and box.box is not None
    assert abs(x - box.centre()[0]) < 15 and abs(y - box.centre()[1]) < 15  # type: ignore[index]
    assert places.regions["34.71"].point is not None


def test_a_province_zoom_holds_only_its_own_regions_at_a_larger_scale() -> None:
    national = geography.frame()
    frame = geography.frame("64")
    places = geography.atlas()
    assert frame.province == "64"
    assert [p.code for p in frame.provinces] == ["64"]
    assert {r.code for r in frame.regions} == {
        r.code for r in places.regions.values() if r.province == "64"}
    assert frame.width <= geography.PROVINCE_BOX[0] and frame.height <= geography.PROVINCE_BOX[1]
    assert max(frame.width, frame.height) >= min(geography.PROVINCE_BOX)  # fitted to the box
    for shape in frame.regions:
        assert all(_inside(frame, p) for p in _points(shape.d)), shape.code
    balikpapan_there = national.region("64.71")
    balikpapan_here = frame.region("64.71")
    assert balikpapan_there and balikpapan_here
    assert balikpapan_here.size() >= 4 * balikpapan_there.size()


def test_jakartas_zoom_keeps_the_islet_that_lies_outside_the_province_outline() -> None:
    frame = geography.frame("31")
    seribu = frame.region("31.01")
    assert seribu is not None and (seribu.d or seribu.marker)
    centre = seribu.centre()
    assert centre is not None and _inside(frame, centre)


def test_a_province_is_found_by_code_or_name_and_an_unknown_one_is_refused() -> None:
    assert geography.frame("Kalimantan Timur").province == "64"
    assert geography.atlas().find_province("kalimantan timur").code == "64"
    with pytest.raises(NotFoundError) as refused:
        geography.frame("99")
    assert refused.value.code == "map.unknown_province"
    assert "99" in str(refused.value)


def test_frames_are_built_once() -> None:
    assert geography.frame() is geography.frame()
    assert geography.frame("64") is geography.frame("64")
    assert geography.frame("64", geography.LOCATOR_BOX) is not geography.frame("64")
