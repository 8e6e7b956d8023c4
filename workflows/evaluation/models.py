"""The evaluation's tables: windows, per-region extensions of a window, returns and scores.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class EvaluationWindow(SQLModel, table=True):
    """A twice-yearly evaluation period; opened and closed by the scheduler."""

    __tablename__ = "evaluation_window"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    opens_at: datetime
    closes_at: datetime
    status: str = Field(default="scheduled", max_length=12)
    opened_at: datetime | None = None
    closed_at: datetime | None = None


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
