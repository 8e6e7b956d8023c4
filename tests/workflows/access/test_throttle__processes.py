"""The sign-in throttle holds across server processes: two programmes on one database (two
processes, each with its own connections) share the count, and failures written at the same
moment by both are all counted, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from engine import NotAuthenticated
from workflows.access import accounts, throttle
from workflows.access.models import SignInThrottle
from workflows.access.throttle import SignInThrottled

PASSWORD = "kata-sandi-rahasia-1"
STRANGER, OWNER = "198.51.100.7", "203.0.113.20"


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _fail(prog: Any, email: str, host: str) -> None:
    with pytest.raises(NotAuthenticated, match="wrong email address or password"), \
            accounts.signing_in(prog, email, "not-the-password", host):
        pass


def test_two_processes_share_the_count(world: Any, make_prog: Any) -> None:
    first, second = world.prog, make_prog()
    email = world.region().mentor
    accounts.create(first, email, PASSWORD)
    for prog in (first, second, first, second, second):
        _fail(prog, email, STRANGER)
    for prog in (first, second):  # the fifth failure delays the client in both
        with pytest.raises(SignInThrottled) as refused, \
                accounts.signing_in(prog, email, PASSWORD, STRANGER):
            pass
        assert refused.value.retry_after == 1
    with accounts.signing_in(second, email, PASSWORD, OWNER) as (_, account):
        assert account.email == email


def test_attempts_reserved_at_once_by_two_processes_all_count(
        world: Any, make_prog: Any) -> None:
    """Each attempt from a network of its own, so none is refused: every one is counted."""
    programmes = [world.prog, make_prog()]
    now = world.prog.engine.clock()
    each, problems = 6, []
    start = threading.Barrier(len(programmes) * 2)

    def reserve(prog: Any, thread: int) -> None:
        try:
            start.wait()
            for n in range(each):
                who = throttle.client(prog.settings, f"10.{thread}.{n}.1")
                throttle.reserve(prog.db, "target@pemda.go.id", who, now)
        except Exception as exc:  # noqa: BLE001 - reported below, with its type
            problems.append(repr(exc))

    threads = [threading.Thread(target=reserve, args=(prog, n))
               for n, prog in enumerate(programmes * 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    with world.prog.db.read() as session:
        counts = [failures for client, failures in session.execute(
            select(SignInThrottle.client, SignInThrottle.failures)).all()
            if client != throttle.EVERY_CLIENT]
        everyone = session.execute(select(SignInThrottle.failures).where(
            SignInThrottle.client == throttle.EVERY_CLIENT)).scalar_one()
    assert counts == [1] * (each * 4 * 2) and everyone == each * 4  # clients and networks
