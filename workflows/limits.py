"""How long a text a person types may be, checked before the database on every backend.

PostgreSQL refuses a 10,806-character OPD name for a ``VARCHAR(200)`` column (as an internal
error); SQLite stores it, and the board then shows it. So every free text a person enters
(names, email addresses, comments, reasons, notes) is checked here, in the workflow function
the command line, the API and the pages share, before anything is written: a text longer
than its column is refused in one sentence naming the field, its limit and the length given
("Nama OPD terlalu panjang: 10.806 karakter; paling banyak 200."), and a name that is empty or
only spaces is refused too.

Nor may a text hold control characters (Unicode category ``Cc``: U+0000-U+001F and
U+007F-U+009F): an OPD name with ``ESC [31m`` from a CSV file would be stored and replayed raw
by ``opd list``, repainting or rewriting the reader's terminal, and a NUL, which PostgreSQL
cannot store at all, would fail as a database error naming no field. A multi-line text (a
comment, reason or note) keeps its line breaks (``\n``, and the ``\r\n`` a browser sends for
a text area's) and tabs; a name keeps none. The refusal names the field, the character (as
``U+001B``) and where it is, and never echoes it.

The limits are read from the columns themselves (:func:`column_limit`), so a migration that
widens a column widens the check with it. Columns of unbounded ``TEXT`` (comments on actions
and reviews, extension reasons, submission notes) get :data:`COMMENT_MAX`: long enough for
any real explanation, short enough that one history entry cannot fill a page or a mailbox.
"""

from __future__ import annotations

import re
from typing import Any, Final

from babel.numbers import format_decimal

from config import language
from config.messages import Message
from engine import InvalidInputError

#: The most characters of a comment, reason or note (a ``TEXT`` column has no limit of its
#: own): about two pages of prose, and the limit the REST API's request bodies declare.
COMMENT_MAX: Final = 4000
#: The control characters (Unicode category Cc) a name may not hold ...
CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
#: ... and those a multi-line text may not: all but tab, line feed and carriage return.
MULTILINE_CONTROL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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


def control_problem(value: str | None, name: str, *, multiline: bool = False
                    ) -> Message | None:
    """The first control character of ``value`` not allowed in the field ``name`` (any, or,
    when ``multiline``, any but tab and line breaks), as a refusal naming it; or None."""
    found = (MULTILINE_CONTROL if multiline else CONTROL).search(value or "")
    if found is None:
        return None
    return Message("limits.control", field=field(name),
                   character=f"U+{ord(found.group()):04X}", position=Count(found.start() + 1))


def problem(value: str | None, name: str, most: int, *, required: bool = False,
            multiline: bool = False) -> Message | None:
    """What is wrong with ``value`` for the field ``name`` (empty when ``required``, holding
    a control character (:func:`control_problem`), or longer than ``most``), or None.
    ``value`` is measured as it will be stored: without the spaces around it; the control
    characters are looked for in all of it, as a caller may store it as given."""
    written = (value or "").strip()
    if required and not written:
        return Message("limits.empty", field=field(name))
    if (control := control_problem(value, name, multiline=multiline)) is not None:
        return control
    if len(written) > most:
        return Message("limits.too_long", field=field(name), length=Count(len(written)),
                       most=Count(most))
    return None


def check(value: str | None, name: str, most: int, *, required: bool = False,
          multiline: bool = False) -> None:
    """Refuse (:class:`engine.InvalidInputError`) what :func:`problem` finds wrong."""
    found = problem(value, name, most, required=required, multiline=multiline)
    if found is not None:
        raise InvalidInputError(found)


def check_comment(value: str | None, name: str = "comment") -> None:
    """A comment, reason or note: at most :data:`COMMENT_MAX` characters (may be empty), of
    several lines if need be."""
    check(value, name, COMMENT_MAX, multiline=True)
