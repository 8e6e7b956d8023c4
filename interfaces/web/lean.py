"""Lean responses: compressed text, and static files a browser keeps and revalidates.

* Pages (HTML), the API (JSON), inline and standalone SVG, CSS and the CSV and calendar
  exports are gzip-compressed when the client accepts it and the body is over
  :data:`MINIMUM_SIZE` bytes (a 514-region board: 144 KB raw, about 16 KB sent). Starlette's
  own middleware does it, so there is no extra dependency; brotli would save a few more
  percent on HTML, but needs a compiled package for a gain the pages' size budget (100 KB
  compressed) does not need.
* Uploaded documents (PDF, Office and OpenDocument files, images) are already compressed:
  compressing them again costs CPU for nothing, so their types are left alone
  (:data:`STORED_TYPES`). Range requests (206) and pathsend responses are never touched by
  the middleware, so resumable downloads keep working.
* Static files carry ``Cache-Control: public, max-age=...`` besides the (weak) ETag and
  Last-Modified that Starlette's StaticFiles sets; a conditional GET (If-None-Match or
  If-Modified-Since) is answered 304 with no body. Their names carry no version, so the age
  is an hour: a deployment's new stylesheet reaches every browser within it.
"""

from __future__ import annotations

import mimetypes
import os

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from workflows.master_plan import uploads

#: Bodies smaller than this go as they are (the gzip header would eat the gain).
MINIMUM_SIZE = 500
#: zlib level 6: nearly level 9's size at a third of its time, for a page built per request.
LEVEL = 6
#: How long a browser keeps a static file before asking again (it then gets a 304).
STATIC_MAX_AGE = 3600
STATIC_CACHE = f"public, max-age={STATIC_MAX_AGE}"

#: Media types of stored uploads that are compressed formats already (CSV is text: compressed).
STORED_TYPES = tuple(sorted({
    found for suffix in uploads.ALLOWED if suffix != ".csv"
    if (found := mimetypes.guess_type(f"file{suffix}")[0]) is not None
} | {"application/octet-stream", "application/pdf"}))
EXCLUDED_TYPES = (*DEFAULT_EXCLUDED_CONTENT_TYPES, *STORED_TYPES)


class CachedStaticFiles(StaticFiles):
    """StaticFiles whose answers (200 and 304 alike) say how long to keep them."""

    def file_response(self, full_path: PathLike, stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = STATIC_CACHE
        etag = response.headers.get("etag")
        if etag and not etag.startswith("W/"):
            # Weak: the same tag names the plain and the gzip-compressed bytes, which are
            # equivalent but not byte-identical (RFC 9110 8.8.1). A conditional GET still
            # matches, since weak comparison ignores the prefix.
            response.headers["ETag"] = f"W/{etag}"
        return response
