"""The editions page: two editions of the evaluation side by side.

For each edition the instrument it froze (parts and weights, scale, dimensions), its windows
and returns, and the programme-wide means of the index and of the index per dimension, each
computed with that edition's own weights (:mod:`workflows.evaluation.comparison`). Rows that
differ between the two are marked in words as well as in colour. Coordinators, assessors and
administrators read it; editions are created with ``smartcity evaluation edition create``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from engine import PermissionDenied
from interfaces.web.deps import PageViewer, Prog, role_named
from interfaces.web.templating import render
from workflows import roles
from workflows.evaluation import PARTS
from workflows.evaluation.comparison import differences, edition_figures
from workflows.evaluation.editions import all_editions, find_edition

router = APIRouter()

EDITIONS_ROLES = frozenset({roles.COORDINATOR, roles.ASSESSOR, "admin"})
Key = Annotated[str | None, Query(max_length=40, pattern=r"^[^\x00]*$")]


def chosen_keys(known: list[str], a: str | None, b: str | None) -> list[str]:
    """The two editions asked for; by default the newest two (the newest on the right); an
    edition asked for twice, or the only one, shown once."""
    if b is None:
        b = known[-1] if known else None
    if a is None:
        a = next((k for k in reversed(known) if k != b), None)
    return [k for i, k in enumerate((a, b)) if k is not None and k not in (a, b)[:i]]


@router.get("/evaluation/editions")
def editions_page(request: Request, viewer: PageViewer, prog: Prog, a: Key = None,
                  b: Key = None) -> Response:
    """Two editions side by side: instrument, weights, scale, dimensions, windows, returns
    and the index per dimension as each edition computed it; differences marked."""
    if viewer.role not in EDITIONS_ROLES:
        raise PermissionDenied("editions.staff_only", who=viewer.email,
                               role=role_named(viewer))
    with prog.db.read() as session:
        known = [e.key for e in all_editions(session)]
        keys = chosen_keys(known, a.strip() if a else None, b.strip() if b else None)
        for key in keys:
            find_edition(session, key)  # an unknown key: 404 naming the known ones
    figures = edition_figures(prog, keys)
    editions = [f.edition for f in figures]
    differ = differences(editions[0], editions[1]) if len(editions) == 2 else set()
    parts = [p for p in PARTS if any(p in e.weights for e in editions)]
    dimensions: dict[str, str] = {}
    for e in editions:
        for d in e.instrument.dimensions.dimensions:
            dimensions.setdefault(d.code, str(d.label))
    for f in figures:
        for code in f.per_dimension:
            dimensions.setdefault(code, code)
    dim_differ = {code for code in dimensions if len(figures) == 2 and (
        figures[0].per_dimension.get(code) != figures[1].per_dimension.get(code))}
    return render(request, "evaluation_editions.html", viewer, known=known, keys=keys,
                  figures=figures, differ=differ, parts=parts, dimensions=dimensions,
                  dim_differ=dim_differ,
                  index_differs=len(figures) == 2
                  and figures[0].index_mean != figures[1].index_mean)
