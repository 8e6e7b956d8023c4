"""``GET /map/geometry.svg`` and ``GET /map/geometry/<province>.svg``: the maps' shapes, once.

The cohort map of the overview and the board (:func:`interfaces.web.map_svg.cohort_map`)
carries no path data: it ``<use>``-s each region's ``<path id="r-6471">`` from these
documents. So a browser fetches a frame's geometry once and keeps it (``Cache-Control:
public, max-age=86400``), then revalidates it with its ETag (a 304, no body), instead of
receiving 170 KB of path data with every page and every change of filter.

The documents are public: they are the shipped reference geometry of Indonesia's regions
(MIT, ``workflows/directory/data/NOTICE``) and say nothing about the programme, so the
maps' images need no session (a cache or a page opened after signing out can use them).
Each is built once per process (:func:`interfaces.web.map_svg.geometry`); the pages address
them with ``?v=`` and the document's hash, which this view ignores.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from interfaces.web.map_svg import Geometry, geometry

router = APIRouter()

MEDIA_TYPE = "image/svg+xml"
#: A day: the pages reference a versioned address, so a kept copy is never stale for them.
CACHE_CONTROL = "public, max-age=86400"


def _matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison, as RFC 9110 asks:
    a ``W/`` prefix, which a compressing proxy may add, does not count), or is ``*``."""
    if not header:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in (t.removeprefix("W/") for t in tags)


def _answer(request: Request, found: Geometry) -> Response:
    # Weak: the gzip-compressed and the plain bytes share the tag (RFC 9110 8.8.1).
    headers = {"ETag": f"W/{found.etag}", "Cache-Control": CACHE_CONTROL}
    if _matches(request.headers.get("if-none-match"), found.etag):
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=MEDIA_TYPE, headers=headers)


@router.get("/map/geometry.svg")
def national_geometry(request: Request) -> Response:
    """Every province and kabupaten/kota on the national map's frame."""
    return _answer(request, geometry())


@router.get("/map/geometry/{province}.svg")
def province_geometry(request: Request, province: str) -> Response:
    """One province's kabupaten/kota on its zoomed frame; an unknown province is a 404 with
    the sentence that says how to name one (``map.unknown_province``)."""
    return _answer(request, geometry(province))
