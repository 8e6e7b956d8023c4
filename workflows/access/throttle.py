"""The sign-in throttle: wrong passwords slow down whoever types them, not the account's owner.

Attempts are counted in the database (``sign_in_throttle``), so every server process sharing it
sees the same count and a restart forgets nothing.

**Counted before the password is checked.** An attempt first *reserves* itself (:func:`reserve`):
in one short transaction of its own, every row it counts under is locked (an ``INSERT ... ON
CONFLICT DO UPDATE`` that returns the row, holding it on PostgreSQL until commit; SQLite's
``BEGIN IMMEDIATE`` admits one writer at a time), checked, incremented, and given the delay its
new count earns, all before the password is looked at. An attempt finding one of its rows still
delayed is refused there: nothing is counted and nothing hashed. Requests arriving together are
therefore counted one after another, and only as many as the allowance reach the password
check: of 30 wrong passwords sent at once from one client, 5 are checked and 25 refused. A wrong
password leaves its reservation counted; a right one clears the client's rows and takes its
reservation back from the address's (:func:`release`); so does any other end (a disabled
account, a database error).

**The rows.** For one address (the email typed), an attempt counts under:

* its *client*: a known device (:mod:`workflows.access.known_devices`: a browser holding the
  signed cookie given at an earlier successful sign-in to this address), else its IP address
  (an IPv6 client by its /64). After :data:`FAILURES_FREE` attempts in a row every further one
  waits 2^(attempts - FAILURES_FREE) seconds after the last, up to :data:`LONGEST_WAIT`; the
  count starts over after :data:`CLIENT_QUIET` without one, and a success clears it;
* its *network* (not for a known device): an IPv4 /24 or an IPv6 /48, the most one stranger
  commonly holds whole (a home gets a /56, 256 /64 clients; a free tunnel broker hands out
  /48s). The same growing delay after :data:`NETWORK_FAILURES_FREE`, so all the /64s of one
  stranger's /56 add up to about 22 attempts an hour, not 5 each; a success clears it too (the
  owner's own network);
* the *address from everywhere* (:data:`EVERY_CLIENT`): more than :data:`ADDRESS_FAILURES_FREE`
  attempts within :data:`ADDRESS_WINDOW` delay the address, growing the same way, for every
  client except known devices, which it counts but never refuses.

So a stranger delays only themselves and, for that address, their own network. Only guessing
from five or more networks within an hour reaches the address-wide cap, and even then the owner
signs in at once from any browser they have signed in with before (or by a link from an email,
which is not throttled). A known device is throttled by its own failures alone, wherever it
connects from: a stolen cookie is one client however many machines send it.

An unknown address is counted and delayed exactly like a known one, so neither the answer nor
its timing says which addresses have accounts. Rows whose last attempt is older than
:data:`KEPT` are deleted as attempts are reserved.

Clients, networks and devices are stored as HMACs under the programme's secret key, not as
themselves: the throttle only needs to tell them apart, and a copy of the database then lists
nobody's IP address (a plain hash would not hide it: all IPv4 addresses are hashed in minutes).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from config.messages import plural
from config.settings import Settings
from engine import Database, NotAuthenticated
from workflows.access.links import secret_key
from workflows.access.models import SignInThrottle

FAILURES_FREE = 5
NETWORK_FAILURES_FREE = 10
CLIENT_QUIET = timedelta(hours=1)
ADDRESS_FAILURES_FREE = 100
ADDRESS_WINDOW = timedelta(hours=1)
LONGEST_WAIT = timedelta(minutes=15)
KEPT = timedelta(days=1)
PRUNED_AT_ONCE = 500
#: The ``client`` of the row counting an address's attempts from every client.
EVERY_CLIENT = "*"
#: Prefix lengths: an IPv6 client; the network one stranger may hold whole, IPv4 and IPv6.
IPV6_CLIENT, IPV4_NETWORK, IPV6_NETWORK = 64, 24, 48

_T = SignInThrottle.__table__  # type: ignore[attr-defined]


class SignInThrottled(NotAuthenticated):
    """Too many wrong passwords from this client, its network, or for this address from
    everywhere: answered 429 with ``Retry-After``, and the password is not checked."""

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


@dataclass(frozen=True)
class Client:
    """What an attempt counts under besides the address: ``key`` its own row, ``network`` its
    network's (None for a known device, or a host that is no IP address); a ``known`` device is
    never refused for the address's count from everywhere."""

    key: str
    network: str | None = None
    known: bool = False


def client(settings: Settings, host: str | None, device: str | None = None) -> Client:
    """The client at ``host`` (``request.client.host``), or the known device ``device`` (the id
    :func:`workflows.access.known_devices.device` read from its cookie). Behind a reverse proxy
    ``host`` is the visitor's address only when the server trusts the proxy's
    ``X-Forwarded-For`` (uvicorn's ``FORWARDED_ALLOW_IPS``)."""
    if device is not None:
        return Client(_keyed(settings, f"device:{device}"), known=True)
    return Client(client_key(settings, host), network_key(settings, host))


def client_key(settings: Settings, host: str | None) -> str:
    """The key a client is counted under: an HMAC of its IP address (an IPv6 address by its
    /64 network; a host that is no IP address, such as a test client, by its name)."""
    ip = _ip(host)
    if ip is None:
        return _keyed(settings, (host or "").strip().lower())
    if isinstance(ip, ipaddress.IPv6Address):
        return _keyed(settings, str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT}", strict=False)))
    return _keyed(settings, str(ip))


