"""``GET /metrics``: Prometheus's text format, from one registry per application.

Each application made by :func:`interfaces.web.app.create_app` has its own
:class:`~prometheus_client.CollectorRegistry` (``app.state.metrics``), never the library's
global one, so tests, and several applications in one process, do not collide. It holds:

* the request latency histogram, ``smartcity_http_request_duration_seconds{method,route,
  status}``, kept by :class:`RequestMetricsMiddleware`. ``route`` is the path *template* the
  router matched (``/api/v1/regions/{code}``), never the raw path: one series per route
  whatever the number of regions or tokens in URLs (and no sign-in token of a ``/l/...``
  link ends up in a monitoring system). A path no route matched is ``"unmatched"``;
* :class:`ProgrammeCollector`: the readings of :func:`workflows.monitoring.readings`, taken
  from the database at scrape time with a fixed three statements (outbox per status, the
  oldest due pending email, actions per trigger), and ``smartcity_database_up``, 0 when they
  could not be read (the other metrics are then still served);
* this process's metrics of :data:`workflows.monitoring.PROCESS_METRICS` (sweep duration,
  emails sent and failed, clock leadership).

The endpoint is open by default, as most exporters are, and must not be exposed publicly:
the reverse proxy answers ``/metrics`` only to the monitoring network (README, "Health,
metrics and logs"). With ``SMARTCITY_METRICS_TOKEN`` set it also asks for
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.messages import text
from config.settings import Settings
from engine import WorkflowError
from notifications.outbox import STATUSES
from workflows import monitoring
from workflows.programme import Programme

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

UNMATCHED = "unmatched"
#: Methods labelled as themselves; any other a client makes up is "other" (bounded labels).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Pages answer in milliseconds; a PDF report or an export may take seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ProgrammeCollector(Collector):
    """The database's readings, read when a monitor scrapes (never at registration)."""

    def __init__(self, prog: Programme) -> None:
        self.prog = prog

    def describe(self) -> list[Metric]:
        # Without describe() the registry would call collect(), querying the database, at
        # registration; these are the names alone.
        return list(self._families(None))

    def collect(self) -> Iterator[Metric]:
        try:
            found: monitoring.Readings | None = monitoring.readings(self.prog)
        except WorkflowError as exc:  # the database is away: say so, serve the rest
            log.warning("metrics: cannot read the database: %s", exc)
            found = None
        yield from self._families(found)

    @staticmethod
    def _families(found: monitoring.Readings | None) -> Iterator[Metric]:
        up = GaugeMetricFamily("smartcity_database_up",
                               "1 when this scrape could read the database, else 0.")
        up.add_metric([], 1.0 if found is not None else 0.0)
        yield up
        messages = GaugeMetricFamily("smartcity_outbox_messages",
                                     "Emails in the outbox, by status.", labels=["status"])
        oldest = GaugeMetricFamily(
            "smartcity_outbox_oldest_pending_age_seconds",
            "Seconds the oldest pending email that is due has waited (0 when none).")
        dead = GaugeMetricFamily("smartcity_outbox_dead_letters",
                                 "Emails that will not be retried unless someone asks.")
        actions = CounterMetricFamily("smartcity_actions",
                                      "Workflow actions taken, by trigger (from the history).",
                                      labels=["trigger"])
        if found is not None:
            for status in STATUSES:
                messages.add_metric([status], found.outbox.by_status[status])
            oldest.add_metric([], found.oldest_pending_age)
            dead.add_metric([], found.outbox.dead)
            for trigger, count in sorted(found.actions.items()):
                actions.add_metric([trigger], count)
        yield from (messages, oldest, dead, actions)


def programme_registry(prog: Programme) -> CollectorRegistry:
    """A fresh registry with the database's readings and this process's metrics: what a
    worker's ``/metrics`` serves (:mod:`interfaces.web.probes`), which answers no pages."""
    registry = CollectorRegistry()
    registry.register(ProgrammeCollector(prog))
    for metric in monitoring.PROCESS_METRICS:
        registry.register(metric)
    return registry


def registry_for(prog: Programme) -> tuple[CollectorRegistry, Histogram]:
    """A fresh registry with every metric of an application, and its latency histogram."""
    registry = programme_registry(prog)
    latency = Histogram(
        "smartcity_http_request_duration_seconds",
        "Time to answer an HTTP request, by method, route template and status.",
        ["method", "route", "status"], buckets=LATENCY_BUCKETS, registry=registry)
    return registry, latency


def route_template(scope: Scope, root_path: str = "") -> str:
    """The path template the router matched for ``scope`` (after it was answered), or
    ``"unmatched"``; ``root_path`` is the scope's before routing.

    FastAPI keeps the full template of an included router's route (prefixes and all) in its
    effective route context; a route of the application itself has it on the route recorded
    in ``scope["route"]``. A mount (the static files) records no route, but it appends the
    path it matched to the scope's ``root_path``: its template is that, then ``/{path}``.
    """
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(context, "path", None)
    if isinstance(path, str) and path:
        return path
    route = scope.get("route")
    if route is None:
        mounted = str(scope.get("root_path", ""))
        if len(mounted) > len(root_path) and mounted.startswith(root_path):
            return f"{mounted[len(root_path):]}/{{path}}"
        return UNMATCHED
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    if not hasattr(route, "endpoint"):  # a mount (the static files): everything below it
        return f"{path.rstrip('/')}/{{path}}"
    return path


class RequestMetricsMiddleware:
    """Times every HTTP request into the latency histogram, labelled by route template.

    The time runs until the answer's last byte went out; an exception (answered 500 by the
    application's last resort outside this middleware) counts as status 500.
    """

    def __init__(self, app: ASGIApp, *, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        root_path = str(scope.get("root_path", ""))
        status = 500

        async def send_timed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_timed)
        finally:
            route = route_template(scope, root_path)
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.histogram.labels(method, route, str(status)).observe(
                time.perf_counter() - started)


def _authorised(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(),
                                                              token.encode())


def exposition(registry: CollectorRegistry) -> bytes:
    """The registry in Prometheus's text format: what ``GET /metrics`` answers (a benchmark
    of a scrape calls this)."""
    return generate_latest(registry)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus's text format (a sync view: the scrape's queries run in the thread pool)."""
    settings: Settings = request.app.state.prog.settings
    token = settings.metrics_token.get_secret_value().strip() if settings.metrics_token else ""
    if token and not _authorised(request, token):
        return PlainTextResponse(text("ops.metrics.token_required"), status_code=401,
                                 headers={"WWW-Authenticate": "Bearer",
                                          "Cache-Control": "no-store"})
    return Response(exposition(request.app.state.metrics), media_type=CONTENT_TYPE_PLAIN_0_0_4,
                    headers={"Cache-Control": "no-store"})
