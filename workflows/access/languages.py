"""The language each person reads their mail in: their account's, else the programme's.

An account carries the language its owner chose (pages and emails alike); someone without an
account (an OPD told by email only) reads the install's default, ``SMARTCITY_MAIL_LOCALE``.
Every place that sends mail asks here, for all its recipients in one query, and writes each
email inside :func:`config.language.using` of its recipient.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session
from sqlmodel import col, func, select, update

from config.language import pick
from config.settings import Settings
from workflows.access.models import Account


def languages_of(session: Session, settings: Settings,
                 emails: Collection[str]) -> dict[str, str]:
    """Each address's mail language (every address given gets one)."""
    wanted = sorted({e.lower() for e in emails})
    found: dict[str, str] = {}
    if wanted:
        rows = session.execute(
            select(func.lower(col(Account.email)), col(Account.locale))
            .where(func.lower(col(Account.email)).in_(wanted))).all()
        found = {email: pick(locale) for email, locale in rows}
    return {e: found.get(e.lower(), settings.mail_locale) for e in emails}


def language_of(session: Session, settings: Settings, email: str) -> str:
    return languages_of(session, settings, [email])[email]


def set_language(session: Session, email: str, lang: str) -> None:
    """Make ``lang`` the language of the account at ``email`` (its pages and its emails)."""
    session.execute(update(Account).where(func.lower(col(Account.email)) == email.lower())
                    .values(locale=pick(lang)))
