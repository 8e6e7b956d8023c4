"""``GET /regions/{code}/files/{submission_id}``: a submitted file, for the pages' links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from interfaces.web.deps import PageViewer, Prog
from interfaces.web.files import submission_file

router = APIRouter()

MAX_INT = 2**31 - 1  # the database's INTEGER: a larger id would fail there (500), not here


@router.get("/regions/{code}/files/{submission_id}")
def download(
    code: str, submission_id: Annotated[int, Path(ge=1, le=MAX_INT)], viewer: PageViewer,
    prog: Prog,
) -> FileResponse:
    return submission_file(prog, viewer, code, submission_id)
