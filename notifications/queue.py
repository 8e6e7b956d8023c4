"""Queueing an email: the one way in, from "this kind, for this recipient" to an outbox row.

:func:`queue_email` renders the kind's templates from the caller's catalogue in the
recipient's language (:mod:`notifications.render`), builds the MIME message once with a
Message-ID derived from the idempotency key (:mod:`notifications.message`) and enqueues it in
the caller's transaction (:mod:`notifications.outbox`), so the email commits with the action
that caused it or not at all. The dispatcher later sends the stored bytes as they are.

Nothing here knows what the emails are about: the caller hands in its catalogue and chooses
the kind, the key and the context (plain data, times already formatted in the recipient's
zone).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.settings import Settings
from notifications import outbox
from notifications.message import outbox_fields
from notifications.render import Catalogue, RenderedEmail, render_email


def mail_domain(settings: Settings) -> str:
    """The domain of the sender's address: the right-hand side of every Message-ID."""
    address = parseaddr(settings.mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def queue_email(session: Session, settings: Settings, catalogue: Catalogue, *, kind: str,
                recipient: str, context: Mapping[str, Any], key: str, now: datetime,
                locale: str | None = None, due_at: datetime | None = None) -> int | None:
    """Queue one email under ``key`` in the caller's transaction; its outbox id, or None
    when an email with that key was queued before (then nothing is written)."""
    rendered = render_email(catalogue, kind, locale or settings.mail_locale, context)
    return _enqueue(session, settings, kind, recipient, rendered, key, now, due_at or now)


def queue_numbered_email(session: Session, settings: Settings, catalogue: Catalogue, *,
                         kind: str, recipient: str, context: Mapping[str, Any], prefix: str,
                         now: datetime, locale: str | None = None) -> int:
    """Queue one email under the first free key ``prefix:n`` (n from 1); its outbox id.

    For emails that may go more than once per occasion (a second digest the same day when
    more reminders fell due after the first was queued): each gets the next number.
    """
    rendered = render_email(catalogue, kind, locale or settings.mail_locale, context)
    table = outbox.outbox
    n = 1 + int(session.execute(
        select(func.count()).select_from(table).where(table.c.key.like(f"{prefix}:%"))
    ).scalar_one())
    while True:
        queued = _enqueue(session, settings, kind, recipient, rendered, f"{prefix}:{n}", now,
                          now)
        if queued is not None:
            return queued
        n += 1


@dataclass(frozen=True)
class Email:
    """One email of a batch: its kind, recipient, context and idempotency key."""

    kind: str
    recipient: str
    context: Mapping[str, Any]
    key: str
    locale: str | None = None


def queue_emails(session: Session, settings: Settings, catalogue: Catalogue,
                 emails: Sequence[Email], now: datetime) -> set[str]:
    """Queue many emails in the caller's transaction, in one statement; the keys queued.

    A key queued before is skipped before its email is rendered (a sweep that runs twice
    builds nothing twice), and again by the insert (a concurrent sweep's row wins).
    """
    existing = outbox.existing_keys(session, (e.key for e in emails))
    domain, rows = mail_domain(settings), []
    for e in emails:
        if e.key in existing:
            continue
        rendered = render_email(catalogue, e.kind, e.locale or settings.mail_locale, e.context)
        rows.append({"key": e.key, "kind": e.kind, "due_at": now, **outbox_fields(
            key=e.key, recipient=e.recipient, rendered=rendered, sender=settings.mail_from,
            domain=domain, date=now)})
    return outbox.enqueue_many(session, rows, now)


def _enqueue(session: Session, settings: Settings, kind: str, recipient: str,
             rendered: RenderedEmail, key: str, now: datetime, due_at: datetime) -> int | None:
    fields = outbox_fields(key=key, recipient=recipient, rendered=rendered,
                           sender=settings.mail_from, domain=mail_domain(settings), date=now)
    return outbox.enqueue(session, key=key, kind=kind, due_at=due_at, now=now, **fields)
