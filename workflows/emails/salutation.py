"""How a letter opens: to the office-holder, as Indonesian officials write it.

An OPD is written to through its head, with the region's name when the agency's own name does
not carry it ("Yth. Kepala Bappeda Kabupaten Mimika"); a person by name ("Yth. Bapak/Ibu Sari
Dewi"). English letters open "Dear Head of ..." and "Dear ...". The words are the
catalogue's (``mail.salutation.*``), in the current language: call these inside the
recipient's :func:`config.language.using`.
"""

from __future__ import annotations

from config.messages import text


def to_office(agency: str, region_name: str | None = None) -> str:
    """The opening of a letter to the head of ``agency`` (of ``region_name``)."""
    office = f"{agency} {region_name}" if region_name and region_name not in agency else agency
    return text("mail.salutation.opd", office=office)


def to_person(name: str) -> str:
    return text("mail.salutation.person", name=name)


class Salutation:
    """A letter's opening written out later (``str()``), in the reader's language: to the
    head of an office when ``region_name`` is given or ``office`` is true, else to a person."""

    __slots__ = ("name", "office", "region_name")

    def __init__(self, name: str, region_name: str | None = None, *,
                 office: bool | None = None) -> None:
        self.name, self.region_name = name, region_name
        self.office = region_name is not None if office is None else office

    def __str__(self) -> str:
        return to_office(self.name, self.region_name) if self.office else to_person(self.name)
