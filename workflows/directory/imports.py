"""CSV import of OPDs, people, mentors and cohort members: checked row by row, all or nothing.

Imports are all or nothing: every row is checked first and every problem is reported with its
row number (the header is row 1, as a spreadsheet shows it), so a coordinator fixes the file
in one pass. Parsing here is pure; the directory's modules write the rows. :func:`read_rows`
is the reader of every CSV the programme takes (a quick-win plan's list too).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from config.messages import Message
from engine import InvalidInputError
from workflows import limits, roles
from workflows.directory.models import Opd, Person
from workflows.directory.reference import DimensionSet

REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
#: The longest names the directory keeps (its columns' lengths).
OPD_NAME_MAX = limits.column_limit(Opd, "name")
PERSON_NAME_MAX = limits.column_limit(Person, "name")
EMAIL_MAX = limits.column_limit(Person, "email")  # RFC 5321's 254, as every email column
OPD_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
ROLES = roles.PERSON_ROLES

T = TypeVar("T")


class RowError(ValueError):
    """A problem with one cell, as a catalogue message; the reader adds the row number."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.message = Message(key, **params)
        super().__init__(key)

    def __str__(self) -> str:
        return str(self.message)


def name_cell(value: str, field: str, most: int) -> str:
    """A name as stored (without spaces around it): not empty, at most ``most`` characters;
    :class:`RowError` otherwise."""
    found = limits.problem(value, field, most, required=True)
    if found is not None:
        raise RowError(found.key, **found.params)
    return value.strip()


def normalise_email(value: str) -> str:
    """A syntactically valid address, lower-cased; :class:`RowError` names what is wrong."""
    # Loaded when an address is first checked: a command that only reads never pays for it.
    from email_validator import EmailNotValidError, validate_email

    too_long = limits.problem(value, "email", EMAIL_MAX)
    if too_long is not None:  # said as a length, not by echoing thousands of characters
        raise RowError(too_long.key, **too_long.params)
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise RowError("directory.bad_email", value=value.strip()) from None


def normalise_email_arg(value: str, what: str = "email") -> str:
    """:func:`normalise_email` for a single value given outside a file."""
    try:
        return normalise_email(value)
    except RowError as exc:
        raise InvalidInputError("directory.field_problem", what=what,
                                problem=exc.message) from None


def region_code(value: str, known: Collection[str] | None = None) -> str:
    value = value.strip()
    if not REGION_CODE.match(value):
        raise RowError("directory.not_region_code", value=value)
    if known is not None and value not in known:
        raise RowError("directory.unknown_region_code", code=value)
    return value


@dataclass(frozen=True)
class OpdRow:
    region: str
    code: str
    name: str
    email: str
    dimension: str | None


@dataclass(frozen=True)
class PersonRow:
    email: str
    name: str
    role: str
    region: str | None
    province: str | None = None  # a province's code, for its coordinator or governor


@dataclass(frozen=True)
class MentorRow:
    email: str
    name: str
    regions: tuple[str, ...]


Unique = tuple[str, Callable[[T], object]]


def read_rows(
    source: Path | str, required: Iterable[str], parse: Callable[[dict[str, str]], T],
    optional: Iterable[str] = (), unique: Iterable[Unique[T]] = (),
) -> list[T]:
    """Parse every row of a CSV file (or text), or raise listing every bad row.

    Rows are numbered as a spreadsheet shows them: the header is row 1 and blank lines count.
    ``unique`` names values that may appear once, such as ``("email", lambda r: r.email)``.
    """
    name = source.name if isinstance(source, Path) else "<csv>"
    try:
        text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidInputError("directory.cannot_read", source=source, reason=reason) from None
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidInputError("directory.not_csv", name=name, reason=exc) from None
    header = [h.strip().lower() for h in (records[0] if records else [])]
    required = list(required)
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInputError("directory.missing_columns", name=name, missing=missing,
                                expected=required + [f"[{o}]" for o in optional])
    rows: list[T] = []
    errors: list[Message] = []
    checks = list(unique)
    seen: list[dict[object, int]] = [{} for _ in checks]
    for number, record in enumerate(records[1:], start=2):
        if len(record) > len(header):
            errors.append(Message("directory.row", number=number,
                                  problem=Message("directory.row_too_long")))
            continue
        cells = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}
        if not any(cells.values()):
            continue
        empty = [c for c in required if not cells.get(c)]
        if empty:
            errors.append(Message("directory.row", number=number,
                                  problem=Message("directory.row_empty", cells=empty)))
            continue
        try:
            row = parse(cells)
        except RowError as exc:
            errors.append(Message("directory.row", number=number, problem=exc.message))
            continue
        for (what, key), earlier in zip(checks, seen, strict=True):
            value = key(row)
            if value in earlier:
                errors.append(Message("directory.row", number=number, problem=Message(
                    "directory.row_repeats", what=what, value=_shown(value),
                    earlier=earlier[value])))
            earlier.setdefault(value, number)
        rows.append(row)
    if errors:
        shown: list[Message] = errors[:20]
        if len(errors) > 20:
            shown.append(Message("directory.and_more", count=len(errors) - 20))
        raise InvalidInputError("directory.bad_rows", name=name, count=len(errors),
                                problems=_Semicolons(shown))
    if not rows:
        raise InvalidInputError("directory.no_rows", name=name)
    return rows


