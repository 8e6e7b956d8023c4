"""The programme office over a national cohort, in real Chromium: all 514 regions driven
through the engine to varied stages (``bench/national.py``, ~7,500 engine actions, the cohort
the benchmark measures), a coordinator who starts from the menu's "Perlu perhatian" count.

* From the count to an extension request, granted: the count in the menu drops by one.
* The board filtered to the late regions of one province; a region opened from its map.
* Screenshots of the board, the map and the analytics page at a laptop's size (1366x768)
  and a phone's (390x844), kept in ``tests/artifacts/`` for a person to look at.

The cohort is built on a simulated clock that ends at the real present, then handed back to
the real clock, so the server, its sessions and the browser agree on the time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.national import COORDINATOR, PASSWORD, National, build
from engine import Records
from interfaces.web.app import create_app
from workflows.deadlines.models import ExtensionRequest

pytestmark = pytest.mark.browser

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
BADGE = re.compile(r"Perlu perhatian\D*(\d+)")


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory, serving: Any) -> Iterator[
        tuple[National, str]]:
    folder = tmp_path_factory.mktemp("national")
    nat = build(f"sqlite:///{folder / 'sc.db'}", folder,
                start=datetime.now(UTC) - timedelta(days=150))
    nat.clock.now = None  # the real clock from here on
    try:
        with serving(create_app(nat.prog)) as url:
            yield nat, url
    finally:
        nat.prog.close()


def sign_in(chromium: Any, url: str, log_in: Any, size: str = "laptop") -> Any:
    context = chromium.new_context(base_url=url, locale="id-ID", viewport=SIZES[size])
    context.set_default_timeout(20_000)
    return log_in(context.new_page(), COORDINATOR, PASSWORD)


def badge(page: Any) -> int:
    link = page.locator("header.top nav a[href='/attention']")
    found = BADGE.search(link.inner_text().replace("\n", " "))
    assert found, link.inner_text()
    return int(found[1])


def extensions_waiting(page: Any) -> int:
    """The count beside "Permintaan perpanjangan" in the inbox's summary."""
    item = page.locator(".attention-summary li").filter(
        has=page.locator("a[href='/attention?category=extensions']"))
    return int(item.locator("strong").inner_text())


def test_the_inbox_count_leads_to_an_extension_that_is_granted(
        chromium: Any, national: tuple[National, str], log_in: Any) -> None:
    nat, url = national
    assert len(nat.codes) == 514 and nat.extensions
    page = sign_in(chromium, url, log_in)
    before = badge(page)
    assert before >= len(nat.extensions)

    page.locator("header.top nav a[href='/attention']").click()
    page.wait_for_url(re.compile(r"/attention"))
    pending = extensions_waiting(page)
    assert pending == len(nat.extensions)
    item = page.locator("a[href*='/coordinator/extensions#extension-']").first
    target = item.get_attribute("href") or ""
    request_id = int(target.rsplit("-", 1)[1])
    item.click()
    page.wait_for_url(re.compile(r"/coordinator/extensions"))
    form = page.locator(f"#extension-{request_id}")
    form.get_by_role("button", name=re.compile("Kabulkan")).click()
    page.wait_for_load_state()
    # The region's deadline moved, so it may also leave the escalations: the menu's count
    # drops by one at least, the extension requests by exactly one.
    assert badge(page) <= before - 1
    page.locator("header.top nav a[href='/attention']").click()
    page.wait_for_url(re.compile(r"/attention"))
    assert extensions_waiting(page) == pending - 1
    assert page.locator(f"a[href$='#extension-{request_id}']").count() == 0

    with nat.prog.db.read() as session:
        decided = session.get(ExtensionRequest, request_id)
        assert decided is not None and decided.status == "granted"
    page.context.close()


def test_the_late_regions_of_a_province_and_one_opened_from_the_map(
        chromium: Any, national: tuple[National, str], log_in: Any) -> None:
    nat, url = national
    page = sign_in(chromium, url, log_in)
    page.goto("/board")
    page.get_by_label("Status", exact=True).select_option("late")
    page.get_by_label("Provinsi", exact=True).select_option(label="Jawa Tengah")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"status=late"))
    rows = page.locator("table.board tbody tr")
    assert rows.count() > 0
    for text in rows.all_inner_texts():
        assert "Jawa Tengah" in text

    region_link = page.locator("svg a[href^='/regions/']").first
    href = region_link.get_attribute("href") or ""
    code = href.rsplit("/", 1)[1]
    region_link.click()
    page.wait_for_url(re.compile(re.escape(f"/regions/{code}")))
    with nat.prog.db.read() as session:
        assert Records(session).current_instance("master_plan", code) is not None
    assert code.startswith("33.")  # Jawa Tengah
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_the_board_the_map_and_the_analytics(
        chromium: Any, national: tuple[National, str], artifacts: Path, size: str,
        log_in: Any) -> None:
    _, url = national
    page = sign_in(chromium, url, log_in, size)
    for name, path in (("board", "/board"), ("map", "/overview"), ("analytics", "/analytics")):
        response = page.goto(path)
        assert response is not None and response.ok, (path, response and response.status)
        page.screenshot(path=str(artifacts / f"programme-office-{name}-{size}.png"),
                        full_page=False)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["width"] + 1, (path, width)
    page.context.close()
