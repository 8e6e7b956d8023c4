"""The API refuses a text longer than its limit with 422 and leaves the region as it was, on
both backends: a comment on an action or a review, an extension's reason, a deadline's
comment. (Names of OPDs, people and cohorts are entered through the command line and CSV
imports only; the API creates none.)"""

from __future__ import annotations

from webkit import Web  # type: ignore[import-not-found]

from workflows.limits import COMMENT_MAX

LONG = "x" * 10_806


def test_long_texts_are_refused_and_nothing_written(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    coordinator = web.api(web.world.COORDINATOR)
    with web.world.unchanged(r.code):
        for method, url, body in [
            ("post", f"/api/v1/regions/{r.code}/advance",
             {"trigger": "close_bimtek_1", "comment": LONG}),
            ("put", f"/api/v1/regions/{r.code}/deadlines/bimtek_1",
             {"date": "2026-03-10", "comment": LONG}),
        ]:
            answer = getattr(coordinator, method)(url, json=body)
            assert answer.status_code == 422, (url, answer.text)
        asked = web.api(r.opd).post(f"/api/v1/regions/{r.code}/extensions",
                                    json={"until": "2026-03-30", "reason": LONG})
        assert asked.status_code == 422, asked.text


def test_a_comment_of_the_limit_is_taken(web: Web) -> None:
    r = web.region
    web.world.drive(r, "bimtek_1")
    done = web.api(web.world.COORDINATOR).put(
        f"/api/v1/regions/{r.code}/deadlines/bimtek_1",
        json={"date": "2026-03-10", "comment": "c" * COMMENT_MAX})
    assert done.status_code == 200, done.text
