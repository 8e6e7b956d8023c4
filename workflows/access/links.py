"""Signed, expiring, single-use links that open one item for someone who rarely signs in.

A reminder email carries a link per open item (``/l/<token>``). The token is signed with the
server's secret key (``itsdangerous``) and holds the recipient's address, the page to open
and an expiry taken from the programme's clock (not the wall clock, so a simulated clock
drives it too). Opening it shows a page with one button; only pressing it (a POST) uses the
link, so mail scanners that fetch every link do not use it up. Using it records its nonce in
``used_link`` in the same transaction that signs the person in; a second use is refused, and
the person signs in with their password instead. A password change voids the links issued
before it. Anyone who sees the email can use the link once: this is the same trust as a
password-reset email, and the reason links expire after ``SMARTCITY_LINK_DAYS``.

Links that set a password (an invitation to a new account, or "forgot password": see
:mod:`workflows.access.invitations`) are signed the same way under a salt of their own, and
share the used-nonce table: they too work once, expire, and are void after a password change.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session
from sqlmodel import select

from config.settings import Settings
from engine import NotAuthenticated
from workflows.access.models import UsedLink

SALT = "smartcity-link"


def secret_key(settings: Settings) -> str:
    """The configured key, or one generated once into ``DATA_DIR/secret.key`` (mode 0600).

    The key is written whole to a private temporary file and then hard-linked into place:
    the link either appears complete or fails because another process got there first, so
    two processes (or threads) starting at once agree on one key and none ever reads a file
    that exists but is not written yet (an empty key would sign links anyone could forge).
    """
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path: Path = settings.data_dir / "secret.key"
    try:
        found = path.read_text().strip()
    except FileNotFoundError:
        found = ""
    if found:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd, scratch = tempfile.mkstemp(prefix=".secret.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(scratch, path)
        except FileExistsError:  # another process linked its key first: use that one
            theirs = path.read_text().strip()
            if theirs:
                return theirs
            os.replace(scratch, path)  # left empty by a crash of an older release
        return key
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(scratch)


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(settings), salt=SALT)


def make_token(settings: Settings, email: str, path: str, now: datetime) -> str:
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"a link opens a page of this site, not {path!r}")
    expires = int((now + timedelta(days=settings.link_days)).timestamp())
    return _serializer(settings).dumps(
        {"e": email, "p": path, "x": expires, "i": int(now.timestamp()),
         "n": secrets.token_hex(12)})


def make_url(settings: Settings, email: str, path: str, now: datetime) -> str:
    """The full address to put in an email."""
    return f"{settings.base_url}/l/{make_token(settings, email, path, now)}"


@dataclass(frozen=True)
class OpenedLink:
    email: str
    path: str
    issued_at: datetime


def peek(settings: Settings, token: str, now: datetime) -> OpenedLink:
    """The link's content if its signature and date are good; it stays unused."""
    try:
        data = _serializer(settings).loads(token)
        email, path, expires = str(data["e"]), str(data["p"]), int(data["x"])
        issued = datetime.fromtimestamp(int(data["i"]), UTC)
        str(data["n"])
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        raise NotAuthenticated("access.link_invalid") from None
    if now >= datetime.fromtimestamp(expires, UTC):
        raise NotAuthenticated("access.link_expired")
    return OpenedLink(email, path, issued)


def redeem(session: Session, settings: Settings, token: str, now: datetime) -> OpenedLink:
    """Check the link and mark it used (in the caller's transaction); refuse it otherwise."""
    opened = peek(settings, token, now)
    nonce = str(_serializer(settings).loads(token)["n"])
    if session.execute(select(UsedLink.nonce).where(UsedLink.nonce == nonce)).first():
        raise NotAuthenticated("access.link_used")
    session.add(UsedLink(nonce=nonce, email=opened.email, used_at=now))
    session.flush()  # a concurrent second opening fails on the primary key here
    return opened


# -- calendar subscriptions ---------------------------------------------------------------

CALENDAR_SALT = "smartcity-calendar"


def calendar_token(settings: Settings, email: str, now: datetime) -> str:
    """A long-lived signed address for a calendar app to subscribe to an OPD's deadlines.

    Calendar apps cannot sign in, so the address itself is the credential: it reads only
    that OPD's deadlines, works until the account's password changes (which voids every
    address issued before), and is shown only to the OPD on its own page.
    """
    return URLSafeSerializer(secret_key(settings), salt=CALENDAR_SALT).dumps(
        {"e": email, "i": int(now.timestamp())})


