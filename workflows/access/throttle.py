"""The sign-in throttle: wrong passwords slow down whoever types them, not the account's owner.

Failures are counted in the database (``sign_in_throttle``), so every server process sharing it
sees the same count and a restart forgets nothing. The count is kept per *address and client*:
after :data:`FAILURES_FREE` wrong passwords from one client (its IP address; an IPv6 client by
its /64, which one household or server holds whole) every further attempt from it must wait
2^(failures - FAILURES_FREE) seconds after the last failure, up to :data:`LONGEST_WAIT`. A
stranger's failures therefore delay only the stranger: the owner signing in from anywhere else is
not affected, and there is no hard lock to trigger on purpose. A client's count starts over
after :data:`CLIENT_QUIET` without a failure, and a successful sign-in clears it.

Guessing spread over many clients meets a looser cap per address from all clients together:
more than :data:`ADDRESS_FAILURES_FREE` failures within :data:`ADDRESS_WINDOW` delay the address
for everyone, growing the same way. One client cannot reach it alone: its own delays allow it
about 18 failures an hour (5 free, then waits of 1 s, 2 s, ... 15 min).

An attempt during a delay is refused before the password is looked at (no hashing, nothing
counted); an unknown address is counted and delayed exactly like a known one, so neither the
answer nor its timing says which addresses have accounts. Rows whose last failure is older than
:data:`KEPT` are deleted as failures are written.

The client is stored as an HMAC of its network address under the programme's secret key, not
as the address itself: the throttle only needs to tell clients apart, and a copy of the
database then lists nobody's IP address (a plain hash would not hide it: all IPv4 addresses
are hashed in minutes).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, literal, select, tuple_, update
from sqlalchemy.orm import Session

from config.messages import plural
from config.settings import Settings
from engine import Database, NotAuthenticated
from workflows.access.links import secret_key
from workflows.access.models import SignInThrottle

FAILURES_FREE = 5
CLIENT_QUIET = timedelta(hours=1)
ADDRESS_FAILURES_FREE = 100
ADDRESS_WINDOW = timedelta(hours=1)
LONGEST_WAIT = timedelta(minutes=15)
KEPT = timedelta(days=1)
PRUNED_AT_ONCE = 500
#: The ``client`` of the row counting an address's failures from every client.
EVERY_CLIENT = "*"

_T = SignInThrottle.__table__  # type: ignore[attr-defined]
_WHEN = _T.c.last_failure_at.type


class SignInThrottled(NotAuthenticated):
    """Too many wrong passwords from this client (or for this address from everywhere):
    answered 429 with ``Retry-After``, and the password is not checked."""

    status_code = 429

    def __init__(self, address: str, seconds: int) -> None:
        super().__init__("signin.throttled", address=address, wait=Wait(seconds))
        self.retry_after = seconds


class Wait:
    """A wait as a person reads it, in the language current when it is written ("40 detik",
    "15 menit"): seconds under a minute, else whole minutes rounded up."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds

    def __format__(self, spec: str) -> str:
        if self.seconds < 60:
            return format(plural("throttle.seconds", self.seconds), spec)
        return format(plural("throttle.minutes", math.ceil(self.seconds / 60)), spec)

    def __str__(self) -> str:
        return format(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Wait) and other.seconds == self.seconds

    def __hash__(self) -> int:
        return hash(self.seconds)


def client_key(settings: Settings, host: str | None) -> str:
    """The key a client is counted under: an HMAC of its IP address (an IPv6 address by its
    /64 network). Behind a reverse proxy ``host`` is the visitor's address only when the
    server trusts the proxy's ``X-Forwarded-For`` (uvicorn's ``FORWARDED_ALLOW_IPS``)."""
    name = (host or "").strip().lower()
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        pass  # not an IP address (a test client, a Unix socket): counted under its name
    else:
        if isinstance(ip, ipaddress.IPv6Address):
            name = (str(ip.ipv4_mapped) if ip.ipv4_mapped is not None
                    else str(ipaddress.ip_network(f"{ip}/64", strict=False)))
        else:
            name = str(ip)
    return hmac.new(secret_key(settings).encode(), b"sign-in-throttle\x00" + name.encode(),
                    hashlib.sha256).hexdigest()


