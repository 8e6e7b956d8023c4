"""Indonesia's provinces and kabupaten/kota as SVG path data, projected once and kept.

The map is drawn on the server (no JavaScript, no tile server), for 514 regions at once, and
must stay light: so the shipped geometry (``data/regions_geo.json``, already simplified to
about half a pixel of a 1200 px map; MIT, see ``data/NOTICE``) is read once, projected to
pixels for one *frame* (the nation, or one province zoomed to its own box), and written as
compact path data: integer pixels, a ring's points as relative moves, consecutive points
that fall on the same pixel dropped, straight runs merged. Each frame is built once per
process (:func:`frame` is cached): a page only picks the prebuilt strings.

The projection is equirectangular (longitude scaled by the cosine of the frame's middle
latitude): Indonesia lies within 11 degrees of the equator, so it is faithful enough and
cheap. A region smaller than :data:`SMALL` pixels across in a frame (a kota on the national
map) could not be seen nor clicked, so the frame also gives its point
(``data/regency_points.csv``, a point inside the region) for a marker.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from engine import NotFoundError
from workflows.directory.reference import DATA

#: The national map's width in pixels (SVG units); its height follows from the projection.
NATIONAL_WIDTH = 1200
#: The box a province zoom is fitted into (width, height), and the region page's locator.
PROVINCE_BOX = (800, 600)
LOCATOR_BOX = (320, 240)
MARGIN = 4  # pixels left free around the drawing (room for markers and outlines)
#: A region whose drawn box is narrower and lower than this (pixels) gets a marker: on the
#: national map, and on a province's (drawn smaller than its box on a phone, so more generous).
SMALL = 5
SMALL_ZOOMED = 8

Ring = tuple[tuple[float, float], ...]  # (lng, lat) points, the first not repeated at the end
Polygon = tuple[Ring, ...]  # the outer ring, then its holes


@dataclass(frozen=True)
class Place:
    """A province or a kabupaten/kota as the geometry file has it (degrees)."""

    code: str
    name: str
    province: str  # the province's code (a province's own code for a province)
    polygons: tuple[Polygon, ...]
    point: tuple[float, float] | None  # (lng, lat) inside the region, for a marker

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of every ring and of the point."""
        lngs = [p[0] for poly in self.polygons for ring in poly for p in ring]
        lats = [p[1] for poly in self.polygons for ring in poly for p in ring]
        if self.point is not None:
            lngs.append(self.point[0])
            lats.append(self.point[1])
        return min(lngs), min(lats), max(lngs), max(lats)


@dataclass(frozen=True)
class Atlas:
    """Every province and kabupaten/kota, by code, in the order of the code lists."""

    provinces: dict[str, Place]
    regions: dict[str, Place]

    def find_province(self, ref: str) -> Place:
        """A province by code ("64") or name ("Kalimantan Timur", any case)."""
        ref = ref.strip()
        found = self.provinces.get(ref) or next(
            (p for p in self.provinces.values() if p.name.casefold() == ref.casefold()), None)
        if found is None:
            raise NotFoundError("map.unknown_province", province=ref)
        return found

    def in_province(self, code: str) -> list[Place]:
        return [r for r in self.regions.values() if r.province == code]


def _rings(geometry: dict[str, Any]) -> tuple[Polygon, ...]:
    """A GeoJSON Polygon or MultiPolygon as polygons of rings, each without its closing point."""
    coords = geometry["coordinates"]
    polygons = coords if geometry["type"] == "MultiPolygon" else [coords]
    return tuple(tuple(tuple((float(x), float(y)) for x, y in ring[:-1]) for ring in poly)
                 for poly in polygons)


@cache
def atlas() -> Atlas:
    """The shipped geometry and points, read once per process (about 50 ms)."""
    points: dict[str, tuple[float, float]] = {}
    text = (DATA / "regency_points.csv").read_text("utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        points[row["code"]] = (float(row["lng"]), float(row["lat"]))
    collection = json.loads((DATA / "regions_geo.json").read_text("utf-8"))
    provinces: dict[str, Place] = {}
    regions: dict[str, Place] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        code = props["code"]
        if props["level"] == "province":
            provinces[code] = Place(code, props["name"], code, _rings(feature["geometry"]), None)
        else:
            regions[code] = Place(code, props["name"], props["province_code"],
                                  _rings(feature["geometry"]), points.get(code))
    return Atlas(provinces, regions)


@dataclass(frozen=True)
class Projection:
    """Degrees to pixels: ``x = (lng - west) * kx``, ``y = (north - lat) * k``, plus margin."""

    west: float
    north: float
    k: float
    kx: float
    margin: int = MARGIN

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float], box: tuple[int, int | None],
            margin: int = MARGIN) -> tuple[Projection, int, int]:
        """The projection fitting ``bounds`` into ``box`` (width, height; None: free height)
        with ``margin`` pixels free around, and the frame's size in pixels."""
        west, south, east, north = bounds
        stretch = math.cos(math.radians((north + south) / 2))
        span_x = max((east - west) * stretch, 1e-6)
        span_y = max(north - south, 1e-6)
        width, height = box
        k = (width - 2 * margin) / span_x
        if height is not None:
            k = min(k, (height - 2 * margin) / span_y)
        drawn_w = math.ceil(span_x * k + 2 * margin)
        drawn_h = math.ceil(span_y * k + 2 * margin)
        return cls(west, north, k, k * stretch, margin), drawn_w, drawn_h

    def __call__(self, lng: float, lat: float) -> tuple[int, int]:
        return (round((lng - self.west) * self.kx) + self.margin,
                round((self.north - lat) * self.k) + self.margin)