class _Semicolons:
    """Row problems joined with ``; `` when written out (each in the current language)."""

    def __init__(self, parts: list[Message]) -> None:
        self.parts = parts

    def __format__(self, spec: str) -> str:
        return "; ".join(str(p) for p in self.parts)


def _shown(value: object) -> str:
    return " ".join(map(str, value)) if isinstance(value, tuple) else str(value)


def opd_row(c: dict[str, str], dimensions: DimensionSet,
            known: Collection[str] | None = None) -> OpdRow:
    """One OPD from its cells (region, code, name, email, dimension)."""
    if not OPD_CODE.match(c["code"]):
        raise RowError("directory.bad_opd_code", code=c["code"])
    dim = c.get("dimension") or None
    if dim and dimensions.get(dim) is None:
        raise RowError("directory.unknown_dimension", dimension=dim,
                       known=[d.code for d in dimensions.dimensions])
    return OpdRow(region_code(c["region"], known), c["code"].upper(),
                  name_cell(c["name"], "opd_name", OPD_NAME_MAX), normalise_email(c["email"]),
                  dim)


def parse_opds(source: Path | str, dimensions: DimensionSet,
               known: Collection[str] | None = None) -> list[OpdRow]:
    """OPD rows; with ``known`` region codes an unknown region is a row error too."""
    return read_rows(source, ("region", "code", "name", "email"),
                     lambda c: opd_row(c, dimensions, known), ("dimension",),
                     unique=[("email", lambda r: r.email), ("OPD", lambda r: (r.region, r.code))])


def person_row(c: dict[str, str], known: Collection[str] | None = None) -> PersonRow:
    """One person from its cells (email, name, role, region)."""
    role = c["role"].lower()
    if role not in ROLES:
        raise RowError("directory.unknown_role", role=c["role"], known=ROLES)
    region = region_code(c["region"], known) if c.get("region") else None
    if role == roles.HEAD_OF_REGION and region is None:
        raise RowError("directory.head_needs_region")
    if role == roles.MENTOR and region is not None:
        raise RowError("directory.mentor_no_region")
    return PersonRow(normalise_email(c["email"]),
                     name_cell(c["name"], "person_name", PERSON_NAME_MAX), role, region)


def parse_people(source: Path | str, known: Collection[str] | None = None) -> list[PersonRow]:
    return read_rows(source, ("email", "name", "role"), lambda c: person_row(c, known),
                     ("region",),
                     unique=[("email", lambda r: r.email)])


def one(parse: Callable[[dict[str, str]], T], required: Iterable[str], **cells: str) -> T:
    """Parse a single record given as arguments; a bad value is an error without row numbers."""
    empty = [k for k in required if not cells.get(k, "").strip()]
    if empty:
        raise InvalidInputError("directory.must_not_be_empty", fields=empty)
    try:
        return parse({k: v.strip() for k, v in cells.items()})
    except RowError as exc:
        raise InvalidInputError(exc.message) from None


def parse_mentors(source: Path | str, known: Collection[str] | None = None) -> list[MentorRow]:
    def parse(c: dict[str, str]) -> MentorRow:
        codes = tuple(region_code(p, known)
                      for p in re.split(r"[;\s]+", c.get("regions", "")) if p)
        return MentorRow(normalise_email(c["email"]),
                         name_cell(c["name"], "person_name", PERSON_NAME_MAX), codes)

    return read_rows(source, ("email", "name"), parse, ("regions",),
                     unique=[("email", lambda r: r.email)])


def parse_members(source: Path | str, known: Collection[str] | None = None) -> list[str]:
    return read_rows(source, ("region",), lambda c: region_code(c["region"], known),
                     unique=[("region", lambda r: r)])
