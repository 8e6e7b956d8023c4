"""Accounts at full Argon2 cost: hashes, sign-in, rehashing, revocation, disabling."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from engine import InvalidInputError, NotAuthenticated, NotFoundError
from workflows.access import accounts, sessions
from workflows.access.models import Account

PASSWORD = "kata-sandi-rahasia-1"


def _authenticate(world: Any, email: str, password: str) -> Account:
    with world.prog.db.transaction() as session:
        account = accounts.authenticate(session, email, password, world.prog.engine.clock())
        session.expunge(account)
        return account


def test_passwords_are_stored_as_argon2id_and_checked(world: Any) -> None:
    r = world.region()
    accounts.create(world.prog, r.mentor, PASSWORD)
    with world.prog.db.read() as session:
        stored = session.execute(select(Account.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert _authenticate(world, r.mentor.upper(), PASSWORD).email == r.mentor
    for email, password in [(r.mentor, "wrong-password"), ("nobody@x.go.id", PASSWORD)]:
        with pytest.raises(NotAuthenticated, match="wrong email address or password"):
            _authenticate(world, email, password)


def test_a_weaker_hash_is_upgraded_at_the_next_sign_in(world: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    r = world.region()
    with monkeypatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
        accounts.create(world.prog, r.head, PASSWORD)
    _authenticate(world, r.head, PASSWORD)
    with world.prog.db.read() as session:
        stored = session.execute(select(Account.password_hash)).scalar_one()
    assert not PasswordHasher().check_needs_rehash(stored)


def test_only_registered_people_and_long_passwords(world: Any) -> None:
    with pytest.raises(NotFoundError, match="register the person or the OPD first"):
        accounts.create(world.prog, "stranger@example.go.id", PASSWORD)
    with pytest.raises(InvalidInputError, match="at least 10 characters"):
        accounts.create(world.prog, world.COORDINATOR, "short")
    admin = accounts.create(world.prog, "admin@example.go.id", PASSWORD, is_admin=True)
    assert admin.is_admin


def test_a_disabled_account_cannot_sign_in_and_loses_its_tokens(world: Any) -> None:
    accounts.create(world.prog, world.COORDINATOR, PASSWORD)
    now = world.prog.engine.clock()
    with world.prog.db.transaction() as session:
        account = accounts.authenticate(session, world.COORDINATOR, PASSWORD, now)
        _, secret = sessions.issue_token(session, account, "laptop", now)
    accounts.set_disabled(world.prog, world.COORDINATOR, True)
    with pytest.raises(NotAuthenticated, match="disabled"):
        _authenticate(world, world.COORDINATOR, PASSWORD)
    with world.prog.db.read() as session:
        assert sessions.token_account(session, secret, now) is None
    accounts.set_disabled(world.prog, world.COORDINATOR, False)
    assert _authenticate(world, world.COORDINATOR, PASSWORD).disabled_at is None
