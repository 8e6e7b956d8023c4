"""Who may sign in to the web pages and the API: accounts, browser sessions, API tokens and
the used nonces of the signed links in emails.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Account(SQLModel, table=True):
    """A login for a registered person or OPD, keyed by the same email address.

    The account says only who someone is; what they may do comes from the person or OPD with
    that address (:func:`workflows.directory.actors.actor_for`), so the engine's permission checks
    stay the single source of truth. ``is_admin`` lets an account manage other accounts.
    """

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=200)
    is_admin: bool = False
    locale: str = Field(default="id", max_length=2)
    created_at: datetime
    last_login_at: datetime | None = None
    disabled_at: datetime | None = None
    # Links from emails issued before this (a password change) no longer sign in.
    links_valid_after: datetime | None = None


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime


class ApiToken(SQLModel, table=True):
    """A bearer token for the REST API; shown once when created, stored as its SHA-256."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=100)
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class UsedLink(SQLModel, table=True):
    """The nonce of a signed link from an email that has been opened (links work once)."""

    __tablename__ = "used_link"

    nonce: str = Field(primary_key=True, max_length=32)
    email: str = Field(max_length=254)
    used_at: datetime


class SignInThrottle(SQLModel, table=True):
    """Wrong passwords counted per address and client (:mod:`workflows.access.throttle`), in
    the database so every server process sees the same count.

    ``client`` is a keyed hash of the client's IP address, of its network (IPv4 /24, IPv6 /48)
    or of a known device's id, so a stranger's failures slow down only that stranger (and their
    network) and a copy of the database lists nobody's IP address; the row whose ``client`` is
    :data:`workflows.access.throttle.EVERY_CLIENT` counts the address's failures from all
    clients together (the looser cap against guessing spread over many networks). ``failures``
    counts attempts reserved before their password was checked and not taken back since.
    """

    __tablename__ = "sign_in_throttle"

    address: str = Field(primary_key=True, max_length=254)
    client: str = Field(primary_key=True, max_length=64)
    failures: int
    first_failure_at: datetime
    last_failure_at: datetime = Field(index=True)  # old rows are pruned by it
    next_allowed_at: datetime
