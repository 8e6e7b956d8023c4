"""The cohort's regions on a map of Indonesia, drawn as inline SVG on the server.

A coordinator watching 514 regions needs to see where the programme stands across the
archipelago, on a slow connection and without JavaScript. So the map is one ``<svg>`` over
shapes prepared once per process (:mod:`workflows.directory.geography`): provinces
underneath in a neutral fill (the regencies leave small gaps that must still read as land)
with their outlines on top, regions outside the cohort neutral too, and each cohort region a
link to its page, coloured by its deadline status or by its stage.

The shapes themselves are not in the page: each frame's path data is one static SVG
document (:func:`geometry`, served by ``interfaces/web/pages/map_geometry.py`` with an ETag
and a day's Cache-Control), every region a ``<path id="r-6471">`` with no fill nor stroke of
its own, and the map ``<use>``-s them (``/map/geometry.svg?v=...#r-6471``), the colour set
on the ``<use>``'s group and inherited. A browser fetches the geometry once and keeps it, so
a page of 514 regions carries only its links, titles and colours, and a filter change
re-sends no path data. ``?v=`` is the document's hash: a deployment with other geometry
changes the address, never leaving a kept copy that no longer matches the page.

Colour is never the only cue: each status also has a fill pattern (hatched when late, dotted
when due soon, lined when without a deadline, plain when on time; defined in the page, they
fill the used shapes) and, for a region too small to see at the scale (a kota on the
national map), a marker of its own shape. Every region's ``<title>`` says its name, stage and
status; the ``<desc>`` counts them; the legend under the map writes each status with its
count. The ``<svg>`` holds links, so it is a named ``group`` rather than an ``img`` (whose
children a screen reader would not reach).

It scales to its container (``viewBox``, ``width="100%"``). The national map of a full
514-region cohort is about 90 KB of markup, 11 KB gzipped (inlining the path data, it was
170 KB and 43 KB; the geometry document is 116 KB, 33 KB gzipped, fetched once and kept),
and takes 2 ms to write; tests/interfaces/web/test_map_svg__drawing.py keeps the bounds. The
region page's small locator is a frame of its own and light: it keeps its path data inline.
Every text is escaped here; the result is :class:`markupsafe.Markup`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from markupsafe import Markup, escape

from config.messages import text
from workflows.directory import geography
from workflows.reporting.deadlines import LATE, NONE, OK, SOON

TONES = (LATE, SOON, OK, NONE)  # the legend's order: most urgent first
#: Each status's solid colour (markers, and the ground of its pattern).
TONE_COLOURS = {LATE: "#c62828", SOON: "#f9a825", OK: "#2e7d32", NONE: "#90a4ae"}
LAND = "#e3e3dd"  # provinces and regions outside the cohort
OUTLINE = "#5f5f5f"  # province borders
BORDER = "#ffffff"  # borders between regions
HIGHLIGHT = "#0b5cad"  # the region on its locator
#: The stage palette (viridis): early stages dark purple, the last ones yellow; sequential,
#: because the stages are an order, and readable for the common colour blindnesses.
VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779",
           "#6ece58", "#b5de2b", "#fde725")
MARKER = 5  # a marker's half size, in the frame's pixels
LOCATOR_RING = 20  # a region drawn smaller than this on its locator is ringed
GEOMETRY_PATH = "/map/geometry"  # + ".svg" (the nation) or "/<province code>.svg"
PROVINCES_ID = "pv"  # the geometry's group of every province (land, and outlines on top)
REGIONS_ID = "rg"  # the geometry's group of every region (the neutral layer under the cohort)


class MapItem(Protocol):
    """A cohort region as the map needs it (``workflows.reporting.board.BoardRow`` is one)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def tone(self) -> str: ...


def stage_colours(count: int) -> list[str]:
    """``count`` colours along the palette, in order (interpolated between its anchors)."""
    if count <= 1:
        return [VIRIDIS[0]] * count
    out = []
    for i in range(count):
        at = i * (len(VIRIDIS) - 1) / (count - 1)
        lo = min(int(at), len(VIRIDIS) - 2)
        frac = at - lo
        a, b = VIRIDIS[lo], VIRIDIS[lo + 1]
        rgb = [round(int(a[j:j + 2], 16) * (1 - frac) + int(b[j:j + 2], 16) * frac)
               for j in (1, 3, 5)]
        out.append("#" + "".join(f"{c:02x}" for c in rgb))
    return out