def network_key(settings: Settings, host: str | None) -> str | None:
    """The key of the client's network (IPv4 /24, IPv6 /48), None for a host that is no IP."""
    ip = _ip(host)
    if ip is None:
        return None
    bits = IPV6_NETWORK if isinstance(ip, ipaddress.IPv6Address) else IPV4_NETWORK
    return _keyed(settings, "net:" + str(ipaddress.ip_network(f"{ip}/{bits}", strict=False)))


def _ip(host: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address((host or "").strip().lower())
    except ValueError:
        return None  # not an IP address (a test client, a Unix socket)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _keyed(settings: Settings, name: str) -> str:
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


@dataclass(frozen=True)
class _State:
    """One row as read: the attempts counted, and when."""

    failures: int
    first_failure_at: datetime
    last_failure_at: datetime
    next_allowed_at: datetime


@dataclass(frozen=True)
class _Rule:
    client: str
    free: int
    refuses: bool
    window: bool  # starts over an hour after its first attempt (else: after an hour's quiet)


@dataclass(frozen=True)
class Reservation:
    """An attempt counted before its password is checked: per row, the count it made and the
    row as it was before, to take the attempt back (:func:`release`)."""

    address: str
    held: tuple[tuple[str, int, _State], ...]


def _rules(who: Client) -> list[_Rule]:
    """The rows an attempt counts under, always in this order (so two transactions never lock
    the same two rows the other way round)."""
    rules = [_Rule(who.key, FAILURES_FREE, refuses=True, window=False)]
    if who.network is not None:
        rules.append(_Rule(who.network, NETWORK_FAILURES_FREE, refuses=True, window=False))
    rules.append(_Rule(EVERY_CLIENT, ADDRESS_FAILURES_FREE, refuses=not who.known, window=True))
    return rules


def reserve(db: Database, email: str, who: Client, now: datetime) -> Reservation:
    """Count an attempt for ``email`` from ``who`` before its password is checked, in a
    transaction of its own, or refuse it with :class:`SignInThrottled` counting nothing.

    Each row is locked as it is read, so attempts at once are counted one after another and
    each sees the delay the one before it earned."""
    address = address_key(email)
    with db.transaction() as session:
        read = [(rule, _locked(session, address, rule.client, now)) for rule in _rules(who)]
        waits = [row.next_allowed_at for rule, row in read
                 if rule.refuses and row.next_allowed_at > now]
        if waits:  # raised inside the transaction: it rolls back
            raise SignInThrottled(address, max(1, math.ceil((max(waits) - now).total_seconds())))
        held = []
        for rule, row in read:
            quiet = (row.first_failure_at < now - ADDRESS_WINDOW if rule.window
                     else row.last_failure_at < now - CLIENT_QUIET)
            restart = row.failures <= 0 or quiet
            failures = 1 if restart else row.failures + 1
            wait = delay(failures, rule.free)
            session.execute(update(_T).where(_T.c.address == address, _T.c.client == rule.client)
                            .values(failures=failures,
                                    first_failure_at=now if restart else row.first_failure_at,
                                    last_failure_at=now,
                                    next_allowed_at=now + wait if wait else row.next_allowed_at))
            held.append((rule.client, failures, row))
        _prune(session, now)
    return Reservation(address, tuple(held))


def release(session: Session, reservation: Reservation, *, signed_in: bool) -> None:
    """Take back a reservation whose password was not wrong. ``signed_in``: the client's own
    rows (client and network) are cleared instead, while the address's count from everywhere
    only loses this attempt (one success does not end guessing from elsewhere).

    A row nobody has counted in since is put back as it was (its delay too); one counted in
    since only loses the attempt, keeping the delay the later attempt earned."""
    for row_client, counted, before in reservation.held:
        where = (_T.c.address == reservation.address, _T.c.client == row_client)
        if signed_in and row_client != EVERY_CLIENT:
            session.execute(delete(_T).where(*where))
            continue
        row = session.execute(select(_T.c.failures, _T.c.first_failure_at, _T.c.last_failure_at,
                                     _T.c.next_allowed_at).where(*where).with_for_update()).first()
        if row is None:
            continue
        now_state = _State(*row)
        restored = (before if now_state.failures == counted
                    else replace(now_state, failures=now_state.failures - 1))
        if restored.failures <= 0:
            session.execute(delete(_T).where(*where))
        else:
            session.execute(update(_T).where(*where).values(
                failures=restored.failures, first_failure_at=restored.first_failure_at,
                last_failure_at=restored.last_failure_at,
                next_allowed_at=restored.next_allowed_at))


def _locked(session: Session, address: str, row_client: str, now: datetime) -> _State:
    """The row of ``address`` and ``row_client``, locked until the transaction ends: made
    with no attempts if missing, else returned unchanged by an update that sets nothing new."""
    statement = _insert(session).values(
        address=address, client=row_client, failures=0, first_failure_at=now,
        last_failure_at=now, next_allowed_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[_T.c.address, _T.c.client], set_={"failures": _T.c.failures},
    ).returning(_T.c.failures, _T.c.first_failure_at, _T.c.last_failure_at,
                _T.c.next_allowed_at)
    return _State(*session.execute(statement).one())


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
