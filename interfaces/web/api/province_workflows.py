"""A province's own workflows: ``/provinces/{province}/...``, the region workflow endpoints
again for a workflow whose subjects are provinces (``subject: {kind: province}``).

Since 2023 provinces take part as "conductors" of their kabupaten/kota and may run a
programme of their own. Nothing here is new behaviour: each operation is the very handler of
its ``/regions/{region}/...`` twin (start in :mod:`interfaces.web.api.region_workflows`;
history, actions, advance and submissions with ``?workflow=KEY`` in
:mod:`interfaces.web.api.regions`), which finds the subject by the kind the workflow's
definition declares, so the path names the province by code ("91") or name ("Papua"):

* ``POST /provinces/{province}/workflows/{key}``: start it (a coordinator of the province,
  or of the programme);
* ``GET /provinces/{province}/actions?workflow=KEY``, ``POST .../advance?workflow=KEY``,
  ``POST .../submissions?workflow=KEY``, ``GET .../history?workflow=KEY``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

import interfaces.web.api.region_workflows as region_workflows
import interfaces.web.api.regions as regions

router = APIRouter(tags=["provinces"])

#: The region operations that work on any workflow's subject, by method and path.
SHARED = {
    ("POST", "/regions/{region}/workflows/{key}"),
    ("GET", "/regions/{region}/history"),
    ("GET", "/regions/{region}/actions"),
    ("POST", "/regions/{region}/advance"),
    ("POST", "/regions/{region}/submissions"),
}


def _twin(route: APIRoute) -> None:
    """``route`` again under ``/provinces/`` (the path parameter keeps the handler's name)."""
    router.add_api_route(
        route.path.replace("/regions/{region}", "/provinces/{region}", 1), route.endpoint,
        methods=sorted(route.methods or ()), response_model=route.response_model,
        status_code=route.status_code, responses=route.responses,
        name=f"province_{route.name}", summary=route.summary,
        description=(route.description or "").replace("region", "province"))


for _route in [*region_workflows.router.routes, *regions.router.routes]:
    if isinstance(_route, APIRoute) and any((m, _route.path) in SHARED
                                            for m in _route.methods or ()):
        _twin(_route)
