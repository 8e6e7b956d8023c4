"""The deadlines' tables: cohort dates, extension requests and the reminders planned.

The deadlines themselves are the engine's (one writer: :mod:`engine`); these tables hold what
the programme adds around them: a coordinator's date for a stage across a cohort, the requests
to move a region's deadline, and the reminders planned for each deadline version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class CohortDeadline(SQLModel, table=True):
    """A coordinator's date for a stage, for every region of a cohort (regions may override)."""

    __tablename__ = "cohort_deadline"
    __table_args__ = (UniqueConstraint("cohort_id", "state", name="uq_cohort_deadline_state"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    state: str = Field(max_length=63)
    due_at: datetime
    set_by: str = Field(max_length=254)
    set_at: datetime


class ExtensionRequest(SQLModel, table=True):
    """An OPD's or a region's request to move a deadline, and the coordinator's decision."""

    __tablename__ = "extension_request"

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    requested_by: str = Field(max_length=254)
    role: str = Field(max_length=32)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    requested_until: datetime
    status: str = Field(default="pending", max_length=12)
    decided_by: str | None = Field(default=None, max_length=254)
    decided_at: datetime | None = None
    decision_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime


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