def address_key(email: str) -> str:
    """The address as counted: lower-case; one no account could have (too long, unprintable)
    by its SHA-256, so any text typed in the form can be stored."""
    address = email.strip().lower()
    if len(address) <= 254 and address.isprintable():
        return address
    return "sha256:" + hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()


def delay(failures: int, free: int) -> timedelta:
    """How long after the ``failures``-th failure in a row the next attempt must wait."""
    if failures < free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - free, 30)), LONGEST_WAIT)


def refusal(session: Session, email: str, client: str, now: datetime) -> SignInThrottled | None:
    """Why an attempt for ``email`` from ``client`` may not be checked now, or None."""
    address = address_key(email)
    until = session.execute(
        select(_T.c.next_allowed_at).where(_T.c.address == address,
                                           _T.c.client.in_([client, EVERY_CLIENT]))
    ).scalars().all()
    latest = max(until, default=None)
    if latest is None or latest <= now:
        return None
    return SignInThrottled(address, max(1, math.ceil((latest - now).total_seconds())))


def failed(db: Database, email: str, client: str, now: datetime) -> None:
    """Count a wrong password, in a transaction of its own (the sign-in's own rolls back).

    Each count is one ``INSERT ... ON CONFLICT DO UPDATE``, so two processes failing at once
    both count (on PostgreSQL the second waits for the first's row; SQLite takes one writer at
    a time)."""
    address = address_key(email)
    with db.transaction() as session:
        _count(session, address, client, now, restart=_T.c.last_failure_at < now - CLIENT_QUIET,
               free=FAILURES_FREE)
        _count(session, address, EVERY_CLIENT, now,
               restart=_T.c.first_failure_at < now - ADDRESS_WINDOW, free=ADDRESS_FAILURES_FREE)
        _prune(session, now)


def cleared(session: Session, email: str, client: str) -> None:
    """A successful sign-in: this client's count for the address starts over (the count from
    every client stays: one success does not end guessing from elsewhere)."""
    session.execute(delete(_T).where(_T.c.address == address_key(email), _T.c.client == client))


def _count(session: Session, address: str, client: str, now: datetime, *,
           restart: ColumnElement[bool], free: int) -> None:
    at = literal(now, _WHEN)
    statement = _insert(session).values(
        address=address, client=client, failures=1, first_failure_at=now, last_failure_at=now,
        next_allowed_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[_T.c.address, _T.c.client],
        set_={"failures": case((restart, 1), else_=_T.c.failures + 1),
              "first_failure_at": case((restart, at), else_=_T.c.first_failure_at),
              "last_failure_at": at},
    ).returning(_T.c.failures)
    failures = session.execute(statement).scalar_one()
    wait = delay(failures, free)
    if wait:  # the row is this transaction's until it commits: the count read is current
        session.execute(update(_T).where(_T.c.address == address, _T.c.client == client)
                        .values(next_allowed_at=now + wait))


def _prune(session: Session, now: datetime) -> None:
    """Delete some rows older than :data:`KEPT`, skipping any another transaction holds (so
    two processes pruning at once never wait for each other)."""
    old = (select(_T.c.address, _T.c.client).where(_T.c.last_failure_at < now - KEPT)
           .limit(PRUNED_AT_ONCE).with_for_update(skip_locked=True))
    session.execute(delete(_T).where(tuple_(_T.c.address, _T.c.client).in_(old)))


def _insert(session: Session) -> Any:
    """``INSERT`` in the session's dialect, which both know ``ON CONFLICT DO UPDATE`` in."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(_T)
    if dialect == "sqlite":
        return sqlite.insert(_T)
    raise NotImplementedError(f"sign-in throttle on {dialect}")  # pragma: no cover
