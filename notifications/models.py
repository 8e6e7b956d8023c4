"""The notifications' table: the outbox, every email to send, written with what caused it.

The schema is owned by the Alembic migrations in ``migrations/``; this class describes it for
the queue's queries (:mod:`notifications.outbox`) and for autogenerate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel


class OutboxMessage(SQLModel, table=True):
    """An email to send, written in the transaction of the action that caused it.

    ``raw`` holds the message as built when it was queued (with its stable Message-ID), so
    what is listed is what is sent and delivery only claims, sends and acknowledges.
    ``key`` makes it idempotent (the same reminder is never planned twice); ``status`` moves
    pending -> sending (claimed under a lease) -> sent, or back to pending with a later
    ``due_at`` after a temporary failure, or to dead after a permanent one.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_column=Column(Text, nullable=False))
    html_body: str = Field(sa_column=Column(Text, nullable=False))
    message_id: str = Field(max_length=250)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False),
                       description="The message exactly as it is sent, built when queued.")
    status: str = Field(default="pending", max_length=12)
    due_at: datetime
    attempts: int = 0
    lease_until: datetime | None = None
    locked_by: str | None = Field(default=None, max_length=100)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime
    sent_at: datetime | None = None
