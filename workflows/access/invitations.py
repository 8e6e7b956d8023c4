"""Passwords set by email: invitations to a new account, and "forgot password".

Most people in the programme (OPDs, heads of region, mentors) never meet whoever runs it, and
must never be handed a password someone else chose. So an account is opened by an invitation:
a manager of accounts (:mod:`workflows.access.roster`) names a registered person or OPD, the
account is created without a password, and its owner gets an ``account_invite`` email with a
signed link to the page where they choose one (:func:`workflows.access.links.make_password_url`).
A whole cohort's OPDs are invited at once, each OPD that has no account yet getting its own
email, in one transaction. Someone who forgot a password, or never had one, asks for a
``password_reset`` email on the sign-in page; the page answers the same whether the address
is known or not, so it tells no one who has an account.

A password link works once, expires (an invitation after ``SMARTCITY_LINK_DAYS``, a reset
after :data:`~workflows.access.links.RESET_HOURS` hours), and stops working when a password is
set after it was sent, as the sign-in links do. Setting the password ends the account's other
sessions and API tokens and signs the person in, in the same transaction.

Every email goes through the outbox in the transaction of the action, in its recipient's
language (the account's, else the one chosen for the invitation, else the language the reset
was asked in), with times in the recipient's zone. The outbox key of a reset carries a
quarter-hour, so a form sent again and again mails an address at most once in that time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session
from sqlmodel import col, select

from config import language, messages
from config.messages import Message
from config.settings import Settings
from engine import ConflictError, InvalidInputError, NotAuthenticated, NotFoundError
from notifications.queue import Email, queue_email, queue_emails
from workflows import roles
from workflows.access import links
from workflows.access.accounts import LOCALES, MIN_PASSWORD, hash_password, link_refusal
from workflows.access.models import Account
from workflows.access.roster import Manager
from workflows.access.sessions import revoke_all
from workflows.directory.cohorts import find_cohort, members
from workflows.directory.imports import RowError, normalise_email
from workflows.directory.models import Opd, Person, Region
from workflows.emails.catalogue import EMAILS
from workflows.emails.salutation import to_office, to_person
from workflows.programme import Programme
from workflows.zones import NATIONAL_TZ, spoken

#: A reset email at most once per address in this many seconds, however often it is asked.
RESET_EVERY: Final = 15 * 60


class LinkRefused(NotAuthenticated):
    """A password link that no longer works; ``reason`` says why (a
    :mod:`~workflows.access.links` or :mod:`~workflows.access.accounts` refusal code)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(Message(f"accounts.link.{reason}"))


@dataclass(frozen=True)
class Recipient:
    """Who an email about an account goes to, from the directory."""

    email: str
    name: str
    role: str
    region_name: str | None
    tz: str


def _recipient(session: Session, address: str) -> Recipient | None:
    person = session.execute(
        select(Person).where(col(Person.email) == address)).scalar_one_or_none()
    opd = None if person else session.execute(
        select(Opd).where(col(Opd.email) == address)).scalar_one_or_none()
    owner = person or opd
    if owner is None:
        return None
    region = session.get(Region, owner.region_code) if owner.region_code else None
    return Recipient(address, owner.name, roles.OPD if opd is not None else person.role,  # type: ignore[union-attr]
                     region.name if region else None, region.tz if region else NATIONAL_TZ)


def _address(email: str) -> str:
    try:
        return normalise_email(email)
    except RowError:
        raise InvalidInputError(Message("accounts.error.bad_email",
                                        email=email.strip()[:254])) from None


def _locale(locale: str) -> str:
    if locale not in LOCALES:
        raise InvalidInputError(Message("accounts.error.bad_locale"))
    return locale


def _context(settings: Settings, who: Recipient, purpose: str, now: datetime, locale: str,
             inviter: str | None = None) -> tuple[dict[str, Any], str]:
    """The email's context in the recipient's language, and its password link."""
    url = links.make_password_url(settings, who.email, purpose, now, locale)
    with language.using(locale):
        context: dict[str, Any] = {
            "recipient_name": who.name,
            "salutation": (to_office(who.name, who.region_name) if who.role == roles.OPD
                           else to_person(who.name)),
            "email": who.email,
            "app_url": url,
            "expires": spoken(links.password_expiry(settings, purpose, now), who.tz),
        }
        if purpose == links.INVITE:
            context |= {"role": messages.text(f"role.{who.role}"),
                        "region_name": who.region_name or "", "inviter_name": inviter or "",
                        "login_url": f"{settings.base_url}/login"}
    return context, url


def _invite_key(address: str, now: datetime) -> str:
    # One invitation a minute per address: a second press of the button sends nothing more.
    return f"account_invite:{address}:{now:%Y%m%dT%H%M}"


