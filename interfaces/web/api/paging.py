"""Paging parameters and headers shared by the API's growing lists.

A list that grows with every action (a region's history, its submissions) takes ``limit``
(default 50, at most 200) and ``cursor`` (the opaque token of :mod:`interfaces.web.cursors`,
from the previous page). The next page's token comes back as ``X-Next-Cursor`` and as a
``Link: <...>; rel="next"`` header (RFC 8288) on every such list, and also as ``next_cursor``
in the body of those answered with an envelope; a bare JSON list stays a bare list, so a
client written before paging still reads the first page unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response

from workflows.reporting.paging import DEFAULT_LIMIT, MAX_LIMIT

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT,
                             description=f"Rows per page (at most {MAX_LIMIT}).")]
Cursor = Annotated[str | None, Query(
    max_length=200, pattern=r"^[A-Za-z0-9_-]*$",
    description="The next_cursor (or X-Next-Cursor header) of the previous page; omit it for "
                "the first page.")]

#: How the headers are described in the schema.
PAGED: dict[int | str, dict[str, Any]] = {200: {"headers": {
    "X-Next-Cursor": {"description": "The cursor of the next page; absent on the last page.",
                      "schema": {"type": "string"}},
    "Link": {"description": 'The next page\'s URL, as <...>; rel="next"; absent on the last '
                            "page.", "schema": {"type": "string"}},
}}}

__all__ = ["DEFAULT_LIMIT", "PAGED", "Cursor", "Limit", "next_headers"]


def next_headers(request: Request, response: Response, token: str | None) -> None:
    """Announce the next page on ``response`` (nothing on the last page)."""
    if token is None:
        return
    response.headers["X-Next-Cursor"] = token
    url = request.url.include_query_params(cursor=token)
    response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
