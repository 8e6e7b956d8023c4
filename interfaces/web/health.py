"""``GET /healthz`` (the process is up) and ``GET /readyz`` (it can do its work).

An orchestrator (systemd, Docker, Kubernetes, a load balancer) asks these without signing in,
every few seconds, so both are cheap, answer ``Cache-Control: no-store`` and stay out of the
OpenAPI schema:

* ``/healthz`` touches nothing: 200 ``{"status": "ok"}`` whenever the process answers at all.
  A liveness probe that queried the database would restart every server when the database
  blinks, which mends nothing.
* ``/readyz`` is 200 when the process can serve: the database answers ``SELECT 1``; its
  schema is at the migrations' head (an upgraded release started against an old schema, or
  a new database never initialised, would fail on every page; an old process left running
  on a database a newer release migrated is told to upgrade itself, not to migrate); and, in
  a process that delivers email (an application made with ``background=True``: ``smartcity
  serve`` unless ``--no-background``), the SMTP relay greets and answers EHLO. Otherwise 503,
  naming each failing check and why, in the request's language. The database costs one
  connection and two tiny statements (``SELECT 1``, the ``alembic_version`` row); the head
  revision and the known ones are read from the migration scripts once per process. Each
  check has a short timeout, so a probe never hangs on a database or relay that does not
  answer.

The reasons quote the driver's or the relay's first line of error: these endpoints, like
``/metrics``, are for the operator's network, and the reverse proxy must not expose them.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from functools import cache

import aiosmtplib
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text as sql
from sqlalchemy.exc import DBAPIError

import migrations
from config.messages import Message
from config.settings import Settings
from workflows.programme import Programme

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store"}
DATABASE_TIMEOUT = 5.0
SMTP_TIMEOUT = 3.0
VERSION_TABLE = "alembic_version"  # where Alembic keeps the revision a database is at


@dataclass(frozen=True)
class Check:
    """One readiness check's outcome: why it failed (a catalogue message), or None."""

    name: str
    failure: Message | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Readiness:
    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)

    def body(self) -> dict[str, object]:
        """The answer: each check ok or not and why (in the current language)."""
        return {
            "status": "ready" if self.ready else "not_ready",
            "checks": {c.name: {"ok": True} if c.failure is None
                       else {"ok": False, "reason": str(c.failure)} for c in self.checks},
            "failing": [c.name for c in self.checks if not c.ok],
        }


@cache
def head_revision() -> str | None:
    """The migrations' head: parsing the scripts costs milliseconds, so once per process."""
    return migrations.head()


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this release's scripts know, once per process like the head."""
    return migrations.revisions()


def _first_line(exc: BaseException) -> str:
    """An error's first line (the driver's own message when SQLAlchemy wraps it)."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return (lines[0] if lines else type(cause).__name__)[:300]


def database_checks(prog: Programme) -> list[Check]:
    """``database`` (``SELECT 1``) and ``migrations`` (current revision is head), on one
    connection; blocking, so called in a thread."""
    try:
        with prog.db.engine.connect() as conn:
            conn.execute(sql("SELECT 1"))
            try:
                # Alembic's own table, read directly: its MigrationContext would log two INFO
                # lines on every probe.
                found = list(conn.execute(sql(f"SELECT version_num FROM {VERSION_TABLE}"))
                             .scalars())
            except DBAPIError:  # no such table: never migrated
                found = []
    except Exception as exc:  # noqa: BLE001 - any failure is the answer, never a 500
        return [Check("database", Message("ops.ready.database", error=_first_line(exc))),
                Check("migrations", Message("ops.ready.not_checked"))]
    head = head_revision()
    if found == [head]:
        return [Check("database"), Check("migrations")]
    if not found:
        return [Check("database"), Check("migrations", Message("ops.ready.no_schema"))]
    current = ", ".join(sorted(str(f) for f in found))
    if any(str(f) not in known_revisions() for f in found):
        # A newer release migrated the database and this (older) process was not restarted
        # on it yet: migrating again mends nothing, upgrading this process does.
        return [Check("database"), Check("migrations", Message("ops.ready.ahead", current=current))]
    return [Check("database"),
            Check("migrations", Message("ops.ready.behind", current=current, head=head))]


async def smtp_check(settings: Settings, timeout: float = SMTP_TIMEOUT) -> Check:
    """The relay greets and answers EHLO within ``timeout`` (TLS first when ``tls``)."""
    address = f"{settings.smtp_host}:{settings.smtp_port}"
    client = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port,
                             timeout=timeout, use_tls=settings.smtp_security == "tls",
                             start_tls=False)
    try:
        await client.connect()
        await client.ehlo()
    except Exception as exc:  # noqa: BLE001 - refused, timed out, not SMTP: all "unreachable"
        return Check("smtp", Message("ops.ready.smtp", address=address,
                                     error=_first_line(exc) or type(exc).__name__))
    finally:
        if client.is_connected:
            with contextlib.suppress(Exception):
                await client.quit()
    return Check("smtp")


async def readiness(prog: Programme, *, sends_email: bool) -> Readiness:
    """Every readiness check, run side by side (what ``GET /readyz`` answers; a benchmark
    of a probe calls this)."""
    async def database() -> list[Check]:
        try:
            return await asyncio.wait_for(asyncio.to_thread(database_checks, prog),
                                          DATABASE_TIMEOUT)
        except TimeoutError:
            late = Message("ops.ready.timeout", seconds=f"{DATABASE_TIMEOUT:g}")
            return [Check("database", late), Check("migrations", Message("ops.ready.not_checked"))]

    if not sends_email:
        return Readiness(await database())
    found, smtp = await asyncio.gather(database(), smtp_check(prog.settings))
    return Readiness([*found, smtp])


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """The process answers: nothing else is asked."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when every check passes, else 503 naming each failing one."""
    state = request.app.state
    found = await readiness(state.prog, sends_email=bool(getattr(state, "background", False)))
    return JSONResponse(found.body(), status_code=200 if found.ready else 503,
                        headers=NO_STORE)
