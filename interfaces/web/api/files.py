"""``GET /api/v1/regions/{region}/submissions/{id}/file``: a submitted file's bytes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from interfaces.web.api.common import MAX_INT
from interfaces.web.deps import ApiViewer, Prog
from interfaces.web.files import submission_file

router = APIRouter(tags=["submissions"])


@router.get("/regions/{region}/submissions/{submission_id}/file",
            response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}},
                             "description": "The file, as an attachment."},
                       403: {"description": "You do not act for this region."},
                       404: {"description": "No such region, submission or file."}})
def download(
    region: str,
    submission_id: Annotated[int, Path(ge=1, le=MAX_INT, description="The submission's id.")],
    viewer: ApiViewer, prog: Prog,
) -> FileResponse:
    """Download one submitted version (regions you act for; programme-wide roles: all)."""
    return submission_file(prog, viewer, region, submission_id)
