"""Downloading a submitted file, for whoever may see its region.

Whoever acts for the file's region may download it: its mentors (the plan they review), its
head, and every OPD of the region, not only the one that submitted the version (the OPDs of
a region work on the same plan). Programme-wide roles may download every region's files.
Scope comes from the directory as for every other read. The file is sent as an attachment
under its cleaned stored name with ``nosniff``, so a browser never renders an upload inline
as a page of this site.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import FileResponse

from engine import PermissionDenied
from interfaces.web.deps import Viewer
from workflows.directory.subjects import find_any
from workflows.programme import Programme
from workflows.reporting.submissions import stored_file


def submission_file(prog: Programme, viewer: Viewer, region_ref: str,
                    submission_id: int) -> FileResponse:
    with prog.db.read() as session:
        region = find_any(session, region_ref)  # a province's own workflow's files too
        if not viewer.sees(region.code):
            raise PermissionDenied("web.files_not_yours", who=viewer.email,
                                   region=region.code, name=region.name)
        found = stored_file(prog, session, region.code, submission_id)
    return FileResponse(
        found.path, media_type=found.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.file_name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        })