def _numbers(values: Iterable[int]) -> str:
    """Numbers as SVG path data writes them shortest: a minus sign is its own separator."""
    out: list[str] = []
    for v in values:
        if out and v >= 0:
            out.append(" ")
        out.append(str(v))
    return "".join(out)


def _ring_points(ring: Ring, project: Projection) -> list[tuple[int, int]]:
    """The ring in pixels: repeated pixels dropped, points on a straight run merged."""
    pts: list[tuple[int, int]] = []
    for lng, lat in ring:
        p = project(lng, lat)
        if not pts or p != pts[-1]:
            pts.append(p)
    while len(pts) > 1 and pts[-1] == pts[0]:
        pts.pop()
    merged: list[tuple[int, int]] = []
    for p in pts:
        if len(merged) >= 2:
            (ax, ay), (bx, by) = merged[-2], merged[-1]
            cross = (bx - ax) * (p[1] - by) - (by - ay) * (p[0] - bx)
            dot = (bx - ax) * (p[0] - bx) + (by - ay) * (p[1] - by)
            if cross == 0 and dot > 0:
                merged[-1] = p
                continue
        merged.append(p)
    return merged


def path_data(polygons: Sequence[Polygon], project: Projection
              ) -> tuple[str, tuple[int, int, int, int] | None]:
    """SVG path data of the polygons (``M`` then relative ``l``, ``m`` for the next ring) and
    the pixel box (x0, y0, x1, y1) of what is drawn; ("", None) when every ring collapses."""
    parts: list[str] = []
    start: tuple[int, int] | None = None
    xs: list[int] = []
    ys: list[int] = []
    for poly in polygons:
        for ring in poly:
            pts = _ring_points(ring, project)
            if len(pts) < 3:
                continue
            x0, y0 = pts[0]
            if start is None:
                head = "M" + _numbers((x0, y0))
            else:
                head = "m" + _numbers((x0 - start[0], y0 - start[1]))
            start = (x0, y0)
            steps: list[int] = []
            for (ax, ay), (bx, by) in itertools.pairwise(pts):
                steps += (bx - ax, by - ay)
            parts.append(f"{head}l{_numbers(steps)}z")
            xs += [p[0] for p in pts]
            ys += [p[1] for p in pts]
    if not parts:
        return "", None
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Shape:
    """A place drawn in one frame: its path data and, when too small to see, a marker."""

    code: str
    name: str
    d: str  # "" when nothing is left at this scale (the marker shows it)
    marker: tuple[int, int] | None
    box: tuple[int, int, int, int] | None = None  # (x0, y0, x1, y1) of the drawn path

    def centre(self) -> tuple[int, int] | None:
        """The marker, else the middle of the drawn box (None if nothing is drawn)."""
        if self.marker is not None or self.box is None:
            return self.marker
        return (self.box[0] + self.box[2]) // 2, (self.box[1] + self.box[3]) // 2

    def size(self) -> int:
        """The larger side of the drawn box, in pixels (0 when nothing is drawn)."""
        return 0 if self.box is None else max(self.box[2] - self.box[0],
                                              self.box[3] - self.box[1])


@dataclass(frozen=True)
class Frame:
    """One map: the nation or a province, its size, provinces and regions as shapes."""

    province: str | None  # None: the whole nation
    width: int
    height: int
    provinces: tuple[Shape, ...]
    regions: tuple[Shape, ...]

    def region(self, code: str) -> Shape | None:
        return next((r for r in self.regions if r.code == code), None)

    def province_outline(self) -> str:
        """Every province's path data as one string (a single SVG path)."""
        return "".join(p.d for p in self.provinces)


def _shape(place: Place, project: Projection, small: int = 0) -> Shape:
    """The place drawn; a marker too when its drawing is under ``small`` pixels both ways."""
    d, box = path_data(place.polygons, project)
    marker = None
    if box is None or (box[2] - box[0] < small and box[3] - box[1] < small):
        anchor = place.point
        if anchor is None and box is not None:
            marker = ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)
        elif anchor is not None:
            marker = project(*anchor)
    return Shape(place.code, place.name, d, marker, box)


def _union(boxes: Iterable[tuple[float, float, float, float]]
           ) -> tuple[float, float, float, float]:
    found = list(boxes)
    return (min(b[0] for b in found), min(b[1] for b in found),
            max(b[2] for b in found), max(b[3] for b in found))


@cache
def frame(province: str | None = None, box: tuple[int, int | None] | None = None,
          margin: int = MARGIN) -> Frame:
    """The nation (``province`` None), or one province's regions fitted to ``box``.

    The national frame is :data:`NATIONAL_WIDTH` wide, a province :data:`PROVINCE_BOX`
    unless ``box`` says otherwise; ``margin`` pixels are left free around the drawing (room
    for markers). Built once per (province, box, margin): a few milliseconds for a
    province, about 40 for the nation (after :func:`atlas` has read the file). An unknown
    province is a NotFoundError.
    """
    places = atlas()
    if province is None:
        provinces = list(places.provinces.values())
        regions = list(places.regions.values())
        box = box or (NATIONAL_WIDTH, None)
        # The regions too: Kepulauan Seribu's islet lies outside Jakarta's simplified outline.
        bounds = _union(p.bounds() for p in (*provinces, *regions))
    else:
        found = places.find_province(province)
        provinces = [found]
        regions = places.in_province(found.code)
        box = box or PROVINCE_BOX
        bounds = _union(p.bounds() for p in (found, *regions))
    project, width, height = Projection.fit(bounds, box, margin)
    return Frame(None if province is None else provinces[0].code, width, height,
                 tuple(_shape(p, project) for p in provinces),
                 tuple(_shape(r, project, SMALL if province is None else SMALL_ZOOMED)
                       for r in regions))


def province_of(code: str) -> str:
    """The province code of a region code ("64.71" -> "64")."""
    return code.split(".", 1)[0]
