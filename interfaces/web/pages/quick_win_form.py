"""The quick-win form of the OPD page: rows of title, dimension, element, OPD and description.

An OPD enters its region's quick wins one per row instead of writing a CSV by hand. The
dimension is picked from the edition and the element from a list grouped by dimension (an
``<optgroup>`` each, so it works without JavaScript); an empty dimension is the one the
picked element belongs to. Blank rows are ignored, "Tambah baris" adds one, and a CSV made in
a spreadsheet can be loaded into the rows to be checked before sending.

The form is held as :class:`QuickWinForm`, plain strings as typed, so a refused post shows
the page again with every row as it was and each problem beside its field. A new plan version
starts from the latest version's list, so a revision changes what the mentor asked for
instead of retyping the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlmodel import Session

from engine import InstanceSnapshot, Records
from workflows.directory.agencies import opds
from workflows.directory.reference import DimensionSet
from workflows.master_plan import QUICK_WIN_PLAN
from workflows.master_plan.quick_wins import (
    MAX_ROWS,
    EntryProblems,
    QuickWinRow,
    entry,
    of_submission,
)
from workflows.programme import Programme

FIELDS: Final = ("title", "dimension", "element", "opd", "description")
#: Rows shown at least (blank ones are ignored on sending) and at most (as many as a plan
#: may list, so a CSV loaded into the form is never cut short).
ROWS_MIN: Final = 3
ROWS_MAX: Final = MAX_ROWS


@dataclass
class FormRow:
    """One quick win as typed; ``errors`` by field, filled when the form is checked."""

    title: str = ""
    dimension: str = ""
    element: str = ""
    opd: str = ""
    description: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def blank(self) -> bool:
        return not (self.title.strip() or self.element.strip() or self.description.strip())


@dataclass
class QuickWinForm:
    """The form's state: its rows, what to pick from, and the problems to show."""

    rows: list[FormRow]
    dimensions: DimensionSet
    opds: list[tuple[str, str]]  # (code, name) of the region's OPDs
    default_opd: str
    note: str = ""
    #: Problems of the form as a whole, by field: "rows", "document", "csv", "general".
    errors: dict[str, str] = field(default_factory=dict)
    #: The bad rows of a CSV that could not be loaded, each "baris N: ...".
    csv_problems: list[str] = field(default_factory=list)
    #: A CSV loaded into the rows just now (its name, and how many quick wins it listed).
    imported: tuple[str, int] | None = None

    def padded(self, extra: int = 0) -> QuickWinForm:
        """The form with at least :data:`ROWS_MIN` rows and ``extra`` blank ones at the end."""
        rows = list(self.rows)
        wanted = max(ROWS_MIN, len(rows) + extra)
        rows += [FormRow(opd=self.default_opd) for _ in range(wanted - len(rows))]
        self.rows = rows[:ROWS_MAX]
        return self

    @property
    def full(self) -> bool:
        return len(self.rows) >= ROWS_MAX


def opd_choices(session: Session, region: str) -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in opds(session, region)]


def from_rows(wins: Sequence[QuickWinRow], default_opd: str) -> list[FormRow]:
    return [FormRow(w.title, w.dimension, element_value(w.dimension, w.element),
                    w.opd or default_opd, w.description or "") for w in wins]


def initial(prog: Programme, session: Session, region: str, instance: InstanceSnapshot,
            default_opd: str) -> QuickWinForm:
    """The form as first shown: the latest plan version's list, and one more blank row."""
    latest = Records(session).latest_submission(instance.id, QUICK_WIN_PLAN)
    rows = [] if latest is None else [
        FormRow(w.title, w.dimension, element_value(w.dimension, w.element), w.opd_code or "",
                w.description or "") for w in of_submission(session, latest.id)]
    form = QuickWinForm(rows, prog.dimensions, opd_choices(session, region), default_opd)
    return form.padded(extra=1)


def read(form: Any, count: int) -> list[FormRow]:
    """The rows of a posted form (fields ``qw-N-title`` ...), at most :data:`ROWS_MAX`."""
    def value(name: str) -> str:
        found = form.get(name)
        return found if isinstance(found, str) else ""

    return [FormRow(title=value(f"qw-{i}-title"), dimension=value(f"qw-{i}-dimension"),
                    element=value(f"qw-{i}-element"), opd=value(f"qw-{i}-opd"),
                    description=value(f"qw-{i}-description"))
            for i in range(min(max(count, 0), ROWS_MAX))]


def check(form: QuickWinForm) -> list[QuickWinRow]:
    """The quick wins of the filled rows; each problem is put beside its field (the rows keep
    them in ``errors``), and no row is returned while any row has one."""
    known = {code for code, _ in form.opds}
    wins: list[QuickWinRow] = []
    for row in form.rows:
        row.errors = {}
        if row.blank():
            continue
        picked, _, element = row.element.rpartition("/")
        try:
            wins.append(entry(form.dimensions, title=row.title,
                              dimension=row.dimension or picked, element=element,
                              opd=row.opd, description=row.description, opds=known))
        except EntryProblems as exc:
            row.errors = exc.problems
    return [] if any(r.errors for r in form.rows) else wins


def element_value(dimension: str, element: str) -> str:
    """The element picker's value: ``dimension/element``, as element codes need not be unique
    across an edition's dimensions, and an empty dimension picker then takes the element's."""
    return f"{dimension}/{element}"
