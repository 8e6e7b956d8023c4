"""Accounts: passwords and sign-in (throttled by :mod:`workflows.access.throttle`), for
registered people and OPDs.

An account is keyed by the email address of a person or OPD already in the directory; what
its owner may do is never stored here but derived from that person or OPD on every request
(:func:`workflows.directory.actors.actor_for`), so a mentor reassigned to another region gets
the new region at once. Passwords are hashed with Argon2id (``argon2-cffi``) and rehashed when the
parameters change. Session and token secrets are random, shown once, and stored as SHA-256
hashes (:mod:`workflows.access.sessions`): a copy of the database signs nobody in.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from engine import InvalidInputError, NotAuthenticated, NotFoundError, WorkflowError
from workflows.access import known_devices, throttle
from workflows.access.models import Account
from workflows.access.sessions import revoke_all
from workflows.directory.imports import normalise_email_arg
from workflows.directory.models import Opd, Person
from workflows.programme import Programme

MIN_PASSWORD = 10
LOCALES = ("id", "en")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a wrong address costs as long as a
    wrong password and the response time does not tell which accounts exist. Made on first
    use: hashing costs tens of milliseconds, which a command that signs nobody in never pays.
    """
    return _hasher.hash(secrets.token_hex(16))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError("access.password_short", n=MIN_PASSWORD)
    if password.strip() != password or not password.isprintable():
        raise InvalidInputError("access.password_spaces")


def registered(session: Session, email: str) -> bool:
    """Whether a person or an OPD has this address (an account must belong to one)."""
    return any(
        session.execute(select(model.id).where(model.email == email)).first() is not None
        for model in (Person, Opd)
    )


def create(prog: Programme, email: str, password: str, *, is_admin: bool = False,
           locale: str = "id") -> Account:
    """A new account for a registered person or OPD (an admin account needs neither)."""
    address = normalise_email_arg(email, "email")
    _check_password(password)
    if locale not in LOCALES:
        raise InvalidInputError("access.locale_unknown", known=list(LOCALES), given=locale)
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        if session.execute(select(Account.id).where(Account.email == address)).first():
            raise InvalidInputError("access.account_exists", address=address)
        if not is_admin and not registered(session, address):
            raise NotFoundError("access.not_registered", address=address)
        account = Account(email=address, password_hash=_hasher.hash(password),
                          is_admin=is_admin, locale=locale, created_at=now)
        session.add(account)
        session.flush()
        session.expunge(account)
        return account


def set_password(prog: Programme, email: str, password: str) -> None:
    """Change a password; every session and token of the account stops working."""
    address = normalise_email_arg(email, "email")
    _check_password(password)
    with prog.db.transaction() as session:
        account = _find(session, address)
        account.password_hash = _hasher.hash(password)
        now = prog.engine.clock()
        account.links_valid_after = now  # links already mailed stop signing in
        revoke_all(session, account.id or 0, now)


def set_disabled(prog: Programme, email: str, disabled: bool) -> None:
    address = normalise_email_arg(email, "email")
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        account = _find(session, address)
        account.disabled_at = now if disabled else None
        if disabled:
            revoke_all(session, account.id or 0, now)


def listing(prog: Programme) -> list[Account]:
    with prog.db.read() as session:
        return list(session.execute(select(Account).order_by(Account.email)).scalars())


def _find(session: Session, address: str) -> Account:
    account = session.execute(
        select(Account).where(Account.email == address)).scalar_one_or_none()
    if account is None:
        raise NotFoundError("access.no_account", address=address)
    return account


# At most HASHING_AT_ONCE Argon2 checks (64 MiB each) run at a time, so a flood of sign-in
# requests queues instead of exhausting memory. Guessing is slowed by
# :mod:`workflows.access.throttle`, per address and client, across processes.
HASHING_AT_ONCE = 4
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)


def _verify(stored: str, password: str) -> bool:
    with _hashing:
        try:
            return bool(_hasher.verify(stored, password))
        except InvalidHashError:  # an account made by a link, with no password yet
            _hasher.verify(_dummy_hash(), password + "\x00")  # same time as a real check
            return False
        except VerificationError:
            return False


def authenticate(session: Session, email: str, password: str, now: datetime) -> Account:
    """The account for these credentials, or :class:`NotAuthenticated` (which never says
    whether the address or the password was wrong).

    Not throttled: whatever faces the network signs in through :func:`signing_in`."""
    address = email.strip().lower()
    refused = NotAuthenticated("signin.wrong")
    account: Account | None = None
    if len(address) <= 254 and address.isprintable():  # no account has another address
        account = session.execute(
            select(Account).where(col(Account.email) == address)).scalar_one_or_none()
    if account is None:
        _verify(_dummy_hash(), password)  # as long as a wrong password for a real account
        raise refused
    if not _verify(account.password_hash, password):
        raise refused
    if account.disabled_at is not None:
        raise NotAuthenticated("signin.disabled", address=address)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.last_login_at = now
    session.flush()  # written even when the caller detaches the account before commit
    return account


