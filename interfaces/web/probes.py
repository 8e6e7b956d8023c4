"""A worker's own HTTP endpoint: ``/healthz``, ``/readyz`` and ``/metrics``, nothing else.

In production the workers send the email and run the clock, so the metrics only they hold
(emails sent and failed, sweep duration, clock leadership) and their health must be readable
from them: ``smartcity worker --metrics-port PORT`` serves this small application on
``--metrics-host`` (127.0.0.1 unless told) for the life of the worker. It is built from the web
application's own routers (:mod:`interfaces.web.health`, :mod:`interfaces.web.metrics`), so
the bodies, the checks (database, migrations, and the SMTP relay, since a worker sends) and
``SMARTCITY_METRICS_TOKEN`` behave exactly as on a web process; only the request latency
histogram is absent, a worker answering no pages.

The listening socket is bound by :func:`listening_socket` before the worker starts working, so
a port already in use is one clear error and exit 1, not a worker running blind. uvicorn then
serves on it as a task in the worker's own event loop (:func:`serving`); the worker keeps its
signal handlers (uvicorn's would replace them) and stops the server when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from fastapi import FastAPI
from starlette.requests import Request

from interfaces.web import health, i18n, metrics
from workflows.programme import Programme

log = logging.getLogger(__name__)

#: Seconds a stopping worker gives a probe being answered before closing the endpoint.
STOP_TIMEOUT = 5.0


def probe_language(request: Request) -> str:
    """The language of ``/readyz``'s reasons: ``?lang=``, else ``Accept-Language``, else
    Indonesian (as on the web, less the sign-in cookie no probe carries)."""
    return i18n.choose(request.query_params.get("lang"), None, None,
                       request.headers.get("accept-language"))


def create_probes(prog: Programme) -> FastAPI:
    """The worker's application: the web's health and metrics routes around ``prog``."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.prog = prog
    app.state.background = True  # a worker delivers email: /readyz checks the relay too
    app.state.metrics = metrics.programme_registry(prog)
    app.add_middleware(i18n.LanguageMiddleware, chooser=probe_language)
    app.include_router(health.router)
    app.include_router(metrics.router)
    return app


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening; ``OSError`` when the address is in
    use or cannot be had (an unknown host name, a port below 1024 without the right)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        # As uvicorn does: a restarted worker may bind at once over connections in TIME_WAIT
        # (Linux still refuses a port another socket listens on).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def shown(host: str, port: int) -> str:
    """``host:port`` as a URL writes it (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _WorkerServer(uvicorn.Server):
    """uvicorn without its signal handlers: SIGTERM and Ctrl-C belong to the worker, which
    stops this server after its own batch in hand."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serving(app: FastAPI, sock: socket.socket) -> AsyncIterator[None]:
    """``app`` answered on ``sock`` while inside (in the running event loop); leaving stops
    it, waiting up to :data:`STOP_TIMEOUT` seconds for a probe in hand."""
    config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False,
                            lifespan="off", proxy_headers=False,
                            timeout_graceful_shutdown=int(STOP_TIMEOUT))
    server = _WorkerServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="probes")
    try:
        yield
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, STOP_TIMEOUT + 1)
        except Exception:  # the endpoint failed or hung; the worker's stop must go on
            log.exception("the worker's /healthz, /readyz and /metrics endpoint did not stop")
        finally:
            sock.close()
