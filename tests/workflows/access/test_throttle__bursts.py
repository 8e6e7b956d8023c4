"""Wrong passwords sent all at once, on SQLite and PostgreSQL: each attempt is reserved before its
password is checked, so only the allowance is checked and the rest are refused unchecked, from
one client and from many networks, in one process or two."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from argon2 import PasswordHasher

from engine import NotAuthenticated
from workflows.access import accounts, known_devices, throttle
from workflows.access.links import secret_key
from workflows.access.throttle import SignInThrottled

PASSWORD = "kata-sandi-rahasia-1"
WRONG = "not-the-password"
STRANGER, OWNER = "198.51.100.7", "203.0.113.20"


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password check made (the hash is verified), however the attempt ends."""
    made: list[str] = []
    verify = accounts._verify

    def counted(stored: str, password: str) -> bool:
        made.append(password)  # list.append is atomic: threads may call at once
        return verify(stored, password)

    monkeypatch.setattr(accounts, "_verify", counted)
    return made


def attempt(prog: Any, email: str, password: str, host: str, device: str | None = None) -> str:
    try:
        with accounts.signing_in(prog, email, password, host, device):
            return "ok"
    except SignInThrottled as exc:
        return f"wait {exc.retry_after}"
    except NotAuthenticated as exc:
        return str(exc.code)


def at_once(attempts: list[tuple[Any, str]], email: str) -> Counter[str]:
    """Each (programme, host) sends a wrong password for ``email`` in a thread of its own, all
    released together; what they were answered, counted."""
    for prog in {id(prog): prog for prog, _ in attempts}.values():
        # The generated key file is made before the threads: threads racing to create it can
        # read it empty (links.secret_key), and would count one client under two keys.
        secret_key(prog.settings)
    start = threading.Barrier(len(attempts))
    answers: list[str] = []

    def send(prog: Any, host: str) -> None:
        start.wait()
        try:
            answers.append(attempt(prog, email, WRONG, host))
        except Exception as exc:  # noqa: BLE001 - anything else fails the test, with its type
            answers.append(repr(exc))

    threads = [threading.Thread(target=send, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(answers)


@pytest.fixture
def owner(world: Any) -> str:
    email = world.region().mentor
    accounts.create(world.prog, email, PASSWORD)
    return str(email)


def test_thirty_at_once_from_one_client_check_five_passwords(
        world: Any, make_prog: Any, owner: str, checks: list[str]) -> None:
    programmes = [world.prog, make_prog()]  # two server processes, fifteen threads each
    answers = at_once([(programmes[n % 2], STRANGER) for n in range(30)], owner)
    assert answers == {"signin.wrong": throttle.FAILURES_FREE, "wait 1": 25}
    assert len(checks) == throttle.FAILURES_FREE
    assert attempt(world.prog, owner, PASSWORD, STRANGER) == "wait 1"
    assert attempt(world.prog, owner, PASSWORD, OWNER) == "ok"  # elsewhere: at once


def test_an_unknown_address_under_a_burst_is_answered_alike(
        world: Any, checks: list[str]) -> None:
    answers = at_once([(world.prog, STRANGER)] * 12, "tidak.ada@pemda.go.id")
    assert answers == {"signin.wrong": throttle.FAILURES_FREE, "wait 1": 7}
    assert len(checks) == throttle.FAILURES_FREE  # each against the dummy hash


def test_a_hundred_and_ten_at_once_from_as_many_networks_check_a_hundred(
        world: Any, owner: str, checks: list[str]) -> None:
    networks = [(world.prog, f"10.{n // 200}.{n % 200}.1") for n in range(110)]
    answers = at_once(networks, owner)
    cap = throttle.ADDRESS_FAILURES_FREE
    assert answers == {"signin.wrong": cap, "wait 1": 110 - cap}
    assert len(checks) == cap
    # The address is delayed for browsers that never signed in to it (by design: a hundred
    # networks), but not for the owner's known device, wherever it is.
    now = world.prog.engine.clock()
    cookie = known_devices.issue(world.prog.settings, owner, now)
    device = known_devices.device(world.prog.settings, owner, cookie, now)
    assert attempt(world.prog, owner, PASSWORD, OWNER) == "wait 1"
    assert device is not None
    assert attempt(world.prog, owner, PASSWORD, STRANGER, cookie) == "ok"