@contextmanager
def signing_in(prog: Programme, email: str, password: str, client_host: str | None,
               device_cookie: str | None = None) -> Iterator[tuple[Session, Account]]:
    """Sign in from the network: the session of a write transaction and the account, for the
    caller to open a browser session or issue a token in the same transaction.

    ``client_host`` is the client's IP address (``request.client.host``); ``device_cookie`` the
    known-device cookie it sent (:mod:`workflows.access.known_devices`), if any: valid for this
    address, the attempt counts under the device instead of the client and its network. The
    attempt is reserved by :mod:`workflows.access.throttle` before the password is checked, in
    a transaction of its own, so attempts at once are counted one after another; a delayed one
    is refused with :class:`~workflows.access.throttle.SignInThrottled`, unchecked. A wrong
    password stays counted (the sign-in's own transaction rolls back); a right one clears the
    client's count in the sign-in's transaction; any other end takes the attempt back.
    """
    now = prog.engine.clock()
    device = known_devices.device(prog.settings, email, device_cookie, now)
    who = throttle.client(prog.settings, client_host, device)
    reservation = throttle.reserve(prog.db, email, who, now)
    wrong = False
    try:
        with prog.db.transaction() as session:
            try:
                account = authenticate(session, email, password, now)
            except NotAuthenticated as exc:
                wrong = exc.code == "signin.wrong"
                raise
            throttle.release(session, reservation, signed_in=True)
            yield session, account
    except BaseException:
        if not wrong:  # rolled back: the password was right (or never answered)
            with suppress(WorkflowError), prog.db.transaction() as session:
                throttle.release(session, reservation, signed_in=False)
        raise


def account_by_id(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError("access.no_account_id", id=account_id)
    return account


def account_for_email(session: Session, email: str, now: datetime,
                      issued_at: datetime | None = None) -> Account:
    """The active account of ``email``, made on first use for a registered person or OPD.

    Someone who opens a link from an email may never have set a password: the link itself
    proves the address, so an account without a usable password is created for them.
    """
    address = email.strip().lower()
    account = session.execute(
        select(Account).where(col(Account.email) == address)).scalar_one_or_none()
    if account is None:
        if not registered(session, address):
            raise NotAuthenticated("access.no_longer_registered", address=address)
        account = Account(email=address, password_hash="!" + secrets.token_hex(16),
                          created_at=now)
        session.add(account)
        session.flush()
    if account.disabled_at is not None:
        raise NotAuthenticated("signin.disabled", address=address)
    if issued_at is not None and account.links_valid_after is not None \
            and issued_at < account.links_valid_after:
        raise NotAuthenticated("access.link_before_password")
    return account


def active_account(session: Session, email: str, issued_at: datetime) -> Account | None:
    """The account of ``email`` if it still honours a credential issued at ``issued_at`` (not
    disabled, no password change since), else None."""
    account = session.execute(
        select(Account).where(col(Account.email) == email)).scalar_one_or_none()
    if account is None or account.disabled_at is not None:
        return None
    if account.links_valid_after is not None and issued_at < account.links_valid_after:
        return None
    return account


#: Why a link's recipient may not be signed in by it (see :func:`link_refusal`).
DISABLED = "disabled"
REPLACED = "replaced"
UNREGISTERED = "unregistered"


def link_refusal(session: Session, email: str, issued_at: datetime) -> str | None:
    """Why a link issued to ``email`` at ``issued_at`` may not sign anyone in: the account is
    :data:`DISABLED`, a password was set since (:data:`REPLACED`), or the address is no
    longer in the directory (:data:`UNREGISTERED`); None when it may. The same rules as
    :func:`account_for_email`, asked before anything is used up, so a page can say why."""
    account = session.execute(
        select(Account).where(col(Account.email) == email.strip().lower())).scalar_one_or_none()
    if account is None:
        return None if registered(session, email.strip().lower()) else UNREGISTERED
    if account.disabled_at is not None:
        return DISABLED
    if account.links_valid_after is not None and issued_at < account.links_valid_after:
        return REPLACED
    return None


def has_password(account: Account) -> bool:
    """Whether the account's owner has set a password (an account made by an invitation or
    a link from an email has none until then)."""
    return not account.password_hash.startswith("!")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (for a password set from a link from an email)."""
    return _hasher.hash(password)
