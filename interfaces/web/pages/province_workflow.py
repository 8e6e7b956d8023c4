"""``GET /provinces/{code}/workflows/{key}``: a province's own workflow (one whose
definition's subjects are provinces), with ``POST .../advance`` and ``POST .../submit``.

The same view, template and actions as a region's workflow page
(:mod:`interfaces.web.pages.region_workflow`): the subject is found by the kind the
definition declares, so the very handlers serve a province ("91", "Papua"); its people are
those bound to the province (``smartcity person add --province``) and the programme's own.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

import interfaces.web.pages.region_workflow as region_workflow

router = APIRouter()

router.add_api_route("/provinces/{code}/workflows/{key}", region_workflow.workflow_page,
                     methods=["GET"], response_class=HTMLResponse,
                     name="province_workflow_page")
router.add_api_route("/provinces/{code}/workflows/{key}/submit",
                     region_workflow.submit_document, methods=["POST"],
                     name="province_submit_document")
router.add_api_route("/provinces/{code}/workflows/{key}/advance", region_workflow.advance,
                     methods=["POST"], name="province_advance")
