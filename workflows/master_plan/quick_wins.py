"""Quick wins: the short-term projects a quick-win plan lists, each tagged with a dimension and
an element of the programme's edition.

A plan version's list is entered in the OPD page's form (one quick win at a time, with a
dimension and an element picked from the edition) or comes as a CSV as people make it in a
spreadsheet: ``judul;dimensi;elemen;opd;deskripsi`` or ``title,dimension,element,opd,
description``, semicolons or commas, UTF-8, UTF-16 or the Windows code page, dimensions and
elements by label ("Smart Governance", "Pelayanan publik") or code (``governance``,
``public_service``). Both become the same :class:`QuickWinRow` list through :func:`entry`,
and are stored as rows of :class:`QuickWin` next to the submission, in the same transaction,
so the mentor reviewing a version reads exactly the list that came with it.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Column, Text
from sqlmodel import Field, Session, SQLModel, col, select

from config import language, messages
from engine import InvalidInputError
from workflows import limits
from workflows.directory import spreadsheets
from workflows.directory.reference import DimensionSet, TagProblem


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


#: The columns of a quick-win list and the headers each may have (Indonesian, English; case,
#: spaces, ``_`` and ``-`` do not matter). The order is the template's.
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "title": ("judul", "title", "judul quick win", "nama quick win", "quick win", "nama"),
    "dimension": ("dimensi", "dimension"),
    "element": ("elemen", "element"),
    "opd": ("opd", "opd pelaksana", "perangkat daerah", "skpd", "kode opd"),
    "description": ("deskripsi", "description", "keterangan", "uraian"),
}
REQUIRED: Final = ("title", "dimension", "element")
#: The header row of the template and of a list stored as a document, per language.
HEADERS: Final = {"id": ("judul", "dimensi", "elemen", "opd", "deskripsi"),
                  "en": ("title", "dimension", "element", "opd", "description")}
TITLE_MAX: Final = 300
OPD_MAX: Final = 32
DESCRIPTION_MAX: Final = 4000
#: More than a region's whole plan has ever listed; a file over it is a mistake.
MAX_ROWS: Final = 200
#: Row problems spelt out in one message (the rest are counted).
SHOWN_PROBLEMS: Final = 20


@dataclass(frozen=True)
class QuickWinRow:
    title: str
    dimension: str
    element: str
    opd: str | None
    description: str | None


class EntryProblems(ValueError):
    """What is wrong with one quick win, by field (``title``, ``dimension``, ``element``,
    ``opd``, ``description``), each a sentence saying what to do."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class QuickWinListError(InvalidInputError):
    """A quick-win list that cannot be imported: ``problems`` lists each bad row ("baris 3:
    ..."), or is empty when the file as a whole is wrong (the message says why)."""

    def __init__(self, message: str, file_name: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.file_name = file_name
        self.problems = list(problems)


def entry(dimensions: DimensionSet, *, title: str, dimension: str, element: str,
          opd: str = "", description: str = "",
          opds: Collection[str] | None = None) -> QuickWinRow:
    """One quick win as a person typed or picked it; :class:`EntryProblems` otherwise.

    The dimension and element may be given by code, label or alias (:meth:`DimensionSet.find`);
    ``opds``, when given, are the codes of the region's OPDs the ``opd`` must be one of.
    """
    title, opd, description = title.strip(), opd.strip().upper(), description.strip()
    problems: dict[str, str] = {}
    if not title:
        problems["title"] = messages.text("quickwins.entry.title_missing")
    elif (control := limits.control_problem(title, "quick_win_title")) is not None:
        problems["title"] = str(control)  # an escape sequence replayed on a terminal, a NUL
    elif len(title) > TITLE_MAX:
        problems["title"] = messages.text("quickwins.entry.too_long", what=_what("title"),
                                          length=len(title), limit=TITLE_MAX)
    found = None
    try:
        found = dimensions.find(dimension, element)
    except TagProblem as exc:
        problems[exc.field] = str(exc)
    if len(opd) > OPD_MAX:
        problems["opd"] = messages.text("quickwins.entry.too_long", what=_what("opd"),
                                        length=len(opd), limit=OPD_MAX)
    elif opd and opds is not None and opd not in opds:
        problems["opd"] = messages.text("quickwins.entry.opd_unknown", given=opd,
                                        known=", ".join(sorted(opds)) or "-")
    if (control := limits.control_problem(description, "quick_win_description",
                                          multiline=True)) is not None:
        problems["description"] = str(control)
    elif len(description) > DESCRIPTION_MAX:
        problems["description"] = messages.text(
            "quickwins.entry.too_long", what=_what("description"), length=len(description),
            limit=DESCRIPTION_MAX)
    if problems or found is None:
        raise EntryProblems(problems)
    dim, el = found
    return QuickWinRow(title, dim.code, el.code, opd or None, description or None)


def _what(column: str) -> str:
    return messages.text(f"quickwins.field.{column}")


def _column(header: str) -> str | None:
    cleaned = " ".join(header.replace("*", " ").replace("\ufeff", "").casefold()
                       .replace("_", " ").replace("-", " ").split())
    return next((column for column, names in COLUMNS.items() if cleaned in names), None)


def parse_quick_wins(source: Path | str | bytes, dimensions: DimensionSet, *,
                     name: str | None = None) -> list[QuickWinRow]:
    """A plan's quick wins from a CSV file (a path or its bytes, in any encoding and with
    either separator a spreadsheet saves) or its text, all or nothing.

    Headers and values may be Indonesian or English, labels or codes. Every bad row is
    reported by the number a spreadsheet shows (the header is row 1) with what to fix, and
    nothing is imported (:class:`QuickWinListError`).
    """
    shown = name or (source.name if isinstance(source, Path) else "CSV")
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as exc:
            raise QuickWinListError(messages.text("spreadsheet.cannot_open", name=shown,
                                                  reason=exc.strerror or str(exc)),
                                    shown) from None
    text = spreadsheets.decode(source, shown) if isinstance(source, bytes) else source
    sep, text = spreadsheets.delimiter(text, lambda cell: _column(cell) is not None)
    try:
        records = spreadsheets.records(text, sep)
    except csv.Error:
        raise QuickWinListError(messages.text("spreadsheet.unreadable", name=shown),
                                shown) from None
    header = [_column(cell) for cell in (records[0] if records else [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        names = HEADERS.get(language.current(), HEADERS["id"])
        raise QuickWinListError(messages.text(
            "quickwins.csv.missing_columns", name=shown,
            missing=", ".join(names[list(COLUMNS).index(c)] for c in missing),
            expected=sep.join(HEADERS["id"]), expected_en=sep.join(HEADERS["en"])), shown)
    rows: list[QuickWinRow] = []
    problems: list[str] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line keeps its number, and is no quick win
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            problems.append(messages.text("quickwins.csv.row", row=number,
                                          problem=messages.text("quickwins.csv.more_cells")))
            continue
        cells = {column: record[i] for i, column in enumerate(header)
                 if column is not None and i < len(record)}
        try:
            rows.append(entry(dimensions, title=cells.get("title", ""),
                              dimension=cells.get("dimension", ""),
                              element=cells.get("element", ""), opd=cells.get("opd", ""),
                              description=cells.get("description", "")))
        except EntryProblems as exc:
            problems.append(messages.text("quickwins.csv.row", row=number,
                                          problem="; ".join(exc.problems.values())))
    if problems:
        listed = "; ".join(problems[:SHOWN_PROBLEMS])
        if len(problems) > SHOWN_PROBLEMS:
            listed += "; " + messages.plural("quickwins.csv.more",
                                             len(problems) - SHOWN_PROBLEMS)
        raise QuickWinListError(messages.plural("quickwins.csv.bad_rows", len(problems),
                                                name=shown, problems=listed),
                                shown, problems)
    if not rows:
        raise QuickWinListError(messages.text("quickwins.csv.no_rows", name=shown), shown)
    if len(rows) > MAX_ROWS:
        raise QuickWinListError(messages.text("quickwins.csv.too_many", name=shown,
                                              count=len(rows), limit=MAX_ROWS), shown)
    return rows


def as_csv(wins: Sequence[QuickWinRow], dimensions: DimensionSet) -> bytes:
    """A list as a CSV document in the current language, with labels rather than codes: the
    plan's file when it was entered in the form without a document. It reads back as the
    same list."""
    lang = language.current()

    def row(w: QuickWinRow) -> tuple[str, ...]:
        dim, el = dimensions.labels(w.dimension, w.element)
        return (w.title, dim, el, w.opd or "", w.description or "")

    return spreadsheets.write([HEADERS.get(lang, HEADERS["id"]), *map(row, wins)])


def template(dimensions: DimensionSet) -> bytes:
    """The CSV to fill in: the header in the current language and one example row, tagged
    with the edition's first dimension and element (by label, as a person would)."""
    lang = language.current()
    dim = dimensions.dimensions[0]
    return spreadsheets.write([
        HEADERS.get(lang, HEADERS["id"]),
        (messages.text("quickwins.template.example_title"), str(dim.label),
         str(dim.elements[0].label), "DPMPTSP",
         messages.text("quickwins.template.example_description")),
    ])


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