def shape_id(code: str) -> str:
    """The id of a region's path in the geometry document: "64.71" -> "r-6471"."""
    return "r-" + code.replace(".", "")


@dataclass(frozen=True)
class Geometry:
    """One frame's shapes as a standalone SVG document, and how to address it."""

    province: str | None  # the province's code; None for the nation
    body: bytes
    etag: str  # strong: the body's hash, quoted
    href: str  # the versioned address the maps reference ("/map/geometry.svg?v=...")


def geometry(province: str | None = None) -> Geometry:
    """The geometry of the nation (``province`` None) or of a province (code or name); an
    unknown province is a NotFoundError (``map.unknown_province``)."""
    code = None if province is None else geography.atlas().find_province(province).code
    return _geometry(code)


@cache
def _geometry(code: str | None) -> Geometry:
    """Built once per process and frame (about 10 ms for the nation): the same bytes, so the
    same ETag, for as long as the process serves them."""
    frame = geography.frame(code)
    provinces = "".join(f'<path id="p-{p.code}" d="{p.d}"/>' for p in frame.provinces)
    # Every region of the frame, even one with nothing left at this scale (its marker, drawn
    # in the page, shows it): no fill nor stroke here, the referencing <use> decides them.
    regions = "".join(f'<path id="{shape_id(r.code)}" d="{r.d}"/>' for r in frame.regions)
    # Opened on its own it still reads as a map: the groups' fills are not used by <use>.
    body = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} '
            f'{frame.height}" width="{frame.width}" height="{frame.height}">'
            "<style>path{vector-effect:non-scaling-stroke}</style>"
            f'<g fill="{LAND}"><g id="{PROVINCES_ID}">{provinces}</g></g>'
            f'<g fill="{LAND}" stroke="{BORDER}" stroke-width=".5"><g id="{REGIONS_ID}">'
            f"{regions}</g></g>"
            f'<use href="#{PROVINCES_ID}" fill="none" stroke="{OUTLINE}"/></svg>\n'
            ).encode()
    digest = hashlib.sha256(body).hexdigest()
    path = GEOMETRY_PATH + (f"/{code}.svg" if code else ".svg")
    return Geometry(code, body, f'"{digest[:32]}"', f"{path}?v={digest[:12]}")


def _defs(p: str) -> str:
    """Patterns for the statuses and marker shapes (centred on 0,0), ids prefixed ``p``."""
    late, soon, none = TONE_COLOURS[LATE], TONE_COLOURS[SOON], TONE_COLOURS[NONE]
    m = MARKER
    return (
        "<defs>"
        f'<pattern id="{p}-late" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{late}"/>'
        '<rect width="2" height="6" fill="#fff"/></pattern>'
        f'<pattern id="{p}-soon" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="{soon}"/>'
        '<circle cx="2.5" cy="2.5" r="1.2" fill="#4e342e"/></pattern>'
        f'<pattern id="{p}-none" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="{none}"/>'
        '<rect y="3" width="5" height="1.2" fill="#fff"/></pattern>'
        f'<circle id="{p}-m-ok" r="{m}"/>'
        f'<path id="{p}-m-soon" d="M0-{m + 1} {m + 1} {m}H-{m + 1}z"/>'
        f'<path id="{p}-m-late" d="M-{m}-{m}h{2 * m}v{2 * m}h-{2 * m}z"/>'
        f'<path id="{p}-m-none" d="M0-{m + 1} {m + 1} 0 0 {m + 1}-{m + 1} 0z"/>'
        f'<circle id="{p}-m-stage" r="{m}"/>'
        "</defs>")


def _style(p: str) -> str:
    # Scoped by the svg's id: a region under the pointer or the keyboard focus is outlined
    # (the stroke is inherited by the used shape). That borders keep their width in screen
    # pixels whatever the scale is the geometry document's own rule: a page's style sheet
    # does not reach into the shapes a <use> clones, the referenced document's does.
    return f"<style>#{p} a:hover>*,#{p} a:focus>*{{stroke:#000;stroke-width:2.5}}</style>"


def _tone_fill(p: str, tone: str) -> str:
    return TONE_COLOURS[OK] if tone == OK else f"url(#{p}-{tone})"


