"""Reference data as data: the dimensions and elements, and the 514 regions with their zones.

The shipped files live in ``workflows/directory/data`` (the region list is MIT-licensed; see
its NOTICE).
:func:`load_regions` copies provinces and regions into the database, idempotently, so that a
region's code, province, kind and time zone can be joined in queries.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, select

from engine import InvalidInputError
from workflows.directory.models import Province, Region

DATA = resources.files("workflows.directory") / "data"


class Element(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str


class Dimension(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    elements: list[Element] = Field(min_length=1)


class DimensionSet(BaseModel):
    """The dimensions of the programme's edition, each with its elements."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    dimensions: list[Dimension] = Field(min_length=1)

    def get(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def check_tag(self, dimension: str, element: str) -> str | None:
        """None if ``element`` belongs to ``dimension``; else a sentence naming the valid ones."""
        dim = self.get(dimension)
        if dim is None:
            known = ", ".join(d.code for d in self.dimensions)
            return f"unknown dimension {dimension!r} (one of: {known})"
        if all(e.code != element for e in dim.elements):
            known = ", ".join(e.code for e in dim.elements)
            return f"{element!r} is not an element of {dimension} (one of: {known})"
        return None


@lru_cache(maxsize=4)
def load_dimensions(path: Path | None = None) -> DimensionSet:
    """The shipped dimension set, or the one at ``path``."""
    source = str(path) if path else "workflows/directory/data/dimensions.yaml"
    try:
        text = path.read_text("utf-8") if path else (DATA / "dimensions.yaml").read_text("utf-8")
        return DimensionSet.model_validate(yaml.safe_load(text))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise InvalidInputError(f"{source}: not a valid dimensions file: {first}") from None


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    kind: str
    province_code: str
    province: str
    zone: str
    tz: str


def shipped_regions() -> list[RegionRow]:
    text = (DATA / "regencies.csv").read_text(encoding="utf-8")
    return [RegionRow(**row) for row in csv.DictReader(io.StringIO(text))]


def load_regions(session: Session) -> int:
    """Insert the shipped provinces and regions that are not there yet; returns how many."""
    have = set(session.execute(select(Region.code)).scalars())
    provinces = set(session.execute(select(Province.code)).scalars())
    text = (DATA / "provinces.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        if row["code"] not in provinces:
            session.add(Province(**row))
    session.flush()
    added = 0
    for r in shipped_regions():
        if r.code not in have:
            session.add(Region(code=r.code, name=r.name, kind=r.kind,
                               province_code=r.province_code, zone=r.zone, tz=r.tz))
            added += 1
    return added
