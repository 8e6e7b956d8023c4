"""A region's history and submissions through the API a page at a time: ``limit`` (default 50,
at most 200) and an opaque ``cursor``; the next page's cursor in ``next_cursor`` (history's
envelope) and in the ``X-Next-Cursor`` and ``Link`` headers (both lists; submissions stay a
bare list). A region with 1,000 history entries is walked end to end, each entry once."""

from __future__ import annotations

from typing import Any

import pytest
from historykit import long_history  # type: ignore[import-not-found]
from webkit import Web  # type: ignore[import-not-found]

BASE = "/api/v1/regions"


def walk(api: Any, url: str, **params: Any) -> tuple[list[dict[str, Any]], list[Any]]:
    """Every entry of the history, following next_cursor; the entries and each response."""
    entries: list[dict[str, Any]] = []
    responses = []
    cursor = None
    while True:
        response = api.get(url, params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        responses.append(response)
        entries.extend(body["entries"])
        cursor = body["next_cursor"]
        assert response.headers.get("x-next-cursor") == cursor
        if cursor is None:
            assert "link" not in response.headers
            return entries, responses
        assert response.headers["link"].endswith(f'cursor={cursor}>; rel="next"')
        assert len(responses) <= 100, "the cursor does not advance"


def test_a_thousand_entries_are_walked_fifty_at_a_time_each_once(web: Web) -> None:
    long_history(web, 1000)
    api = web.api(web.world.COORDINATOR)
    url = f"{BASE}/{web.region.code}/history"
    entries, responses = walk(api, url)
    assert len(responses) == 20 and all(len(r.json()["entries"]) == 50 for r in responses)
    keys = [(e["cycle"], e["seq"]) for e in entries]
    assert len(keys) == 1000 and len(set(keys)) == 1000 and keys == sorted(keys)
    assert entries[0]["kind"] == "start"
    numbered = [int(e["comment"][-4:]) for e in entries
                if (e["comment"] or "").startswith("Putaran catatan nomor")]
    assert numbered == list(range(len(numbered))) and len(numbered) > 900
    # The Link header is a URL to follow as it is.
    link = responses[0].headers["link"].split(">")[0].lstrip("<")
    assert link.startswith(url) and api.get(link).json()["entries"][0]["seq"] == 51

    newest, pages = walk(api, url, limit=200, order="desc")
    assert len(pages) == 5 and [(e["cycle"], e["seq"]) for e in newest] == keys[::-1]
    latest = api.get(url, params={"order": "desc", "limit": 1}).json()
    assert latest["entries"][0] == entries[-1]


def test_a_short_history_is_one_page_as_before(web: Web) -> None:
    web.world.drive(web.region, "institutions")
    response = web.api(web.region.head).get(f"{BASE}/{web.region.code}/history")
    body = response.json()
    assert body["next_cursor"] is None and "x-next-cursor" not in response.headers
    assert body["entries"][0]["kind"] == "start"


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"cursor": "x" * 201},
                                    {"cursor": "not a cursor!"}, {"order": "sideways"}])
def test_bounds_of_the_parameters_are_a_422(web: Web, params: dict[str, Any]) -> None:
    response = web.api(web.world.COORDINATOR).get(f"{BASE}/{web.region.code}/history",
                                                  params=params)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("cursor", ["MQ", "eHl6", "MS4yLjM", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5"])
def test_a_cursor_that_is_not_ours_is_a_422_in_words(web: Web, cursor: str) -> None:
    """One part where two are needed, letters, three parts, a number past 64 bits."""
    api = web.api(web.world.COORDINATOR)
    response = api.get(f"{BASE}/{web.region.code}/history", params={"cursor": cursor})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "region.bad_cursor"
    assert "is not a position in this list" in response.json()["detail"]
    sent = api.get(f"{BASE}/{web.region.code}/submissions", params={"cursor": "MS4y"})
    assert sent.status_code == 422 and sent.json()["code"] == "region.bad_cursor"


def test_submissions_stay_a_list_with_the_next_page_in_the_headers(web: Web) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    for n in (1, 2):  # two revision rounds (a third would escalate)
        world.reject(r, f"Revisi {n}")
        world.revise(r)
    api = web.api(world.COORDINATOR)
    url = f"{BASE}/{r.code}/submissions"
    everything = api.get(url, params={"limit": 200}).json()
    assert isinstance(everything, list) and len(everything) >= 5
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        response = api.get(url, params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200 and isinstance(response.json(), list)
        seen.extend(response.json())
        cursor = response.headers.get("x-next-cursor")
        if cursor is None:
            break
        assert f"cursor={cursor}" in response.headers["link"]
    assert seen == everything  # the order received, each version once
    plans = [s["version"] for s in seen if s["deliverable"] == "quick_win_plan"]
    assert plans == [1, 2, 3]
    assert api.get(url).json() == everything[:50]  # the default page
