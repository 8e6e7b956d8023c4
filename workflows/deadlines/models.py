"""The deadlines' tables: cohort dates, extension requests and the reminders planned.

The deadlines themselves are the engine's (one writer: :mod:`engine`); these tables hold what
the programme adds around them: a coordinator's date for a stage across a cohort (in the zone it
was announced in), the requests to move a region's deadline, and when each open deadline's
reminders next fall due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class CohortDeadline(SQLModel, table=True):
    """A coordinator's date for a stage, for every region of a cohort (regions may override)."""

    __tablename__ = "cohort_deadline"
    __table_args__ = (UniqueConstraint("cohort_id", "state", name="uq_cohort_deadline_state"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    state: str = Field(max_length=63)
    due_at: datetime
    #: The zone the date was announced in ("23:59 WIB"): every region is reminded on the
    #: days before it in that zone's calendar.
    tz: str | None = Field(default=None, max_length=40)
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


class ReminderSchedule(SQLModel, table=True):
    """When the reminders of an open deadline next fall due: one row per deadline.

    Who is reminded is worked out when a reminder morning comes, from what each party owes
    then (:mod:`workflows.deadlines.sweep`), so an action writes this one row, not a row per
    recipient and offset. ``since`` is when this ``version`` of the deadline was set (no
    reminder before it is sent), ``done_until`` how far the sweep has handled its reminders,
    ``next_at`` the next moment one is due (None: none is left), through its index.
    """

    __tablename__ = "reminder_schedule"

    deadline_id: int = Field(foreign_key="deadline.id", primary_key=True)
    version: int
    since: datetime
    done_until: datetime
    next_at: datetime | None = Field(default=None, index=True)
