"""``GET /api/v1/regions/{region}/submissions/{id}/file``: a submitted file's bytes.

The file is served under the media type it was stored with (from its extension, which the
upload check made sure the content matches: :mod:`workflows.master_plan.signatures`), so the
schema lists every type an upload can have rather than ``application/octet-stream``; the
listing of a region's submissions gives each one's id and this URL. Starlette's
:class:`~fastapi.responses.FileResponse` answers a ``Range`` request with 206 (or 416 past the
end of the file); a malformed ``Range`` header is ignored and the whole file sent, as RFC 9110
(14.2) allows, instead of Starlette's bare English 400.
"""

from __future__ import annotations

import mimetypes
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse
from starlette.responses import MalformedRangeHeader

from interfaces.web.api.common import MAX_INT, RegionPath
from interfaces.web.api.errors import errors
from interfaces.web.deps import ApiViewer, Prog
from interfaces.web.files import submission_file
from workflows.master_plan.signatures import EXPECTED

router = APIRouter(tags=["submissions"])

#: Every type a stored file is served as: what each accepted extension maps to, and the
#: fallback for a name the platform's type table does not know.
MEDIA_TYPES = sorted({mimetypes.guess_type(f"file{ext}")[0] or "application/octet-stream"
                      for ext in EXPECTED} | {"application/octet-stream"})
_BYTES: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
_FILE_HEADERS: dict[str, Any] = {
    "Content-Disposition": {"description": "attachment; filename*=UTF-8''<the file's name>",
                            "required": True, "schema": {"type": "string"}},
    "ETag": {"description": "The file's version, for If-Range.", "schema": {"type": "string"}},
    "Accept-Ranges": {"description": "bytes: a Range request is answered with 206.",
                      "schema": {"type": "string"}},
}
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file, as an attachment, under its own media type.",
          "content": dict.fromkeys(MEDIA_TYPES, _BYTES), "headers": _FILE_HEADERS},
    206: {"description": "The part a Range header asked for (several parts: "
                         "multipart/byteranges).",
          "content": {**dict.fromkeys(MEDIA_TYPES, _BYTES), "multipart/byteranges": _BYTES},
          "headers": {**_FILE_HEADERS, "Content-Range": {
              "description": "bytes <first>-<last>/<size> (a single part).",
              "schema": {"type": "string"}}}},
    416: {"description": "The Range asked for starts past the end of the file.",
          "headers": {"Content-Range": {"description": "bytes */<size>", "required": True,
                                        "schema": {"type": "string"}}}},
    **errors(401, 403, 404, 422, 500, 503, why={
        403: "You do not act for this region.",
        404: "No such region or submission, or the file is missing from the upload "
             "directory."}),
}


class Download(FileResponse):
    """A stored file that ignores a malformed ``Range`` header (RFC 9110 14.2)."""

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list[tuple[int, int]]:
        try:
            return super()._parse_range_header(http_range, file_size)
        except MalformedRangeHeader:
            return []  # no range: the whole file


@router.get("/regions/{region}/submissions/{submission_id}/file", name="submission_file",
            response_class=Download, responses=DOWNLOAD)
def download(
    region: RegionPath,
    submission_id: Annotated[int, Path(ge=1, le=MAX_INT, description="The submission's id.")],
    viewer: ApiViewer, prog: Prog,
) -> Download:
    """Download one submitted version (regions you act for; programme-wide roles: all); its
    id and this URL are in GET /regions/{region}/submissions."""
    found = submission_file(prog, viewer, region, submission_id)
    return Download(found.path, media_type=found.media_type, headers=dict(found.headers))
