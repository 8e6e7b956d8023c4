"""How long a text a person types may be, checked before the database on every backend.

PostgreSQL refuses a 10,806-character OPD name for a ``VARCHAR(200)`` column (as an internal
error); SQLite stores it, and the board then shows it. So every free text a person enters
(names, email addresses, comments, reasons, notes) is checked here, in the workflow function
the command line, the API and the pages share, before anything is written: a text longer
than its column is refused in one sentence naming the field, its limit and the length given
("Nama OPD terlalu panjang: 10.806 karakter; paling banyak 200."), and a name that is empty or
only spaces is refused too.

The limits are read from the columns themselves (:func:`column_limit`), so a migration that
widens a column widens the check with it. Columns of unbounded ``TEXT`` (comments on actions
and reviews, extension reasons, submission notes) get :data:`COMMENT_MAX`: long enough for
any real explanation, short enough that one history entry cannot fill a page or a mailbox.
"""

from __future__ import annotations

from typing import Any, Final

from babel.numbers import format_decimal

from config import language
from config.messages import Message
from engine import InvalidInputError

#: The most characters of a comment, reason or note (a ``TEXT`` column has no limit of its
#: own): about two pages of prose, and the limit the REST API's request bodies declare.
COMMENT_MAX: Final = 4000


class Count:
    """A number written as the reader writes it: 10.806 in Indonesian, 10,806 in English."""

    __slots__ = ("value",)

    def __init__(self, value: int) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(format_decimal(self.value, locale=language.current()), spec)

    def __str__(self) -> str:
        return format(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Count) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Count({self.value})"


def column_limit(model: Any, column: str) -> int:
    """The length of ``model``'s ``column`` (a ``VARCHAR(n)``), or :data:`COMMENT_MAX` for an
    unbounded text column."""
    length = getattr(model.__table__.c[column].type, "length", None)
    return int(length) if length else COMMENT_MAX


def field(name: str) -> Message:
    """The catalogue's name of a field, as the sentence starts with it ("Nama OPD")."""
    return Message(f"limits.field.{name}")


def problem(value: str | None, name: str, most: int, *, required: bool = False
            ) -> Message | None:
    """What is wrong with ``value`` for the field ``name`` (empty when ``required``, or longer
    than ``most``), or None. ``value`` is measured as it will be stored: without the spaces
    around it."""
    written = (value or "").strip()
    if required and not written:
        return Message("limits.empty", field=field(name))
    if len(written) > most:
        return Message("limits.too_long", field=field(name), length=Count(len(written)),
                       most=Count(most))
    return None


def check(value: str | None, name: str, most: int, *, required: bool = False) -> None:
    """Refuse (:class:`engine.InvalidInputError`) what :func:`problem` finds wrong."""
    found = problem(value, name, most, required=required)
    if found is not None:
        raise InvalidInputError(found)


def check_comment(value: str | None, name: str = "comment") -> None:
    """A comment, reason or note: at most :data:`COMMENT_MAX` characters (may be empty)."""
    check(value, name, COMMENT_MAX)
