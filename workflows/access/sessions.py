"""Signed-in browsers and API callers: session cookies and bearer tokens, stored as hashes.

A session's or token's secret is random, shown once (in the cookie, or to the API caller who
asked for it), and stored only as its SHA-256, so a copy of the database signs nobody in.
A password change or a disabled account revokes every session and token of the account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session
from sqlmodel import col, select

from engine import InvalidInputError, NotFoundError
from workflows.access.models import Account, ApiToken, WebSession

TOKEN_PREFIX = "sct_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def revoke_all(session: Session, account_id: int, now: datetime) -> None:
    session.execute(delete(WebSession).where(col(WebSession.account_id) == account_id))
    session.execute(update(ApiToken).where(col(ApiToken.account_id) == account_id,
                                           col(ApiToken.revoked_at).is_(None))
                    .values(revoked_at=now))


# -- browser sessions ------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenedSession:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    expires_at: datetime


def open_session(session: Session, account: Account, now: datetime,
                 hours: int) -> OpenedSession:
    token = secrets.token_urlsafe(32)
    opened = OpenedSession(token, secrets.token_urlsafe(24), now + timedelta(hours=hours))
    session.add(WebSession(token_hash=digest(token), account_id=account.id or 0,
                           csrf_token=opened.csrf_token, created_at=now,
                           expires_at=opened.expires_at))
    # Expired sessions of this account go as it signs in again: the table stays small.
    session.execute(delete(WebSession).where(col(WebSession.account_id) == account.id,
                                             col(WebSession.expires_at) < now))
    return opened


def session_account(session: Session, token: str,
                    now: datetime) -> tuple[Account, WebSession] | None:
    """The signed-in account for a cookie token, or None when unknown or expired."""
    row = session.execute(
        select(Account, WebSession).join(WebSession, col(WebSession.account_id) == col(Account.id))
        .where(WebSession.token_hash == digest(token), col(WebSession.expires_at) > now,
               col(Account.disabled_at).is_(None))
    ).first()
    return (row[0], row[1]) if row else None


def close_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(col(WebSession.token_hash) == digest(token)))


# -- API tokens ------------------------------------------------------------------------------

def issue_token(session: Session, account: Account, name: str, now: datetime,
                days: int | None = None) -> tuple[ApiToken, str]:
    """A new bearer token; the secret is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInputError("access.token_name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(token_hash=digest(secret), account_id=account.id or 0, name=name,
                     created_at=now,
                     expires_at=now + timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    return token, secret


def token_account(session: Session, secret: str, now: datetime) -> Account | None:
    """The account behind a bearer token, or None when unknown, revoked or expired."""
    row = session.execute(
        select(Account, ApiToken).join(ApiToken, col(ApiToken.account_id) == col(Account.id))
        .where(ApiToken.token_hash == digest(secret),
               col(ApiToken.revoked_at).is_(None),
               col(Account.disabled_at).is_(None))
    ).first()
    if row is None:
        return None
    account, token = row
    if token.expires_at is not None and token.expires_at <= now:
        return None
    return account


def revoke_token(session: Session, account: Account, token_id: int, now: datetime) -> None:
    result = session.execute(
        update(ApiToken).where(col(ApiToken.id) == token_id, col(ApiToken.account_id) == account.id,
                               col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now))
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFoundError("access.no_token", id=token_id)




def tokens_of(session: Session, account_id: int) -> list[ApiToken]:
    """An account's API tokens (never their secrets), oldest first."""
    return list(session.execute(select(ApiToken).where(
        col(ApiToken.account_id) == account_id).order_by(col(ApiToken.id))).scalars())
