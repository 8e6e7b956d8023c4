"""A keyset page of a list that grows (a region's history, its submissions, the outbox).

A page is read with one row more than it shows: that row only says whether there is a next
page, and the position to continue from is the key of the last row shown. Reading by key
(``WHERE (cycle, seq) < (?, ?) ... LIMIT n``) costs the same on the first page and the
hundredth, where ``OFFSET`` would read and drop every row before the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")

#: How many rows a page shows unless asked otherwise, and the most it shows.
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[T, K]):
    """Rows of one page, and the key to read the next one from (None: this is the last)."""

    rows: list[T]
    next: K | None


def page_of(rows: Sequence[T], limit: int, key: Callable[[T], K]) -> Page[T, K]:
    """The page of ``rows`` read with ``limit + 1``: the extra row only says there is more."""
    shown = list(rows[:limit])
    return Page(shown, key(shown[-1]) if len(rows) > limit and shown else None)