def _ident(ident: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]+", "-", ident) or "map"


def _ordered_stages(items: Sequence[MapItem], stages: Sequence[tuple[str, str]]
                    ) -> list[tuple[str, str]]:
    """The given stages, then any state of the items they lack, in order of appearance."""
    out = list(stages)
    known = {s for s, _ in out}
    for item in items:
        if item.state not in known:
            known.add(item.state)
            out.append((item.state, item.stage))
    return out


def _swatch(fill: str, marker: str | None, marker_fill: str) -> str:
    use = (f'<use href="#{marker}" x="25" y="8" fill="{marker_fill}" stroke="#000" '
           'stroke-width=".8"/>') if marker else ""
    return ('<svg class="swatch" width="34" height="16" viewBox="0 0 34 16" aria-hidden="true" '
            f'focusable="false"><rect x=".5" y=".5" width="17" height="15" fill="{fill}" '
            f'stroke="{OUTLINE}"/>{use}</svg>')


def cohort_map(items: Iterable[MapItem], *, colour: str = "status",
               province: str | None = None, stages: Sequence[tuple[str, str]] = (),
               href: Callable[[str], str] = lambda code: f"/regions/{code}",
               lang: str | None = None, ident: str = "map") -> Markup:
    """The cohort's regions on the map of Indonesia (or of ``province``, a code), coloured by
    deadline status (``colour="status"``) or by stage (``"stage"``, in the order of
    ``stages``), each a link (``href(code)``) with its name, stage and status as title;
    regions outside ``items`` neutral. ``ident`` prefixes the ids (two maps on one page).
    An unknown province is a NotFoundError (``map.unknown_province``)."""
    p = _ident(ident)
    frame = geography.frame(province)
    src = geometry(frame.province).href
    drawn = {r.code: r for r in frame.regions}
    chosen = [i for i in items if i.code in drawn]
    by_stage = colour == "stage"
    order = _ordered_stages(chosen, stages)
    palette = dict(zip([s for s, _ in order], stage_colours(len(order)), strict=True))
    tone_name = {t: text(f"map.tone.{t}", lang) for t in TONES}

    def title(item: MapItem) -> str:
        return text("map.region_title", lang, name=item.name, code=item.code,
                    stage=item.stage, tone=tone_name.get(item.tone, item.tone))

    groups: dict[str, list[str]] = {}
    markers: dict[str, list[str]] = {}
    for item in chosen:
        shape = drawn[item.code]
        key = item.state if by_stage else item.tone
        link = f'<a href="{escape(href(item.code))}"><title>{escape(title(item))}</title>'
        if shape.d:
            groups.setdefault(key, []).append(
                f'{link}<use href="{src}#{shape_id(shape.code)}"/></a>')
        if shape.marker is not None:
            kind = "stage" if by_stage else key
            x, y = shape.marker
            markers.setdefault(key, []).append(
                f'{link}<use href="#{p}-m-{kind}" x="{x}" y="{y}"/></a>')

    def fill(key: str) -> str:
        return palette.get(key, LAND) if by_stage else _tone_fill(p, key)

    def marker_fill(key: str) -> str:
        return palette.get(key, LAND) if by_stage else TONE_COLOURS.get(key, LAND)

    keys = [s for s, _ in order] if by_stage else list(TONES)
    counts = Counter(i.state if by_stage else i.tone for i in chosen)
    place = frame.provinces[0].name if province else None
    heading = text("map.title.stage", lang) if by_stage else text("map.title.status", lang)
    if place:
        heading = text("map.title.province", lang, title=heading, province=place)
    if by_stage:
        listed = ", ".join(f"{label} {counts[s]}" for s, label in order if counts[s])
        desc = text("map.desc.stage", lang, count=len(chosen), stages=listed or "–")
    else:
        desc = text("map.desc.status", lang, count=len(chosen),
                    **{t: counts.get(t, 0) for t in TONES})
    out = [
        f'<figure class="cohort-map"><svg xmlns="http://www.w3.org/2000/svg" id="{p}" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="100%" role="group" '
        f'aria-labelledby="{p}-title" aria-describedby="{p}-desc">',
        f'<title id="{p}-title">{escape(heading)}</title>',
        f'<desc id="{p}-desc">{escape(desc)}</desc>',
        _style(p), _defs(p),
        f'<use href="{src}#{PROVINCES_ID}" fill="{LAND}"/>',
        # Every region neutral, in one element whatever the cohort: the cohort's are drawn
        # over their own (the same shapes), the others stay as they are.
        f'<use href="{src}#{REGIONS_ID}" fill="{LAND}" stroke="{BORDER}" stroke-width=".5"/>',
    ]
    for key in keys:
        if key in groups:
            out.append(f'<g fill="{fill(key)}" stroke="{BORDER}" stroke-width=".5">'
                       + "".join(groups[key]) + "</g>")
    out.append(f'<use href="{src}#{PROVINCES_ID}" fill="none" stroke="{OUTLINE}" '
               'stroke-width="1" pointer-events="none"/>')
    for key in keys:
        if key in markers:
            out.append(f'<g fill="{marker_fill(key)}" stroke="#000" stroke-width="1">'
                       + "".join(markers[key]) + "</g>")
    out.append("</svg>")
    out.append(_legend(p, by_stage, order if by_stage else [(t, tone_name[t]) for t in TONES],
                       counts, palette, lang))
    out.append("</figure>")
    return Markup("".join(out))


