"""``GET /regions/{code}/files/{submission_id}``: a submitted file, for the pages' links."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from interfaces.web.deps import PageViewer, Prog
from interfaces.web.files import submission_file

router = APIRouter()


@router.get("/regions/{code}/files/{submission_id}")
def download(code: str, submission_id: int, viewer: PageViewer, prog: Prog) -> FileResponse:
    return submission_file(prog, viewer, code, submission_id)
