"""``GET /metrics`` (interfaces/web/metrics.py): Prometheus's text format that the library's own
parser reads; outbox numbers that match the rows; actions counted by trigger once fired; the
latency histogram labelled by route template, never the raw path; one registry per
application; the optional bearer token; and the rest still served when the database is away."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from worldkit import World  # type: ignore[import-not-found]

from config.settings import Settings
from interfaces.web.app import create_app
from notifications import outbox
from workflows.programme import Programme

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(app: TestClient, **headers: str) -> Samples:
    answer = app.get("/metrics", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert answer.headers["cache-control"] == "no-store"
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


def plan(prog: Programme, key: str, due_in: timedelta) -> None:
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        outbox.enqueue(session, key=key, kind="reminder", recipient=f"{key}@pemda.go.id",
                       subject="Pengingat", text_body="x", html_body="<p>x</p>",
                       message_id=f"<{key}@x>", raw=b"x", due_at=now + due_in, now=now)


def test_outbox_numbers_match_the_rows(world: World) -> None:
    app = TestClient(create_app(world.prog))
    before = scrape(app)
    assert value(before, "smartcity_database_up") == 1
    plan(world.prog, "late-1", -timedelta(minutes=10))
    plan(world.prog, "late-2", -timedelta(minutes=3))
    plan(world.prog, "tomorrow", timedelta(days=1))  # not due: it does not age the backlog
    world.dead_letter()
    after = scrape(app)
    rows = outbox.counts(world.prog.db)
    for status in outbox.STATUSES:
        assert value(after, "smartcity_outbox_messages", status=status) == rows[status]
    assert value(after, "smartcity_outbox_messages", status="pending") == \
        value(before, "smartcity_outbox_messages", status="pending") + 3
    assert value(after, "smartcity_outbox_dead_letters") == rows["dead"] == 1
    assert value(after, "smartcity_outbox_oldest_pending_age_seconds") == 600.0


def test_actions_are_counted_by_trigger_once_fired(world: World) -> None:
    app = TestClient(create_app(world.prog))
    region = world.region()
    before = scrape(app)
    assert ("smartcity_actions_total", frozenset({("trigger", "assess")})) not in before
    world.leave(region, "assessment")  # submits the assessment result, fires "assess"
    after = scrape(app)
    assert value(after, "smartcity_actions_total", trigger="assess") == 1
    started = {labels for name, labels in after if name == "smartcity_actions_total"}
    assert len(started) >= 2  # the cycle's start and the assessment


def test_latency_is_labelled_by_route_template(world: World) -> None:
    region = world.region()
    app = TestClient(create_app(world.prog), raise_server_exceptions=False)
    app.get(f"/api/v1/regions/{region.code}")
    app.get(f"/regions/{region.code}", follow_redirects=False)
    app.get("/static/app.css")
    app.get(f"/no/such/{region.code}")
    samples = scrape(app)
    routes = {dict(labels).get("route") for name, labels in samples
              if name == "smartcity_http_request_duration_seconds_count"}
    assert {"/api/v1/regions/{region}", "/regions/{code}", "/static/{path}",
            "unmatched"} <= routes
    assert not any(region.code in str(route) for route in routes)
    assert value(samples, "smartcity_http_request_duration_seconds_count",
                 method="GET", route="/api/v1/regions/{region}", status="401") == 1
    assert value(samples, "smartcity_http_request_duration_seconds_count",
                 method="GET", route="unmatched", status="404") == 1


def test_each_application_has_its_own_registry(prog: Programme) -> None:
    one, two = TestClient(create_app(prog)), TestClient(create_app(prog))
    one.get("/healthz")
    one.get("/healthz")
    key = ("smartcity_http_request_duration_seconds_count",
           frozenset({("method", "GET"), ("route", "/healthz"), ("status", "200")}))
    assert scrape(one)[key] == 2
    assert key not in scrape(two)


def test_a_metrics_token_is_asked_for_when_set(make_prog: Any) -> None:
    token = "metrics-" + "t" * 24
    app = TestClient(create_app(make_prog(metrics_token=SecretStr(token))))
    refused = app.get("/metrics", headers={"Accept-Language": "en"})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer <token>" in refused.text
    assert app.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert value(scrape(app, Authorization=f"Bearer {token}"), "smartcity_database_up") == 1


def test_a_database_away_is_reported_and_the_rest_still_served(tmp_path: Path) -> None:
    prog = Programme(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}"))
    try:
        samples = scrape(TestClient(create_app(prog)))
    finally:
        prog.close()
    assert value(samples, "smartcity_database_up") == 0
    assert not any(name.startswith("smartcity_outbox") for name, _ in samples)
    assert value(samples, "smartcity_scheduler_leader") == 0