def _legend(p: str, by_stage: bool, entries: Sequence[tuple[str, str]], counts: Counter[str],
            palette: dict[str, str], lang: str | None) -> str:
    """The legend under the map: a swatch (pattern and marker shape) and a count per entry."""
    rows = []
    for key, label in entries:
        if by_stage:
            swatch = _swatch(palette[key], f"{p}-m-stage", palette[key])
        else:
            swatch = _swatch(_tone_fill(p, key), f"{p}-m-{key}", TONE_COLOURS[key])
        rows.append(f"<li>{swatch} "
                    f"{escape(label)}: <strong>{counts[key]}</strong></li>")
    rows.append(f"<li>{_swatch(LAND, None, LAND)} {escape(text('map.outside', lang))}</li>")
    caption = text("map.legend.stage" if by_stage else "map.legend.status", lang)
    return (f'<figcaption><span class="map-legend-title">{escape(caption)}</span>'
            f'<ul class="map-legend">{"".join(rows)}</ul>'
            f'<span class="hint">{escape(text("map.small_note", lang))}</span></figcaption>')


def region_locator(code: str, lang: str | None = None, ident: str = "locator") -> Markup:
    """A small map of the region's province with the region filled (and marked, when too
    small to see); empty when the code has no geometry."""
    places = geography.atlas()
    region = places.regions.get(code)
    if region is None:
        return Markup("")
    p = _ident(ident)
    frame = geography.frame(region.province, geography.LOCATOR_BOX, LOCATOR_RING)
    shape = frame.region(code)
    others = "".join(r.d for r in frame.regions if r.code != code)
    province = places.provinces[region.province].name
    label = text("map.locator", lang, region=region.name, province=province)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="region-locator" id="{p}" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" '
        f'height="{frame.height}" role="img" aria-labelledby="{p}-title">',
        f'<title id="{p}-title">{escape(label)}</title>',
        f"<style>#{p}{{max-width:100%;height:auto}}#{p} path{{vector-effect:non-scaling-stroke}}"
        "</style>",
        f'<path d="{frame.province_outline()}" fill="{LAND}" stroke="{OUTLINE}"/>',
    ]
    if others:
        out.append(f'<path d="{others}" fill="{LAND}" stroke="{BORDER}" stroke-width=".75"/>')
    if shape is not None and shape.d:
        out.append(f'<path d="{shape.d}" fill="{HIGHLIGHT}" stroke="#000" stroke-width="1"/>')
    centre = shape.centre() if shape is not None else None
    if shape is not None and centre is not None and shape.size() < LOCATOR_RING:
        # Too small to find at a glance: a ring around it (and a dot, if nothing is drawn).
        if not shape.d:
            out.append(f'<circle cx="{centre[0]}" cy="{centre[1]}" r="3" fill="{HIGHLIGHT}"/>')
        out.append(f'<circle cx="{centre[0]}" cy="{centre[1]}" r="{shape.size() // 2 + 6}" '
                   f'fill="none" stroke="{HIGHLIGHT}" stroke-width="2.5"/>')
    out.append("</svg>")
    return Markup("".join(out))
