"""A printable page as a PDF, through WeasyPrint: the monthly report the ministry files.

The PDF is the very page a browser prints (the same template, its print stylesheet, the
charts as the same inline SVG), laid out by WeasyPrint, the well-kept HTML-to-PDF library
that needs no browser. It reads only the project's own stylesheets, from disk: every other
address a page names (there should be none) is refused, so rendering never reaches the
network.

WeasyPrint draws text with the system's Pango library (Debian: ``libpango-1.0-0``, which
Chromium brings along). A server without it still serves every page; asking it for a PDF
answers 503 with a sentence that says so and points to the browser's "Save as PDF".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from engine import WorkflowError

STATIC = Path(__file__).resolve().parent / "static"
#: The address the page's links are read against; nothing is ever fetched from it.
BASE_URL = "http://smartcity.invalid/"


class PdfUnavailable(WorkflowError):
    """WeasyPrint (or the Pango library under it) is not installed on this server."""

    status_code = 503


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library itself is missing
        raise PdfUnavailable("web.pdf_unavailable") from exc
    return weasyprint


def _stylesheet(url: str) -> bytes:
    """One of the project's stylesheets by its address (``/static/NAME.css``)."""
    path = urlsplit(url).path
    if not path.startswith("/static/") or not path.endswith(".css"):
        raise ValueError(f"not fetched when printing: {url}")
    found = (STATIC / path.removeprefix("/static/")).resolve()
    if found.parent != STATIC or not found.is_file():
        raise ValueError(f"no such stylesheet: {url}")
    return found.read_bytes()


def to_pdf(html: str) -> bytes:
    """``html`` (a whole page, as served) as a PDF document, laid out for print."""
    weasyprint = _weasyprint()
    urls = weasyprint.urls

    class LocalFetcher(urls.URLFetcher):  # type: ignore[name-defined]
        """The project's stylesheets from disk, nothing else from anywhere."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            return urls.URLFetcherResponse(url, body=_stylesheet(url),
                                           headers={"Content-Type": "text/css"})

    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher())
    return bytes(document.write_pdf())
