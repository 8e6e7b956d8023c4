"""Reference data as data: the dimensions and elements, and the 514 regions with their zones.

The dimensions and elements are an edition's (``data/dimensions.yaml``, or the file
``SMARTCITY_DIMENSIONS_FILE`` names), each labelled per language. People name them as they
know them: :meth:`DimensionSet.find` takes a code (``public_service``), a label in either
language ("Pelayanan publik", "Public service") or an alias ("Smart People"), so a quick-win
list typed in a spreadsheet needs no internal codes.

The shipped files live in ``workflows/directory/data`` (the region list is MIT-licensed; see
its NOTICE).
:func:`load_regions` copies provinces and regions into the database, idempotently, so that a
region's code, province, kind and time zone can be joined in queries.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlmodel import Session, select

from config import messages
from engine import InvalidInputError, Text
from workflows.directory.models import Province, Region

DATA = resources.files("workflows.directory") / "data"


class Label(Text):
    """A dimension's or element's name: the engine's per-language :class:`engine.Text`
    (``id`` required, ``en`` falling back to it, ``str()`` in the current language), also
    given as a plain string (the form every dimensions file had before labels were per
    language, and still the simplest for an edition's own copy), which is the ``id`` text."""

    model_config = ConfigDict(strict=False)

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    def names(self) -> tuple[str, ...]:
        return (self.id, self.en) if self.en else (self.id,)


def _key(text: str) -> str:
    """How a typed name is compared: case, spaces, ``_`` and ``-`` do not matter
    ("Pelayanan Publik", "pelayanan_publik" and "PELAYANAN-PUBLIK" are one name)."""
    return " ".join(re.split(r"[\s_\-]+", text.casefold())).strip()


class _Named(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Label
    aliases: tuple[str, ...] = ()

    def known_as(self, text: str) -> bool:
        """True if ``text`` is this one's code, its label in any language or an alias."""
        wanted = _key(text)
        return bool(wanted) and any(
            _key(name) == wanted for name in (self.code, *self.label.names(), *self.aliases))


class Element(_Named):
    """One element of a dimension (e.g. Pelayanan publik of Smart Governance)."""


class Dimension(_Named):
    """One of the edition's dimensions with its elements, in the order they are shown."""

    elements: tuple[Element, ...] = Field(min_length=1)

    def element(self, code: str) -> Element | None:
        return next((e for e in self.elements if e.code == code), None)


class DimensionSet(BaseModel):
    """The dimensions of the programme's edition, each with its elements."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    dimensions: tuple[Dimension, ...] = Field(min_length=1)

    def get(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def labels(self, dimension: str, element: str) -> tuple[str, str]:
        """The dimension's and the element's names in the current language (the codes
        themselves when this edition does not know them: a plan tagged in another edition)."""
        dim = self.get(dimension)
        if dim is None:
            return dimension, element
        el = dim.element(element)
        return str(dim.label), str(el.label) if el else element

    def find(self, dimension: str, element: str) -> tuple[Dimension, Element]:
        """The dimension and element a person typed or picked, by code, label (either
        language) or alias; an empty ``dimension`` is the one the element belongs to, when
        only one has it. :class:`TagProblem` says which of the two is wrong and what to pick.
        """
        dim = next((d for d in self.dimensions if d.known_as(dimension)), None)
        if dimension.strip() and dim is None:
            raise TagProblem("dimension", messages.text(
                "dimensions.unknown_dimension", given=dimension.strip(),
                known=", ".join(str(d.label) for d in self.dimensions)))
        if not element.strip():
            raise TagProblem("element", messages.text("dimensions.element_missing"))
        if dim is not None:
            el = next((e for e in dim.elements if e.known_as(element)), None)
            if el is not None:
                return dim, el
            owner = next((d for d in self.dimensions
                          if any(e.known_as(element) for e in d.elements)), None)
            known = ", ".join(str(e.label) for e in dim.elements)
            if owner is not None:
                raise TagProblem("element", messages.text(
                    "dimensions.element_of_other", element=element.strip(),
                    dimension=str(dim.label), owner=str(owner.label), known=known))
            raise TagProblem("element", messages.text(
                "dimensions.not_an_element", element=element.strip(),
                dimension=str(dim.label), known=known))
        owners = [(d, e) for d in self.dimensions for e in d.elements if e.known_as(element)]
        if len(owners) == 1:
            return owners[0]
        if not owners:
            raise TagProblem("element", messages.text("dimensions.unknown_element",
                                                      given=element.strip()))
        raise TagProblem("dimension", messages.text("dimensions.dimension_missing"))

    def check_tag(self, dimension: str, element: str) -> str | None:
        """None if ``element`` (a code) belongs to ``dimension`` (a code); else a sentence, in
        the current language, naming the valid ones."""
        dim = self.get(dimension)
        if dim is None:
            return messages.text("dimensions.unknown_dimension", given=dimension,
                                 known=", ".join(d.code for d in self.dimensions))
        if dim.element(element) is None:
            return messages.text("dimensions.not_an_element", element=element,
                                 dimension=dimension,
                                 known=", ".join(e.code for e in dim.elements))
        return None


class TagProblem(ValueError):
    """A dimension or element that is not in the edition; ``field`` says which one."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=4)
def load_dimensions(path: Path | None = None) -> DimensionSet:
    """The shipped dimension set, or the one at ``path``."""
    source = str(path) if path else "workflows/directory/data/dimensions.yaml"
    try:
        text = path.read_text("utf-8") if path else (DATA / "dimensions.yaml").read_text("utf-8")
        return DimensionSet.model_validate(yaml.safe_load(text))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise InvalidInputError("directory.not_dimensions_file", source=source,
                                reason=first) from None


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
