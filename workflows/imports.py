"""CSV import of OPDs, people, mentors and cohort members, and of a quick-win plan's list.

Imports are all or nothing: every row is checked first and every problem is reported with its
row number (the header is row 1, as a spreadsheet shows it), so a coordinator fixes the file
in one pass. Parsing here is pure; :mod:`workflows.programme` writes the rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email

from engine.errors import InvalidInputError
from workflows.reference import DimensionSet

REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
OPD_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
ROLES = ("coordinator", "mentor", "assessor", "head_of_region")

T = TypeVar("T")


class RowError(ValueError):
    """A problem with one cell; the reader adds the row number."""


def normalise_email(value: str) -> str:
    """A syntactically valid address, lower-cased; :class:`RowError` names what is wrong."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise RowError(f"email {value.strip()!r} is not a valid address: {exc}") from None


def region_code(value: str) -> str:
    value = value.strip()
    if not REGION_CODE.match(value):
        raise RowError(f"region {value!r} is not a Kemendagri code like 64.71")
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


@dataclass(frozen=True)
class MentorRow:
    email: str
    name: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class QuickWinRow:
    title: str
    dimension: str
    element: str
    opd: str | None
    description: str | None


def read_rows(
    source: Path | str, required: Iterable[str], parse: Callable[[dict[str, str]], T],
    optional: Iterable[str] = (),
) -> list[T]:
    """Parse every row of a CSV file (or text), or raise listing every bad row."""
    name = source.name if isinstance(source, Path) else "<csv>"
    try:
        text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidInputError(f"{source}: cannot read: {reason}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    required = list(required)
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInputError(
            f"{name}: row 1: missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(required + [f'[{o}]' for o in optional])}"
        )
    reader.fieldnames = header
    rows: list[T] = []
    errors: list[str] = []
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            errors.append(f"row {number}: more cells than columns")
            continue
        cells = {k: (v or "").strip() for k, v in raw.items()}
        if not any(cells.values()):
            continue
        empty = [c for c in required if not cells.get(c)]
        if empty:
            errors.append(f"row {number}: {', '.join(empty)} is empty")
            continue
        try:
            rows.append(parse(cells))
        except RowError as exc:
            errors.append(f"row {number}: {exc}")
    if errors:
        more = f"; and {len(errors) - 20} more" if len(errors) > 20 else ""
        shown = "; ".join(errors[:20]) + more
        raise InvalidInputError(f"{name}: {len(errors)} bad row(s), nothing imported: {shown}")
    if not rows:
        raise InvalidInputError(f"{name}: no rows to import")
    return rows


def _unique(rows: list[T], key: Callable[[T], object], what: str, name: str) -> list[T]:
    seen: dict[object, int] = {}
    for i, row in enumerate(rows, start=2):
        k = key(row)
        if k in seen:
            raise InvalidInputError(f"{name}: row {i}: {what} {k} repeats row {seen[k]}")
        seen[k] = i
    return rows


def parse_opds(source: Path | str, dimensions: DimensionSet) -> list[OpdRow]:
    def parse(c: dict[str, str]) -> OpdRow:
        if not OPD_CODE.match(c["code"]):
            raise RowError(f"code {c['code']!r} must be letters, digits, '.', '_' or '-'")
        dim = c.get("dimension") or None
        if dim and dimensions.get(dim) is None:
            known = ", ".join(d.code for d in dimensions.dimensions)
            raise RowError(f"unknown dimension {dim!r} (one of: {known})")
        return OpdRow(region_code(c["region"]), c["code"].upper(), c["name"],
                      normalise_email(c["email"]), dim)

    rows = read_rows(source, ("region", "code", "name", "email"), parse, ("dimension",))
    name = source.name if isinstance(source, Path) else "<csv>"
    _unique(rows, lambda r: r.email, "email", name)
    return _unique(rows, lambda r: (r.region, r.code), "OPD", name)


def parse_people(source: Path | str) -> list[PersonRow]:
    def parse(c: dict[str, str]) -> PersonRow:
        role = c["role"].lower()
        if role not in ROLES:
            raise RowError(f"role {c['role']!r} is not one of {', '.join(ROLES)}")
        region = region_code(c["region"]) if c.get("region") else None
        if role == "head_of_region" and region is None:
            raise RowError("a head_of_region needs a region")
        return PersonRow(normalise_email(c["email"]), c["name"], role, region)

    rows = read_rows(source, ("email", "name", "role"), parse, ("region",))
    return _unique(rows, lambda r: r.email, "email",
                   source.name if isinstance(source, Path) else "<csv>")


def parse_mentors(source: Path | str) -> list[MentorRow]:
    def parse(c: dict[str, str]) -> MentorRow:
        codes = tuple(region_code(p) for p in re.split(r"[;\s]+", c.get("regions", "")) if p)
        return MentorRow(normalise_email(c["email"]), c["name"], codes)

    rows = read_rows(source, ("email", "name"), parse, ("regions",))
    return _unique(rows, lambda r: r.email, "email",
                   source.name if isinstance(source, Path) else "<csv>")


def parse_members(source: Path | str) -> list[str]:
    rows = read_rows(source, ("region",), lambda c: region_code(c["region"]))
    name = source.name if isinstance(source, Path) else "<csv>"
    return _unique(rows, lambda r: r, "region", name)


def parse_quick_wins(source: Path | str, dimensions: DimensionSet) -> list[QuickWinRow]:
    def parse(c: dict[str, str]) -> QuickWinRow:
        problem = dimensions.check_tag(c["dimension"].lower(), c["element"].lower())
        if problem:
            raise RowError(problem)
        return QuickWinRow(c["title"], c["dimension"].lower(), c["element"].lower(),
                           (c.get("opd") or "").upper() or None, c.get("description") or None)

    return read_rows(source, ("title", "dimension", "element"), parse, ("opd", "description"))
