"""The evaluation's tables: editions, windows, per-region extensions of a window, returns and
scores.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class EvaluationEdition(SQLModel, table=True):
    """An edition of the evaluation: the frozen copy of the instrument (parts, weights, scale,
    dimensions) its windows are scored with, never changed after it is created."""

    __tablename__ = "evaluation_edition"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    starts_on: date = Field(index=True)
    instrument_key: str = Field(max_length=63)
    instrument_version: int
    instrument: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(max_length=64)
    created_at: datetime
    created_by: str = Field(max_length=254)


class EvaluationWindow(SQLModel, table=True):
    """A twice-yearly evaluation period; opened and closed by the scheduler. Its edition is
    fixed when it is created (:func:`workflows.evaluation.editions.edition_in_force`)."""

    __tablename__ = "evaluation_window"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    opens_at: datetime
    closes_at: datetime
    status: str = Field(default="scheduled", max_length=12)
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    edition_id: int | None = Field(default=None, foreign_key="evaluation_edition.id",
                                   index=True)


class WindowExtension(SQLModel, table=True):
    """A coordinator's later close of a window for one region."""

    __tablename__ = "window_extension"
    __table_args__ = (UniqueConstraint("window_id", "region_code", name="uq_window_extension"),)

    id: int | None = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="evaluation_window.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    until: datetime
    granted_by: str = Field(max_length=254)
    granted_at: datetime


class EvaluationReturn(SQLModel, table=True):
    """A region's evaluation return in one window."""

    __tablename__ = "evaluation_return"
    __table_args__ = (UniqueConstraint("window_id", "region_code", name="uq_evaluation_return"),)

    id: int | None = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="evaluation_window.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    submitted_by: str = Field(max_length=254)
    submitted_at: datetime


class EvaluationScore(SQLModel, table=True):
    """An assessor's score of one part (and optionally one dimension) of a return."""

    __tablename__ = "evaluation_score"
    __table_args__ = (
        UniqueConstraint("return_id", "part", "dimension", "assessor", name="uq_evaluation_score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="evaluation_return.id", index=True)
    part: str = Field(max_length=16)
    dimension: str = Field(default="", max_length=63)
    score: float
    assessor: str = Field(max_length=254)
    scored_at: datetime
