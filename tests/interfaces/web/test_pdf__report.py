"""The monthly report as a PDF (``/analytics/report.pdf``): the printable page laid out by
WeasyPrint, offered from the report page; without the library the server says how to get a
PDF anyway, with 503, and every other page still works.

WeasyPrint draws with the system's Pango (Debian's libpango-1.0-0, which the browser tests'
Chromium brings along). Where it is missing the PDF test is skipped, except under
``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import re
import sys
import zlib
from typing import Any

import pytest
from webkit import Web  # type: ignore[import-not-found]

UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def database_url(sqlite_database_url: str) -> str:
    """SQLite only: what is printed does not depend on the backend."""
    return sqlite_database_url


def _streams(pdf: bytes) -> str:
    """Every compressed stream of the file, inflated: its objects and its pages' drawing."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(out)


def test_the_report_page_offers_its_pdf(web: Web) -> None:
    page = web.browser(web.world.COORDINATOR).get("/analytics/report?month=2026-01")
    assert page.status_code == 200, page.text
    assert 'href="/analytics/report.pdf?cohort=Smart+City+2026&amp;month=2026-01"' in page.text
    assert "Unduh PDF" in page.text


def test_the_report_comes_as_a_pdf_file(web: Web) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        if UNDER_CI:
            pytest.fail(f"WeasyPrint cannot run here ({exc}); .ci/run installs Pango")
        pytest.skip(f"WeasyPrint cannot run here: {exc}")
    got = web.browser(web.world.COORDINATOR).get("/analytics/report.pdf?month=2026-01")
    assert got.status_code == 200, got.text[:300]
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == (
        'attachment; filename="laporan-bulanan-smart-city-2026-2026-01.pdf"')
    assert got.content.startswith(b"%PDF-")
    inside = _streams(got.content)
    assert re.search(r"/Type\s*/Page\b", inside), "no page in the PDF"
    assert re.search(r"\bBT\b.*?\bTj|\bTJ\b", inside, re.S), "no text drawn on its pages"
    assert "/Title" in inside  # the page's <title>, in the document's information


def test_a_pdf_is_refused_to_staff_it_is_not_for(web: Web) -> None:
    got = web.browser(web.region.opd).get("/analytics/report.pdf")
    assert got.status_code == 403


def test_without_weasyprint_the_server_says_how_to_get_a_pdf(web: Web,
                                                              monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    browser = web.browser(web.world.COORDINATOR)
    got = browser.get("/analytics/report.pdf")
    assert got.status_code == 503
    assert "Simpan sebagai PDF" in got.text and "Traceback" not in got.text
    assert browser.get("/analytics/report").status_code == 200
