"""The engine's tables: published definitions, instances, history, submissions, reviews, deadlines.

All times are aware UTC datetimes (SQLModel maps ``datetime`` to a UTC type that refuses naive
values). The schema itself is owned by the Alembic migrations in ``migrations/``; these classes
describe it for the engine's queries and for autogenerate. They are the engine's own: code
around it reads them through :class:`engine.records.Records`, never directly.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
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
    """One subject running one cycle of one definition version.

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
    #: The zone the due date was announced in ("23:59 WIB"); None: the subject's own.
    tz: str | None = Field(default=None, max_length=40)


class MigrationRecord(SQLModel, table=True):
    """A migration of running instances to another version of their definition (or the
    revert of one): who, when, to which version, how it was applied and what it reached.

    Its items say, instance by instance, where each was and where it went, so the plan that
    was applied stays on record and a revert knows what to restore.
    """

    __tablename__ = "workflow_migration"

    id: int | None = Field(default=None, primary_key=True)
    definition_key: str = Field(max_length=63, index=True)
    to_version: int
    actor: str = Field(max_length=254)
    at: datetime
    #: ``per_instance`` (one transaction each) or ``all_or_nothing`` (one for the batch).
    mode: str = Field(max_length=16)
    #: The state mapping asked for, as JSON ``{"old": "new"}``.
    state_map: str = Field(sa_column=Column(Text, nullable=False))
    #: Which instances were asked for, structured (JSON: ``{"kind": "cohort", "name": ...}``),
    #: worded in the reader's language when shown.
    scope: str = Field(sa_column=Column(Text, nullable=False))
    #: ``running`` while a per-instance batch is applied, then ``applied``, ``partial`` (some
    #: instances conflicted) or ``reverted``.
    status: str = Field(max_length=16)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: The migration this one reverts (None: a migration asked for).
    reverted_of: int | None = Field(default=None, foreign_key="workflow_migration.id")


class MigrationItem(SQLModel, table=True):
    """One instance of a migration: where it was, where it went, and how that ended."""

    __tablename__ = "workflow_migration_item"
    __table_args__ = (
        UniqueConstraint("migration_id", "instance_id", name="uq_migration_item_instance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    migration_id: int = Field(foreign_key="workflow_migration.id", index=True)
    instance_id: int = Field(foreign_key="workflow_instance.id", index=True)
    subject: str = Field(max_length=32)
    from_version: int
    from_state: str = Field(max_length=63)
    #: When the instance had entered ``from_state``: a revert restores it with the state.
    from_entered_at: datetime
    to_version: int
    to_state: str = Field(max_length=63)
    #: The instance's version after the migration (None when not applied): a revert refuses
    #: an instance that changed since.
    version_after: int | None = None
    #: ``applied``, ``skipped`` or ``conflict``.
    outcome: str = Field(max_length=16)
    #: Why it was skipped or conflicted, as a key (``final``, ``same_version``, ``changed``).
    reason: str | None = Field(default=None, max_length=32)
    #: What happened to deadlines: ``keep``, ``close``, ``open``, ``close+open``, ``carry``,
    #: ``reopen``, ``close+reopen`` or ``none``.
    deadline: str = Field(max_length=16)
    #: Deliverables the target state requires that the source did not (comma-separated).
    required: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: Deliverables with submissions that the new version does not define (comma-separated).
    orphaned: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: The deadline row closed or carried (a revert reopens or carries back this very row).
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id")
