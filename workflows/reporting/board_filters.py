"""The cohort board's question: which regions, in what order, which page of them.

A coordinator watching 514 regions narrows the board by deadline status, stage, province,
zone, mentor and a search by name or Kemendagri code, sorts it, and pages through it. The GET
parameters arrive as text; :meth:`BoardFilters.parse` checks each one and refuses a wrong one
with a sentence that says what is accepted (a 422 on the page), instead of quietly showing
everything. What needs the data (a stage of the definition, a province, a mentor) is checked
where the data is read (:func:`workflows.reporting.board.board_data`).

The search folds case and accents (``"sulawesi"`` finds ``"Sulawési"``) and finds a code
with or without its dot (``"6471"`` finds ``64.71``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeVar

from engine import InvalidInputError
from workflows.reporting.deadlines import LATE, NONE, OK, SOON
from workflows.zones import ZONES

STATUSES = (LATE, SOON, OK, NONE)  # most urgent first: the order of the counts and legend
#: Sort keys: stage (the definition's order, the default), region name, Kemendagri code,
#: due date (regions without a deadline last either way), time in the current stage.
SORTS = ("stage", "name", "code", "due", "time")
PER_PAGE = 50
MAX_PAGE = 10_000
MAX_QUERY = 100
_PAGE = re.compile(r"[0-9]{1,5}")


def fold(text: str) -> str:
    """``text`` without case or accents, for a search that forgives both."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Sortable(Protocol):
    """What sorting needs of a board row."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def column(self) -> int: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def entered_at(self) -> datetime: ...


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


@dataclass(frozen=True)
class BoardFilters:
    """The board's GET parameters, checked (None: not filtered on)."""

    province: str | None = None  # a province code ("64") or name, resolved by board_data
    zone: str | None = None  # WIB, WITA or WIT
    status: str | None = None  # late, soon, ok, none
    stage: str | None = None  # a state key of the master plan
    mentor: str | None = None  # a mentor's address: the regions assigned to them
    q: str | None = None  # part of a region's name, or its code
    sort: str = "stage"
    descending: bool = False
    page: int = 1

    @classmethod
    def parse(cls, province: str | None = None, zone: str | None = None, *,
              status: str | None = None, stage: str | None = None,
              mentor: str | None = None, q: str | None = None, sort: str | None = None,
              page: str | None = None) -> BoardFilters:
        """The filters from the page's query, each checked; a wrong one is refused."""
        zone = (zone or "").strip().upper() or None
        if zone is not None and zone not in ZONES:
            raise InvalidInputError("reporting.unknown_zone", zone=zone)
        status = (status or "").strip().lower() or None
        if status is not None and status not in STATUSES:
            raise InvalidInputError("board.unknown_status", status=status,
                                    usable=list(STATUSES))
        query = _clean(q)
        if query is not None and len(query) > MAX_QUERY:
            raise InvalidInputError("board.query_too_long", most=MAX_QUERY)
        order = (sort or "").strip().lower() or "stage"
        descending = order.startswith("-")
        if order.removeprefix("-") not in SORTS:
            raise InvalidInputError("board.unknown_sort", sort=order,
                                    usable=[*SORTS, *(f"-{s}" for s in SORTS)])
        number = (page or "").strip() or "1"
        if not _PAGE.fullmatch(number) or not 1 <= int(number) <= MAX_PAGE:
            raise InvalidInputError("board.bad_page", page=number[:20])
        return cls(_clean(province), zone, status, (stage or "").strip() or None,
                   (_clean(mentor) or "").lower() or None, query, order.removeprefix("-"),
                   descending, int(number))

    @property
    def sort_key(self) -> str:
        """The sort as the query writes it: ``due`` ascending, ``-due`` descending."""
        return f"-{self.sort}" if self.descending else self.sort

    @property
    def narrowed(self) -> bool:
        """Whether any filter (not the order or the page) is set."""
        return any((self.province, self.zone, self.status, self.stage, self.mentor, self.q))

    def params(self, province: str | None = None) -> dict[str, str]:
        """The query parameters that say these filters, defaults left out (``province``:
        the resolved code, when the filter was given by name)."""
        out = {"status": self.status, "stage": self.stage,
               "province": province or self.province, "zone": self.zone,
               "mentor": self.mentor, "q": self.q,
               "sort": None if self.sort_key == "stage" else self.sort_key,
               "page": None if self.page == 1 else str(self.page)}
        return {k: v for k, v in out.items() if v}

    def on_page(self, page: int) -> BoardFilters:
        return replace(self, page=page)

    def searched(self, code: str, name: str) -> bool:
        """Whether a region matches the search (always, without one)."""
        if self.q is None:
            return True
        wanted = fold(self.q)
        return (wanted in fold(name) or wanted == code.lower()
                or (len(wanted) >= 2 and code.replace(".", "").startswith(
                    wanted.replace(".", ""))))


R = TypeVar("R", bound=Sortable)


def sort_rows(rows: Sequence[R], sort: str, descending: bool, now: datetime) -> list[R]:
    """``rows`` in the order asked; without a due date a region comes last either way."""
    keys: dict[str, Callable[[R], object]] = {
        "stage": lambda r: (r.column, r.code),
        "name": lambda r: (fold(r.name), r.code),
        "code": lambda r: r.code,
        "due": lambda r: (r.due_at, r.code),
        # Time in the stage: the shortest first, so the latest to enter comes first.
        "time": lambda r: (now - r.entered_at, r.code),
    }
    key = keys[sort]
    if sort == "due":
        dated = sorted((r for r in rows if r.due_at is not None), key=key,  # type: ignore[arg-type]
                       reverse=descending)
        return dated + sorted((r for r in rows if r.due_at is None), key=lambda r: r.code)
    return sorted(rows, key=key, reverse=descending)  # type: ignore[arg-type]
