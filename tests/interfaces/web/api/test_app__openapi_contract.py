"""The OpenAPI schema says what the API does: the error body it really sends (``detail`` a
string, never FastAPI's ``HTTPValidationError``), the statuses and headers of every operation,
the real media types of a downloaded file, and the ids a client needs to download a listed
submission; and the two answers that used to escape it (a body that cannot be read, a
malformed ``Range`` header) now keep to it.

The fuzzing of test_app__openapi_fuzz.py checks what a generated request gets back against
the schema; these are the promises read from the schema itself, and the cases a fuzzer does
not reliably reach."""

from __future__ import annotations

from typing import Any

import pytest
from webkit import Web  # type: ignore[import-not-found]

from config.settings import Settings
from interfaces.web.app import create_app
from workflows.programme import Programme

ERROR = "#/components/schemas/ErrorBody"
FILE = "/api/v1/regions/{region}/submissions/{submission_id}/file"
METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    prog = Programme(Settings(database_url="sqlite:///:memory:"))
    try:
        return create_app(prog).openapi()
    finally:
        prog.close()


def operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, ops in spec["paths"].items()
            for method, op in ops.items() if method in METHODS]


def test_no_operation_documents_fastapis_validation_error(spec: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert "ValidationError" not in spec["components"]["schemas"]
    assert "HTTPValidationError" not in str(spec["paths"])


def test_every_operation_documents_its_errors_with_the_one_error_body(
        spec: dict[str, Any]) -> None:
    body = spec["components"]["schemas"]["ErrorBody"]
    assert body["properties"]["detail"]["type"] == "string"
    assert set(body["required"]) == {"detail", "error", "code"}
    assert "problems" in body["properties"]
    for label, op in operations(spec):
        responses = op["responses"]
        assert {"401", "422", "500", "503"} <= set(responses), label
        assert "400" not in responses, label  # an unreadable body is a 422 like the rest
        for status, answer in responses.items():
            if int(status) < 400 or (label == f"GET {FILE}" and status == "416"):
                continue
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR}, (label, status)
        assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True, label


def test_writes_document_the_body_limit_and_conflicts(spec: dict[str, Any]) -> None:
    for label, op in operations(spec):
        if "requestBody" in op:
            assert "413" in op["responses"], label
    advance = spec["paths"]["/api/v1/regions/{region}/advance"]["post"]["responses"]
    assert "409" in advance
    accounts = spec["paths"]["/api/v1/accounts"]
    assert "403" in accounts["get"]["responses"] and "403" in accounts["post"]["responses"]
    sign_in = spec["paths"]["/api/v1/tokens"]["post"]["responses"]
    assert sign_in["429"]["headers"]["Retry-After"]["required"] is True


def test_a_files_download_lists_the_types_it_is_served_as(spec: dict[str, Any]) -> None:
    responses = spec["paths"][FILE]["get"]["responses"]
    types = set(responses["200"]["content"])
    assert {"application/pdf", "image/png", "image/jpeg", "text/csv",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= types
    assert all(c["schema"] == {"type": "string", "format": "binary"}
               for c in responses["200"]["content"].values())
    assert "Content-Disposition" in responses["200"]["headers"]
    assert "Content-Range" in responses["206"]["headers"]
    assert "416" in responses


def test_a_listed_submission_carries_its_id_and_download_url(spec: dict[str, Any]) -> None:
    item = spec["components"]["schemas"]["SubmissionOut"]
    assert {"id", "file_url", "size_bytes"} <= set(item["required"])
    listing = spec["paths"]["/api/v1/regions/{region}/submissions"]["get"]["responses"]["200"]
    assert listing["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/SubmissionOut"}
    assert {"X-Next-Cursor", "Link"} <= set(listing["headers"])


def test_a_body_that_cannot_be_read_is_refused_as_invalid_input(web: Web) -> None:
    r = web.region
    api = web.api(web.world.COORDINATOR)
    not_utf8 = api.post(f"/api/v1/regions/{r.code}/advance", content=b"\xff\xfe{",
                        headers={"Content-Type": "application/json"})
    no_boundary = api.post(f"/api/v1/regions/{r.code}/submissions", content=b"garbage",
                           headers={"Content-Type": "multipart/form-data"})
    for answer in (not_utf8, no_boundary):
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["error"] == "InvalidInputError" and body["code"] == "web.invalid_request"
        assert body["problems"] == [body["detail"]]
        assert "UTF-8" in body["detail"] and "multipart" in body["detail"]
    indonesian = web.api(web.world.COORDINATOR, lang=None).post(
        f"/api/v1/regions/{r.code}/advance", content=b"\xff", headers={
            "Content-Type": "application/json"})
    assert indonesian.json()["detail"].startswith("isi permintaan tidak dapat dibaca")


def test_a_listed_submission_downloads_by_its_id_as_its_own_type(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    opd = web.api(r.opd)
    pdf = b"%PDF-1.4\n% contract test\n%%EOF\n"
    made = opd.post(f"/api/v1/regions/{r.code}/submissions", data={
        "deliverable": "questionnaire"}, files={"file": ("kuesioner.pdf", pdf, "application/pdf")})
    assert made.status_code == 201, made.text
    [listed] = [s for s in opd.get(f"/api/v1/regions/{r.code}/submissions").json()
                if s["deliverable"] == "questionnaire"]
    assert listed["file_url"] == f"/api/v1/regions/{r.code}/submissions/{listed['id']}/file"
    assert listed["size_bytes"] == len(pdf)
    whole = opd.get(listed["file_url"])
    assert whole.status_code == 200 and whole.content == pdf
    assert whole.headers["content-type"] == "application/pdf"
    part = opd.get(listed["file_url"], headers={"Range": "bytes=0-7"})
    assert part.status_code == 206 and part.content == pdf[:8]
    assert part.headers["content-range"] == f"bytes 0-7/{len(pdf)}"
    # A malformed Range is ignored (RFC 9110 14.2): the whole file, not a bare English 400.
    for malformed in ("pages=1", "bytes=5-2", "bytes"):
        ignored = opd.get(listed["file_url"], headers={"Range": malformed})
        assert ignored.status_code == 200 and ignored.content == pdf, malformed
    past_end = opd.get(listed["file_url"], headers={"Range": f"bytes={len(pdf) + 10}-"})
    assert past_end.status_code == 416
    assert past_end.headers["content-range"] == f"bytes */{len(pdf)}"
