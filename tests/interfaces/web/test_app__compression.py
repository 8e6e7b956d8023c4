"""Lean responses (interfaces/web/lean.py): pages, JSON and exports gzip-compressed for a client
that accepts it; stored documents (already compressed) and partial downloads left alone;
static files with cache headers, answered 304 to a conditional GET."""

from __future__ import annotations

import gzip
import hashlib

from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]

from engine.models import Submission
from interfaces.web import lean
from workflows.master_plan import uploads

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}


def raw_body(client: object, url: str, headers: dict[str, str]) -> tuple[object, bytes]:
    """The response and its bytes as sent (httpx would otherwise decode them)."""
    with client.stream("GET", url, headers=headers) as response:  # type: ignore[attr-defined]
        return response, b"".join(response.iter_raw())


def open_static(name: str) -> bytes:
    from interfaces.web.app import HERE

    return (HERE / "static" / name).read_bytes()


def test_a_page_and_the_api_are_gzipped_for_a_client_that_accepts_it(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    response, sent = raw_body(browser, f"/regions/{web.region.code}", GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert int(response.headers["content-length"]) == len(sent)
    page = gzip.decompress(sent)
    assert page.startswith(b"<!doctype html>") and b"<svg" in page  # the diagram, inline
    assert len(sent) < len(page) / 3

    plain, body = raw_body(browser, f"/regions/{web.region.code}", PLAIN)
    assert "content-encoding" not in plain.headers and body.startswith(b"<!doctype html>")

    api = web.api(web.world.COORDINATOR)
    answer, sent = raw_body(api, f"/api/v1/regions/{web.region.code}", GZIP)
    assert answer.headers["content-encoding"] == "gzip"
    assert gzip.decompress(sent).startswith(b'{"code":"64.71"')


def test_small_answers_go_uncompressed(web: Web) -> None:
    response, sent = raw_body(web.anonymous(), "/api/v1/regions/64.71", GZIP)
    assert response.status_code == 401 and len(sent) < lean.MINIMUM_SIZE
    assert "content-encoding" not in response.headers


def test_exports_and_calendar_feeds_stay_attachments_when_compressed(web: Web) -> None:
    browser = web.browser(web.world.COORDINATOR)
    url = f"/coordinator/export/regions/{web.region.code}/history.csv"
    response, sent = raw_body(browser, url, GZIP)
    plain, body = raw_body(browser, url, PLAIN)
    assert response.headers["content-disposition"] == plain.headers["content-disposition"]
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    if len(body) >= lean.MINIMUM_SIZE:
        assert response.headers["content-encoding"] == "gzip" and gzip.decompress(sent) == body
    assert body.startswith(b"\xef\xbb\xbf")
    calendar = web.api(web.world.COORDINATOR).get(
        f"/api/v1/regions/{web.region.code}/calendar.ics", headers=GZIP)
    assert calendar.status_code == 200 and calendar.text.startswith("BEGIN:VCALENDAR")


def test_stored_documents_and_partial_downloads_are_sent_as_stored(web: Web) -> None:
    r = web.region
    web.world.drive(r, "mentor_review")
    with web.prog.db.read() as session:
        plan = session.execute(select(Submission).where(
            col(Submission.deliverable) == "quick_win_plan")).scalars().one()
    # A larger document than the test's tiny PDF, so size alone would not skip compression.
    stored = uploads.path_of(web.prog.settings.upload_dir, plan.sha256)
    content = b"%PDF-1.4\n" + b"0 0 obj << /Length 0 >> endobj\n" * 200 + b"%%EOF\n"
    stored.write_bytes(content)
    mentor = web.browser(r.mentor)
    url = f"/regions/{r.code}/files/{plan.id}"
    response, sent = raw_body(mentor, url, GZIP)
    assert response.status_code == 200 and "content-encoding" not in response.headers
    assert hashlib.sha256(sent).digest() == hashlib.sha256(content).digest()
    part, piece = raw_body(mentor, url, {**GZIP, "Range": "bytes=0-7"})
    assert part.status_code == 206 and piece == b"%PDF-1.4"
    assert "content-encoding" not in part.headers
    assert "application/pdf" in lean.STORED_TYPES and "text/csv" not in lean.STORED_TYPES


def test_static_files_are_cached_and_revalidated_with_304(web: Web) -> None:
    client = web.anonymous()
    first, sent = raw_body(client, "/static/app.css", GZIP)
    assert first.status_code == 200
    assert first.headers["cache-control"] == f"public, max-age={lean.STATIC_MAX_AGE}"
    assert first.headers["content-encoding"] == "gzip"  # text, over the minimum size
    assert gzip.decompress(sent) == open_static("app.css")
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    again = client.get("/static/app.css", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == f"public, max-age={lean.STATIC_MAX_AGE}"
    since = client.get("/static/app.css", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    changed = client.get("/static/app.css", headers={"If-None-Match": '"not-the-etag"'})
    assert changed.status_code == 200 and changed.content
