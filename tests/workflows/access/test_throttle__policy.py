"""The sign-in throttle's policy, on both backends: a stranger's wrong passwords delay only the
stranger, the delay doubles up to a quarter of an hour, the right password waits it out, a
success clears the count, unknown addresses count alike, guessing spread over many networks meets
the per-address cap (which one client cannot reach alone), and old rows are pruned."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from pydantic import SecretStr
from sqlmodel import select

from config.language import using
from engine import NotAuthenticated
from workflows.access import accounts, throttle
from workflows.access.models import SignInThrottle
from workflows.access.throttle import SignInThrottled

PASSWORD = "kata-sandi-rahasia-1"
WRONG = "not-the-password"
STRANGER, OWNER = "198.51.100.7", "203.0.113.20"


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at full cost is checked in test_accounts__passwords.py; here only the counts."""
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def attempt(prog: Any, email: str, password: str, host: str, *, said: bool = False) -> str:
    """What a sign-in answers: ``ok``, the refusal's key, or ``wait N`` (seconds); ``said``:
    the refusal's text instead."""
    try:
        with accounts.signing_in(prog, email, password, host) as (_, account):
            assert account.email == email.strip().lower()
            return "ok"
    except SignInThrottled as exc:
        assert exc.status_code == 429
        return str(exc) if said else f"wait {exc.retry_after}"
    except NotAuthenticated as exc:
        return str(exc) if said else str(exc.code)


def rows(prog: Any) -> list[SignInThrottle]:
    with prog.db.read() as session:
        return list(session.execute(select(SignInThrottle)).scalars())


@pytest.fixture
def owner(world: Any) -> str:
    email = world.region().mentor
    accounts.create(world.prog, email, PASSWORD)
    return str(email)


def test_a_strangers_failures_delay_the_stranger_and_not_the_owner(
        world: Any, owner: str) -> None:
    prog = world.prog
    assert [attempt(prog, owner, WRONG, STRANGER) for _ in range(5)] == ["signin.wrong"] * 5
    # The right password from the stranger's client waits; it is not even checked.
    assert attempt(prog, owner, PASSWORD, STRANGER) == "wait 1"
    assert attempt(prog, owner.upper(), PASSWORD, STRANGER) == "wait 1"  # the same address
    assert attempt(prog, owner, PASSWORD, OWNER) == "ok"  # from elsewhere: at once


def test_the_delay_doubles_with_each_failure_up_to_a_quarter_of_an_hour(
        world: Any, owner: str, clock: Any) -> None:
    prog = world.prog
    for _ in range(5):
        attempt(prog, owner, WRONG, STRANGER)
    waits = []
    for _ in range(13):
        refused = attempt(prog, owner, WRONG, STRANGER)
        assert refused.startswith("wait "), refused
        waits.append(int(refused.split()[1]))
        clock.advance(seconds=waits[-1] - 1)
        assert attempt(prog, owner, WRONG, STRANGER) == "wait 1"  # a second still to wait
        clock.advance(seconds=1)
        assert attempt(prog, owner, WRONG, STRANGER) == "signin.wrong"
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


def test_the_right_password_waits_out_the_delay_and_then_clears_the_count(
        world: Any, owner: str, clock: Any) -> None:
    prog = world.prog
    for _ in range(7):
        clock.advance(seconds=30)
        attempt(prog, owner, WRONG, STRANGER)
    assert attempt(prog, owner, PASSWORD, STRANGER) == "wait 4"
    clock.advance(seconds=3)
    assert attempt(prog, owner, PASSWORD, STRANGER) == "wait 1"
    clock.advance(seconds=1)
    assert attempt(prog, owner, PASSWORD, STRANGER) == "ok"
    # The client's count is gone: five wrong passwords again before any wait.
    assert [r.client for r in rows(prog)] == [throttle.EVERY_CLIENT]
    assert [attempt(prog, owner, WRONG, STRANGER) for _ in range(5)] == ["signin.wrong"] * 5
    assert attempt(prog, owner, WRONG, STRANGER) == "wait 1"


def test_a_clients_count_starts_over_after_an_hour_without_failures(
        world: Any, owner: str, clock: Any) -> None:
    prog = world.prog
    for _ in range(5):
        attempt(prog, owner, WRONG, STRANGER)
    clock.advance(hours=1, seconds=1)
    assert [attempt(prog, owner, WRONG, STRANGER) for _ in range(5)] == ["signin.wrong"] * 5
    assert attempt(prog, owner, WRONG, STRANGER) == "wait 1"


def test_an_unknown_address_is_counted_and_answered_exactly_like_a_known_one(
        world: Any, owner: str, clock: Any) -> None:
    prog = world.prog
    unknown = "tidak.ada@pemda.go.id"

    def story(email: str) -> list[str]:
        said = []
        for _ in range(8):
            said.append(attempt(prog, email, WRONG, STRANGER))
            clock.advance(seconds=1)
        refused = attempt(prog, email, PASSWORD, STRANGER, said=True)
        return [*said, refused.replace(email, "ADDRESS")]

    told = story(unknown)
    assert told == story(owner) and "wait 1" in told
    assert told[-1].startswith("too many wrong passwords for ADDRESS; try again in")


