"""The engine's tables: published definitions, instances, history, submissions, reviews, deadlines.

All times are aware UTC datetimes (SQLModel maps ``datetime`` to a UTC type that refuses naive
values). The schema itself is owned by the Alembic migrations in ``migrations/``; these classes
describe it for queries and for autogenerate.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class DefinitionRecord(SQLModel, table=True):
    """A published definition version, kept verbatim so instances can always rebuild it."""

    __tablename__ = "workflow_definition"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_definition_key_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=63)
    version: int
    title: str = Field(max_length=200)
    source_text: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    published_at: datetime


class WorkflowInstance(SQLModel, table=True):
    """One subject (a region) running one cycle of one definition version.

    ``version`` increases with every action; writes check it, so of two concurrent actions on
    one instance exactly one commits and the other gets a conflict.
    """

    __tablename__ = "workflow_instance"
    __table_args__ = (
        UniqueConstraint("definition_key", "subject", "cycle", name="uq_instance_subject_cycle"),
        Index("ix_instance_key_state", "definition_key", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    definition_key: str = Field(max_length=63)
    definition_version: int
    subject: str = Field(max_length=32, index=True)
    cycle: int = 1
    predecessor_id: int | None = Field(default=None, foreign_key="workflow_instance.id")
    state: str = Field(max_length=63)
    version: int = 1
    created_at: datetime
    updated_at: datetime
    entered_at: datetime


class HistoryEntry(SQLModel, table=True):
    """An append-only record of one action (the migrations forbid UPDATE and DELETE)."""

    __tablename__ = "workflow_history"
    __table_args__ = (UniqueConstraint("instance_id", "seq", name="uq_history_instance_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="workflow_instance.id")
    seq: int
    at: datetime
    actor: str = Field(max_length=254)
    role: str = Field(max_length=63)
    kind: str = Field(max_length=16)
    trigger: str = Field(max_length=63)
    from_state: str | None = Field(default=None, max_length=63)
    to_state: str = Field(max_length=63)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    detail: str | None = Field(default=None, max_length=300)


class Submission(SQLModel, table=True):
    """One version of a deliverable, from one party (``""`` when not per party)."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint(
            "instance_id", "deliverable", "party", "version", name="uq_submission_version"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="workflow_instance.id", index=True)
    deliverable: str = Field(max_length=63)
    party: str = Field(default="", max_length=63)
    version: int
    state: str = Field(max_length=63)
    file_name: str = Field(max_length=255)
    media_type: str = Field(max_length=127)
    size_bytes: int
    sha256: str = Field(max_length=64)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    submitted_by: str = Field(max_length=254)
    role: str = Field(max_length=63)
    submitted_at: datetime


class ReviewDecision(SQLModel, table=True):
    """A reviewer's decision on a deliverable, numbered by round within the instance."""

    __tablename__ = "review_decision"
    __table_args__ = (
        UniqueConstraint("instance_id", "deliverable", "round", name="uq_review_round"),
    )

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="workflow_instance.id", index=True)
    deliverable: str = Field(max_length=63)
    submission_id: int = Field(foreign_key="submission.id")
    round: int
    decision: str = Field(max_length=16)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reviewer: str = Field(max_length=254)
    decided_at: datetime


class Deadline(SQLModel, table=True):
    """When the instance must leave a state; closed when it does."""

    __tablename__ = "deadline"
    __table_args__ = (Index("ix_deadline_open_due", "closed_at", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    instance_id: int = Field(foreign_key="workflow_instance.id", index=True)
    state: str = Field(max_length=63)
    due_at: datetime
    origin: str = Field(default="definition", max_length=32)
    version: int = 1
    created_at: datetime
    closed_at: datetime | None = None


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


class Reminder(SQLModel, table=True):
    """A planned notice about a deadline: before it, overdue, or an escalation.

    Rows are planned when a deadline is set or moved (``deadline_version`` is part of ``key``,
    so moving a deadline plans fresh reminders and cancels the old ones); the sweep turns due
    rows into outbox messages, found through the (status, due_at) index.
    """

    __tablename__ = "reminder"
    __table_args__ = (Index("ix_reminder_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    deadline_version: int = 1
    recipient: str = Field(max_length=254)
    kind: str = Field(max_length=16)
    offset_days: int = 0
    due_at: datetime
    status: str = Field(default="planned", max_length=12)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    created_at: datetime
