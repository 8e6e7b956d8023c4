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
from sqlmodel import col, select

from engine.errors import NotFoundError, PermissionDenied
from engine.models import Submission, WorkflowInstance
from interfaces.web.deps import Viewer
from workflows import storage
from workflows.directory import find_region
from workflows.programme import Programme


def submission_file(prog: Programme, viewer: Viewer, region_ref: str,
                    submission_id: int) -> FileResponse:
    with prog.db.read() as session:
        region = find_region(session, region_ref)
        if not viewer.sees(region.code):
            raise PermissionDenied(f"{viewer.email} does not act for {region.code} "
                                   f"{region.name}, so cannot open its files")
        row = session.execute(
            select(Submission).join(WorkflowInstance,
                                    col(WorkflowInstance.id) == col(Submission.instance_id))
            .where(col(Submission.id) == submission_id,
                   col(WorkflowInstance.subject) == region.code)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"{region.code} has no submission {submission_id}")
    path = storage.path_of(prog.settings.upload_dir, row.sha256)
    if not path.is_file():
        raise NotFoundError(f"the file of submission {submission_id} ({row.file_name}) is "
                            "missing from the upload directory; restore it from a backup")
    return FileResponse(
        path, media_type=row.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.file_name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        })