def calendar_email(settings: Settings, token: str) -> tuple[str, datetime]:
    """The address and issue time of a calendar token, or :class:`NotAuthenticated`."""
    try:
        data = URLSafeSerializer(secret_key(settings), salt=CALENDAR_SALT).loads(token)
        return str(data["e"]), datetime.fromtimestamp(int(data["i"]), UTC)
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        raise NotAuthenticated("opd.calendar_invalid") from None


# -- why a link no longer works -------------------------------------------------------------

#: Why a link opens nothing, for the page to word in the reader's language (the page then
#: offers the sign-in form instead): cut short or forged, past its date, or used already.
INVALID: Final = "invalid"
EXPIRED: Final = "expired"
USED: Final = "used"


def _decoded(serializer: URLSafeSerializer, token: str) -> dict[str, Any] | None:
    try:
        data = serializer.loads(token)
        return {"e": str(data["e"]), "x": int(data["x"]), "n": str(data["n"]),
                "i": datetime.fromtimestamp(int(data["i"]), UTC), "p": str(data.get("p", "")),
                "k": str(data.get("k", "")), "l": str(data.get("l", ""))}
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError,
            AttributeError):
        return None


def _used(session: Session, nonce: str) -> bool:
    return session.execute(select(UsedLink.nonce).where(UsedLink.nonce == nonce)).first() \
        is not None


def inspect(session: Session, settings: Settings, token: str,
            now: datetime) -> tuple[OpenedLink | None, str | None]:
    """A sign-in link from an email as far as it can be read (None when its signature is
    bad), and why it would be refused (:data:`INVALID`, :data:`EXPIRED`, :data:`USED`) or
    None when it still works; nothing is used up."""
    data = _decoded(_serializer(settings), token)
    if data is None:
        return None, INVALID
    opened = OpenedLink(data["e"], data["p"], data["i"])
    if now >= datetime.fromtimestamp(data["x"], UTC):
        return opened, EXPIRED
    return opened, (USED if _used(session, data["n"]) else None)


# -- links that set a password ----------------------------------------------------------------

#: A password link is signed under its own salt: a sign-in link can never be passed off as
#: one (nor the reverse), although both share the secret key and the used-nonce table.
PASSWORD_SALT = "smartcity-password"
#: An invitation to a new account lives as long as a sign-in link (``SMARTCITY_LINK_DAYS``):
#: people are invited ahead of their first task. A reset answers a request made a moment ago,
#: so it expires within the day, as mature services do.
INVITE: Final = "invite"
RESET: Final = "reset"
RESET_HOURS: Final = 24


@dataclass(frozen=True)
class PasswordLink:
    email: str
    purpose: str  # INVITE or RESET
    issued_at: datetime
    expires_at: datetime
    nonce: str
    locale: str  # the language the link's email was written in


def password_expiry(settings: Settings, purpose: str, now: datetime) -> datetime:
    return now + (timedelta(days=settings.link_days) if purpose == INVITE
                  else timedelta(hours=RESET_HOURS))


def make_password_url(settings: Settings, email: str, purpose: str, now: datetime,
                      locale: str = "id") -> str:
    """The address, for an email, of the page where ``email`` sets a password (once); the
    email's ``locale`` goes along, for an account the link creates."""
    if purpose not in (INVITE, RESET):
        raise ValueError(f"a password link is an {INVITE!r} or a {RESET!r}, not {purpose!r}")
    expires = int(password_expiry(settings, purpose, now).timestamp())
    token = URLSafeSerializer(secret_key(settings), salt=PASSWORD_SALT).dumps(
        {"e": email, "k": purpose, "x": expires, "i": int(now.timestamp()),
         "n": secrets.token_hex(12), "l": locale})
    return f"{settings.base_url}/password/{token}"


def open_password_link(session: Session, settings: Settings, token: str,
                       now: datetime) -> PasswordLink | str:
    """The password link's content, or why it no longer works (:data:`INVALID`,
    :data:`EXPIRED`, :data:`USED`); nothing is used up."""
    data = _decoded(URLSafeSerializer(secret_key(settings), salt=PASSWORD_SALT), token)
    if data is None or data["k"] not in (INVITE, RESET):
        return INVALID
    expires = datetime.fromtimestamp(data["x"], UTC)
    if now >= expires:
        return EXPIRED
    if _used(session, data["n"]):
        return USED
    return PasswordLink(data["e"], data["k"], data["i"], expires, data["n"], data["l"])


def use_password_link(session: Session, link: PasswordLink, now: datetime) -> None:
    """Mark the link used in the caller's transaction (a concurrent second use fails on the
    nonce's primary key, and its transaction rolls back)."""
    session.add(UsedLink(nonce=link.nonce, email=link.email, used_at=now))
    session.flush()
