"""Queueing an email is one call, in the caller's transaction, idempotent on its key.

Proves on both databases: ``queue_email`` renders the caller's catalogue's kind (the test
catalogue of ``smtpkit``) in the settings' language (or the one asked for), builds the message
once with a Message-ID derived from the key and the sender's domain, and writes one pending
outbox row whose stored bytes are that message; the same key again writes nothing and answers
None; a rolled-back caller leaves no row; and ``queue_numbered_email`` takes the first free
``prefix:n``.
"""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from smtpkit import CATALOGUE, T0
from sqlalchemy import select

from config.settings import Settings
from engine import Database
from notifications import outbox
from notifications.message import make_message_id
from notifications.models import OutboxMessage
from notifications.queue import mail_domain, queue_email, queue_numbered_email

SETTINGS = Settings(mail_from="Gerakan Menuju 100 Smart City <noreply@kota.example.go.id>",
                    mail_locale="id")
CONTEXT = {"recipient_name": "Dinas Kesehatan", "comment": "Jendela evaluasi 2026-H1 dibuka"}


def rows(db: Database) -> list[OutboxMessage]:
    with db.read() as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
                    .scalars())


def test_one_call_renders_builds_and_queues_once(db: Database) -> None:
    with db.transaction() as session:
        first = queue_email(session, SETTINGS, CATALOGUE, kind="notice",
                            recipient="dinkes@kota.example.go.id", context=CONTEXT,
                            key="notice:2026-H1:0:dinkes", now=T0)
        again = queue_email(session, SETTINGS, CATALOGUE, kind="notice",
                            recipient="dinkes@kota.example.go.id", context=CONTEXT,
                            key="notice:2026-H1:0:dinkes", now=T0)
    [row] = rows(db)
    assert (first, again) == (row.id, None)
    assert (row.kind, row.status, row.due_at, row.recipient) == (
        "notice", outbox.PENDING, T0, "dinkes@kota.example.go.id")
    assert mail_domain(SETTINGS) == "kota.example.go.id"
    assert row.message_id == make_message_id("notice:2026-H1:0:dinkes",
                                             "kota.example.go.id")
    sent = message_from_bytes(row.raw, policy=policy.default)
    assert sent["Message-ID"] == row.message_id and sent["Subject"] == row.subject
    assert "Dinas Kesehatan" in row.subject and "2026-H1" in row.text_body


def test_the_language_is_the_settings_unless_asked(db: Database) -> None:
    with db.transaction() as session:
        for key, locale in (("id-default", None), ("en-asked", "en")):
            queue_email(session, SETTINGS, CATALOGUE, kind="notice", recipient="a@x.go.id",
                        context=CONTEXT, key=key, now=T0, locale=locale)
    indonesian, english = rows(db)
    assert indonesian.subject != english.subject


def test_a_rolled_back_caller_leaves_no_email(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        queue_email(session, SETTINGS, CATALOGUE, kind="notice", recipient="a@x.go.id",
                    context=CONTEXT, key="gone", now=T0)
        raise RuntimeError("the action failed after queueing")
    assert rows(db) == []


def test_numbered_emails_take_the_first_free_number(db: Database) -> None:
    with db.transaction() as session:
        ids = [queue_numbered_email(session, SETTINGS, CATALOGUE, kind="notice",
                                    recipient="a@x.go.id", context=CONTEXT,
                                    prefix="digest:a@x.go.id:2026-03-02", now=T0)
               for _ in range(2)]
    assert [(r.id, r.key) for r in rows(db)] == [
        (ids[0], "digest:a@x.go.id:2026-03-02:1"), (ids[1], "digest:a@x.go.id:2026-03-02:2")]