def test_guessing_spread_over_many_networks_meets_the_per_address_cap(
        world: Any, owner: str, clock: Any) -> None:
    prog = world.prog
    for n in range(throttle.ADDRESS_FAILURES_FREE):  # each from a network of its own
        clock.advance(seconds=10)
        assert attempt(prog, owner, WRONG, f"10.{n // 250}.{n % 250}.1") == "signin.wrong"
    # Every client, the owner's too, now waits for the address: 2^(100 - 100) s.
    assert attempt(prog, owner, PASSWORD, OWNER) == "wait 1"
    clock.advance(seconds=1)
    assert attempt(prog, owner, PASSWORD, OWNER) == "ok"
    # An hour after the window's first failure the address's count starts over.
    assert attempt(prog, owner, WRONG, "10.9.9.9") == "signin.wrong"
    assert attempt(prog, owner, WRONG, "10.9.9.10") == "wait 2"
    clock.advance(hours=1)
    assert attempt(prog, owner, WRONG, "10.9.9.11") == "signin.wrong"
    assert attempt(prog, owner, PASSWORD, OWNER) == "ok"


def test_one_stranger_alone_never_reaches_the_per_address_cap(
        world: Any, owner: str, clock: Any) -> None:
    """Guessing from one client as fast as its delays allow, for a day."""
    prog = world.prog
    start, tries = clock(), 0
    while clock() - start < throttle.KEPT:
        said = attempt(prog, owner, WRONG, STRANGER)
        if said.startswith("wait "):
            clock.advance(seconds=int(said.split()[1]))
        else:
            tries += 1
    assert 5 + 10 + 24 * 4 - 2 <= tries <= 5 + 10 + 24 * 4 + 1  # free, growing, 4 an hour
    everyone = next(r for r in rows(prog) if r.client == throttle.EVERY_CLIENT)
    assert everyone.failures < throttle.ADDRESS_FAILURES_FREE
    assert attempt(prog, owner, PASSWORD, OWNER) == "ok"


def test_rows_older_than_a_day_are_pruned_when_failures_are_written(
        world: Any, owner: str, clock: Any) -> None:
    prog = world.prog
    attempt(prog, owner, WRONG, STRANGER)
    attempt(prog, "someone@else.go.id", WRONG, STRANGER)
    assert len(rows(prog)) == 6  # per address: the client, its network, everyone
    clock.advance(days=1, seconds=1)
    attempt(prog, owner, WRONG, OWNER)
    assert {(r.address, r.client) for r in rows(prog)} == {
        (owner, _key(prog, OWNER)), (owner, throttle.network_key(prog.settings, OWNER)),
        (owner, throttle.EVERY_CLIENT)}


def test_text_no_account_could_have_is_counted_without_storing_it(world: Any) -> None:
    """NUL (PostgreSQL refuses it in text) or an address past 254 characters."""
    prog = world.prog
    for typed in ["a\x00b@pemda.go.id", "x" * 300 + "@pemda.go.id"]:
        assert attempt(prog, typed, WRONG, STRANGER) == "signin.wrong"
    stored = {r.address for r in rows(prog)}
    assert len(stored) == 2 and all(a.startswith("sha256:") for a in stored)


def test_the_client_is_stored_as_a_keyed_hash_of_its_network(world: Any) -> None:
    settings = world.prog.settings
    key = throttle.client_key
    assert key(settings, "2001:db8:1:2::1") == key(settings, "2001:db8:1:2:ffff::9")  # one /64
    assert key(settings, "2001:db8:1:2::1") != key(settings, "2001:db8:1:3::1")
    assert key(settings, "::ffff:198.51.100.7") == key(settings, STRANGER)
    assert key(settings, STRANGER) != key(settings, "198.51.100.8")
    assert STRANGER not in key(settings, STRANGER) and len(key(settings, STRANGER)) == 64
    network = throttle.network_key
    assert network(settings, "2001:db8:1:2::1") == network(settings, "2001:db8:1:ff00::1")  # /48
    assert network(settings, "2001:db8:1:2::1") != network(settings, "2001:db8:2:2::1")
    assert network(settings, STRANGER) == network(settings, "198.51.100.250")  # one /24
    assert network(settings, STRANGER) != network(settings, "198.51.101.7")
    assert network(settings, "::ffff:198.51.100.7") == network(settings, STRANGER)
    assert network(settings, STRANGER) not in {key(settings, STRANGER), None}
    assert network(settings, "testclient") is None
    other = world.prog.settings.model_copy(update={"secret_key": SecretStr("another-key")})
    assert key(other, STRANGER) != key(settings, STRANGER)


def test_the_wait_reads_in_seconds_then_whole_minutes_in_each_language() -> None:
    with using("id"):
        assert str(SignInThrottled("a@b.id", 40)) == (
            "terlalu banyak kata sandi salah untuk a@b.id; coba lagi dalam 40 detik, "
            "atau buka tautan dari email")
        assert "coba lagi dalam 15 menit" in str(SignInThrottled("a@b.id", 900))
    with using("en"):
        assert "try again in 1 second," in str(SignInThrottled("a@b.id", 1))
        assert "try again in 2 minutes," in str(SignInThrottled("a@b.id", 61))


def _key(prog: Any, host: str) -> str:
    return throttle.client_key(prog.settings, host)
