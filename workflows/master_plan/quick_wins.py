"""Quick wins: the short-term projects a quick-win plan lists, each tagged with a dimension and
an element of the programme's edition.

A plan version's list comes as a CSV (``title,dimension,element[,opd,description]``) and is
stored as rows of :class:`QuickWin` next to the submission, in the same transaction, so the
mentor reviewing a version reads exactly the list that came with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, Text
from sqlmodel import Field, Session, SQLModel, col, select

from workflows.directory.imports import RowError, read_rows
from workflows.directory.reference import DimensionSet


class QuickWin(SQLModel, table=True):
    """One quick win of a quick-win plan version, tagged with a dimension and an element."""

    __tablename__ = "quick_win"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    title: str = Field(max_length=300)
    dimension: str = Field(max_length=63)
    element: str = Field(max_length=63)
    opd_code: str | None = Field(default=None, max_length=32)
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


@dataclass(frozen=True)
class QuickWinRow:
    title: str
    dimension: str
    element: str
    opd: str | None
    description: str | None


def parse_quick_wins(source: Path | str, dimensions: DimensionSet) -> list[QuickWinRow]:
    def parse(c: dict[str, str]) -> QuickWinRow:
        for column, limit in (("title", 300), ("opd", 32)):
            if len(c.get(column) or "") > limit:
                raise RowError(f"{column} is {len(c[column])} characters; at most {limit}")
        problem = dimensions.check_tag(c["dimension"].lower(), c["element"].lower())
        if problem:
            raise RowError(problem)
        return QuickWinRow(c["title"], c["dimension"].lower(), c["element"].lower(),
                           (c.get("opd") or "").upper() or None, c.get("description") or None)

    return read_rows(source, ("title", "dimension", "element"), parse, ("opd", "description"))


def store_quick_wins(session: Session, submission_id: int,
                     wins: Sequence[QuickWinRow]) -> None:
    """The plan version's quick wins, in the caller's transaction."""
    session.add_all(QuickWin(submission_id=submission_id, title=w.title, dimension=w.dimension,
                             element=w.element, opd_code=w.opd, description=w.description)
                    for w in wins)


def of_submission(session: Session, submission_id: int) -> list[QuickWin]:
    """The quick wins listed with one plan version, in the order they were listed."""
    return list(session.execute(
        select(QuickWin).where(QuickWin.submission_id == submission_id)
        .order_by(col(QuickWin.id))).scalars())
