"""What the API answers when it refuses: the one error body, and how each operation documents it.

Every failure of the API, whoever raises it (the domain's :class:`engine.WorkflowError`,
FastAPI's validation, Starlette's body limit, the catch-all for a bug), is answered by the
handlers of :func:`interfaces.web.app.create_app` with the same JSON body, :class:`ErrorBody`.
The schema has to say so, status by status, or a client generated from it parses FastAPI's
default ``detail: array`` and breaks on the real ``detail: string``: every operation declares
its statuses with :func:`errors`, whose entries carry the model, the reason and (for 401) the
challenge header. A body that cannot be read at all (bytes that are not UTF-8, a multipart
form without its boundary) is answered 422 like every other invalid input
(:func:`interfaces.web.problems.unreadable_body`), so 400 is never answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """The one body of every API error answer (:func:`interfaces.web.app.create_app`'s
    handlers write it), documented once so a client parses every 4xx and 5xx the same way."""

    detail: str = Field(description="What went wrong and how to put it right, in the "
                                    "request's language (?lang=, Accept-Language).")
    error: str = Field(description="The failure's type: InvalidInputError, NotFoundError, "
                                   "PermissionDenied, NotAuthenticated, HTTPError, ...")
    code: str | None = Field(description="The message's catalogue key, the same in every "
                                         "language, for a client to branch on; null for a "
                                         "sentence that has none.")
    problems: list[str] | None = Field(
        default=None, description="On a 422 refused before it reached the domain (a missing "
                                  "field, a wrong type, a body that is not JSON): each "
                                  "problem, with its field in front.")


#: Why each status is answered, as the schema says it.
WHY: dict[int, str] = {
    401: "No bearer token, or an unknown, revoked or expired one.",
    403: "The caller's role or regions do not allow this (or a cookie-authenticated call "
         "that changes something came without its X-CSRF-Token).",
    404: "Unknown region, cohort, window, submission or request.",
    409: "Stale expected_version, an action not possible in the current stage, or a "
         "condition not met; `detail` says which.",
    413: "The request body is larger than the upload limit.",
    422: "Malformed or out-of-range input, a body that is not JSON in UTF-8 (or, for an "
         "upload, not a multipart form) included: `detail` says which and how to put it "
         "right; `problems` lists each field's problem.",
    429: "Too many failed sign-ins; `detail` says how long to wait.",
    500: "An unexpected failure, logged on the server; nothing of it is shown.",
    503: "The database cannot be reached or is not set up.",
}
#: Sent with every 401: how to authenticate (RFC 9110 11.6.1).
CHALLENGE: dict[str, Any] = {"WWW-Authenticate": {
    "description": "Bearer: send 'Authorization: Bearer <token>' (POST /api/v1/tokens).",
    "required": True, "schema": {"type": "string"}}}

#: Sent with every 429: how long the client must wait (RFC 9110 10.2.3).
RETRY: dict[str, Any] = {"Retry-After": {
    "description": "Seconds to wait before trying again.", "required": True,
    "schema": {"type": "integer", "minimum": 0}}}

Responses = dict[int | str, dict[str, Any]]


def errors(*statuses: int, why: Mapping[int, str] | None = None) -> Responses:
    """The ``responses=`` entries of error ``statuses``, each with :class:`ErrorBody` and its
    reason (``why`` overrides the general one), 401 with its challenge header."""
    out: Responses = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorBody,
                                 "description": (why or {}).get(status, WHY[status])}
        if status == 401:
            entry["headers"] = CHALLENGE
        elif status == 429:
            entry["headers"] = RETRY
        out[status] = entry
    return out


#: Failures any operation may answer with, whatever it does.
ANY = errors(500, 503)
#: What a read of a region, cohort or window may answer with.
ERRORS = errors(401, 403, 404, 422, 500, 503)
#: What an action may answer with: a read's, and a conflict with the current state.
ACTION_ERRORS = {**ERRORS, **errors(409)}
#: What an operation that reads a request body adds: the body size limit.
BODY_ERRORS = errors(413, 422)