def invite(prog: Programme, by: Manager, email: str, locale: str = "id") -> Account:
    """Open an account with no password for a registered person or OPD and email them a
    link to choose one; again for an invited account whose owner has not chosen one yet."""
    address, chosen = _address(email), _locale(locale)
    settings, now = prog.settings, prog.engine.clock()
    with prog.db.transaction() as session:
        who = _recipient(session, address)
        if who is None:
            raise NotFoundError(Message("accounts.error.unregistered", email=address))
        account = session.execute(
            select(Account).where(col(Account.email) == address)).scalar_one_or_none()
        if account is not None and account.disabled_at is not None:
            raise ConflictError(Message("accounts.error.invite_disabled", email=address))
        if account is not None and not account.password_hash.startswith("!"):
            raise ConflictError(Message("accounts.error.has_password", email=address))
        if account is None:
            account = Account(email=address, password_hash=_no_password(), locale=chosen,
                              created_at=now)
            session.add(account)
        account.locale = chosen
        session.flush()
        context, _ = _context(settings, who, links.INVITE, now, chosen, by.name)
        queue_email(session, settings, EMAILS, kind="account_invite", recipient=address,
                    context=context, key=_invite_key(address, now), now=now, locale=chosen)
        session.expunge(account)
        return account


def invite_cohort_opds(prog: Programme, by: Manager, cohort: str, locale: str = "id") -> int:
    """Invite every OPD of the cohort's regions that has no account yet, one email each, in
    one transaction; how many were invited (0 when every OPD has an account already)."""
    chosen = _locale(locale)
    settings, now = prog.settings, prog.engine.clock()
    with prog.db.transaction() as session:
        found = find_cohort(session, cohort, Message("accounts.error.cohort_hint"))
        codes = members(session, found.id or 0)
        if not codes:
            return 0
        rows = session.execute(
            select(Opd, Region).join(Region, col(Region.code) == col(Opd.region_code))
            .outerjoin(Account, col(Account.email) == col(Opd.email))
            .where(col(Opd.region_code).in_(codes), col(Account.id).is_(None))
            .order_by(col(Opd.region_code), col(Opd.code))).all()
        emails = []
        for opd, region in rows:
            session.add(Account(email=opd.email, password_hash=_no_password(), locale=chosen,
                                created_at=now))
            who = Recipient(opd.email, opd.name, roles.OPD, region.name, region.tz)
            context, _ = _context(settings, who, links.INVITE, now, chosen, by.name)
            emails.append(Email("account_invite", opd.email, context,
                                _invite_key(opd.email, now), chosen))
        session.flush()
        queue_emails(session, settings, EMAILS, emails, now)
        return len(emails)


def request_reset(prog: Programme, email: str) -> None:
    """Email a link to set a new password, if ``email`` may have one; say nothing either way.

    A registered person or OPD with no account yet gets one too (the link proves the address,
    as a link from a reminder does). A disabled account, an unknown or malformed address gets
    nothing, and the caller cannot tell.
    """
    try:
        address = normalise_email(email)
    except RowError:
        return
    settings, now = prog.settings, prog.engine.clock()
    with prog.db.transaction() as session:
        account = session.execute(
            select(Account).where(col(Account.email) == address)).scalar_one_or_none()
        if account is not None and account.disabled_at is not None:
            return
        who = _recipient(session, address)
        if who is None:  # an administrator account has no person behind it: reset it too
            if account is None:
                return
            who = Recipient(address, address, roles.COORDINATOR, None, NATIONAL_TZ)
        locale = account.locale if account is not None else language.current()
        context, _ = _context(settings, who, links.RESET, now, locale)
        bucket = int(now.timestamp()) // RESET_EVERY
        queue_email(session, settings, EMAILS, kind="password_reset", recipient=address,
                    context=context, key=f"password_reset:{address}:{bucket}", now=now,
                    locale=locale)


def password_problem(password: str, repeated: str) -> Message | None:
    """Why a new password is refused; None when it is fine."""
    if password != repeated:
        return Message("accounts.error.password_mismatch")
    if len(password) < MIN_PASSWORD:
        return Message("accounts.error.password_short", count=MIN_PASSWORD)
    if password.strip() != password or not password.isprintable():
        return Message("accounts.error.password_spaces")
    return None


def check_link(session: Session, settings: Settings, token: str,
               now: datetime) -> links.PasswordLink:
    """The password link if it still works, else :class:`LinkRefused` saying why."""
    opened = links.open_password_link(session, settings, token, now)
    if isinstance(opened, str):
        raise LinkRefused(opened)
    refused = link_refusal(session, opened.email, opened.issued_at)
    if refused is not None:
        raise LinkRefused(refused)
    return opened


def set_password_by_link(session: Session, settings: Settings, token: str, password: str,
                 repeated: str, now: datetime) -> Account:
    """Set the password a link is for, in the caller's transaction; the account, whose other
    sessions and tokens end and whose older links stop working. The link is used up only
    when the password is accepted."""
    opened = check_link(session, settings, token, now)
    problem = password_problem(password, repeated)
    if problem is not None:
        raise InvalidInputError(problem)
    account = session.execute(
        select(Account).where(col(Account.email) == opened.email)).scalar_one_or_none()
    if account is None:  # a reset asked by a registered person who had no account
        account = Account(email=opened.email, password_hash="!", created_at=now,
                          locale=opened.locale if opened.locale in LOCALES
                          else language.current())
        session.add(account)
    links.use_password_link(session, opened, now)
    account.password_hash = hash_password(password)
    account.links_valid_after = now  # this link and every one sent before it stop working
    account.last_login_at = now
    session.flush()
    revoke_all(session, account.id or 0, now)
    return account


def _no_password() -> str:
    """A hash no password matches (``!`` is never an Argon2 hash): the account of someone
    invited who has not chosen a password yet."""
    return "!" + secrets.token_hex(16)
