"""Shared caps a stranger cannot turn against the owner, on both backends: the /64s of one
stranger's IPv6 /56 count as one network (and so do the addresses of an IPv4 /24), the owner's
known device is delayed only by its own failures, and a right password that is not a sign-in
(a disabled account) takes its attempt back."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from engine import NotAuthenticated
from workflows.access import accounts, known_devices, throttle
from workflows.access.models import SignInThrottle
from workflows.access.throttle import SignInThrottled

PASSWORD = "kata-sandi-rahasia-1"
WRONG = "not-the-password"
OWNER = "203.0.113.20"
#: The stranger's home network: 256 /64 clients.
HOME_56 = [f"2001:db8:aa:ff{n:02x}::1" for n in range(256)]


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def attempt(prog: Any, email: str, password: str, host: str, cookie: str | None = None) -> str:
    try:
        with accounts.signing_in(prog, email, password, host, cookie):
            return "ok"
    except SignInThrottled as exc:
        return f"wait {exc.retry_after}"
    except NotAuthenticated as exc:
        return str(exc.code)


def everyone(prog: Any) -> int:
    """The address's count from every client (0 without a row)."""
    with prog.db.read() as session:
        return session.execute(select(SignInThrottle.failures).where(
            SignInThrottle.client == throttle.EVERY_CLIENT)).scalar_one_or_none() or 0


@pytest.fixture
def owner(world: Any) -> str:
    email = world.region().mentor
    accounts.create(world.prog, email, PASSWORD)
    return str(email)


def test_a_strangers_ipv6_56_is_one_network_and_does_not_delay_the_owner(
        world: Any, owner: str) -> None:
    prog = world.prog
    cookie = known_devices.issue(prog.settings, owner, prog.engine.clock())
    answers = [attempt(prog, owner, WRONG, host) for host in HOME_56 for _ in range(5)]
    free = throttle.NETWORK_FAILURES_FREE
    assert answers.count("signin.wrong") == free and answers[free:] == ["wait 1"] * (1280 - free)
    assert everyone(prog) == free  # nowhere near the address's cap
    assert attempt(prog, owner, PASSWORD, OWNER) == "ok"  # any other network: at once
    # Within the stranger's own /48 the network waits, except for the owner's known device.
    assert attempt(prog, owner, PASSWORD, "2001:db8:aa:1::1") == "wait 1"
    assert attempt(prog, owner, PASSWORD, HOME_56[0], cookie) == "ok"


def test_an_hour_of_guessing_from_a_56_checks_about_twenty_passwords(
        world: Any, owner: str, clock: Any) -> None:
    """Every /64 in turn, one attempt each 10 seconds, for an hour."""
    prog = world.prog
    answers = []
    for n in range(360):
        clock.advance(seconds=10)
        answers.append(attempt(prog, owner, WRONG, HOME_56[n % 256]))
    assert 20 <= answers.count("signin.wrong") <= 24  # 10 free, then the network's delays
    assert everyone(prog) == answers.count("signin.wrong")
    assert attempt(prog, owner, PASSWORD, OWNER) == "ok"


def test_an_ipv4_24_is_one_network_too(world: Any, owner: str) -> None:
    prog = world.prog
    answers = [attempt(prog, owner, WRONG, f"198.51.100.{n}") for n in range(1, 255)]
    assert answers.count("signin.wrong") == throttle.NETWORK_FAILURES_FREE
    assert attempt(prog, owner, PASSWORD, "198.51.101.1") == "ok"


def test_the_owners_known_device_passes_the_address_cap_but_not_its_own_delay(
        world: Any, owner: str, clock: Any) -> None:
    prog = world.prog
    now = clock()
    cookie = known_devices.issue(prog.settings, owner, now)
    for n in range(throttle.ADDRESS_FAILURES_FREE):  # guessing from a hundred networks
        assert attempt(prog, owner, WRONG, f"10.{n}.0.1") == "signin.wrong"
    assert attempt(prog, owner, PASSWORD, OWNER) == "wait 1"  # a browser never signed in
    for stranger_cookie in [
            known_devices.issue(prog.settings, "someone@else.go.id", now),  # another address's
            cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"),  # altered
            "1767578400.forged-device.c2lnbmF0dXJl"]:  # made up
        assert attempt(prog, owner, PASSWORD, OWNER, stranger_cookie) == "wait 1"
    # The device itself: five wrong passwords from anywhere, then its own wait (a stolen cookie
    # is one client however many machines send it); the address's count never refuses it.
    assert [attempt(prog, owner, WRONG, f"192.0.2.{n}", cookie) for n in range(7)] == [
        "signin.wrong"] * 5 + ["wait 1"] * 2
    clock.advance(seconds=1)
    assert attempt(prog, owner, PASSWORD, OWNER, cookie) == "ok"
    # The others still wait, the longer for the device's failures: the address counts them
    # (2^(105 - 100) s, one gone).
    assert attempt(prog, owner, PASSWORD, OWNER) == "wait 31"
    clock.advance(days=400)  # a device cookie is kept a year
    for n in range(throttle.ADDRESS_FAILURES_FREE):
        attempt(prog, owner, WRONG, f"10.{n}.0.1")
    assert attempt(prog, owner, PASSWORD, OWNER, cookie) == "wait 1"


def test_a_success_takes_back_its_attempt_from_the_address_count(
        world: Any, owner: str) -> None:
    prog = world.prog
    for n in range(throttle.ADDRESS_FAILURES_FREE - 1):
        attempt(prog, owner, WRONG, f"10.{n}.0.1")
    assert attempt(prog, owner, PASSWORD, OWNER) == "ok"  # the hundredth attempt: no wait
    assert everyone(prog) == throttle.ADDRESS_FAILURES_FREE - 1
    assert attempt(prog, owner, WRONG, "10.200.0.1") == "signin.wrong"
    assert attempt(prog, owner, PASSWORD, OWNER) == "wait 1"


def test_a_disabled_accounts_right_password_is_not_counted(world: Any, owner: str) -> None:
    prog = world.prog
    accounts.set_disabled(prog, owner, True)
    assert [attempt(prog, owner, PASSWORD, OWNER) for _ in range(8)] == ["signin.disabled"] * 8
    with prog.db.read() as session:
        assert session.execute(select(SignInThrottle)).first() is None
    assert [attempt(prog, owner, WRONG, OWNER) for _ in range(6)] == [
        "signin.wrong"] * 5 + ["wait 1"]
