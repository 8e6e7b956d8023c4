"""Registering who takes part: OPDs, people and mentors with their regions, one by one or
from CSV files, each call one transaction.

Every address belongs to one actor only (an OPD or a person), so an address always acts as
exactly one of them; an import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlmodel import Session, select

from config.messages import Message
from engine import ConflictError, InvalidInputError, NotFoundError
from workflows import limits, roles
from workflows.directory import imports
from workflows.directory.models import MentorAssignment, Opd, Person
from workflows.directory.regions import check_regions, find_region
from workflows.directory.subjects import find_province
from workflows.programme import Programme


def email_free(session: Session, email: str, *, opd_id: int | None = None,
               person_id: int | None = None) -> None:
    """Refuse an address that already belongs to another OPD or person."""
    person = session.execute(select(Person.id).where(Person.email == email)).scalar_one_or_none()
    opd = session.execute(select(Opd.id).where(Opd.email == email)).scalar_one_or_none()
    if (person is not None and person != person_id) or (opd is not None and opd != opd_id):
        raise ConflictError("directory.address_taken", email=email)


def upsert_opds(prog: Programme, rows: Sequence[imports.OpdRow]) -> int:
    """Add or update OPDs (keyed by region and code); returns how many were new."""
    for row in rows:  # rows made in code, not parsed: checked before the database too
        limits.check(row.name, "opd_name", imports.OPD_NAME_MAX, required=True)
    with prog.db.transaction() as session:
        check_regions(session, sorted({r.region for r in rows}), "")
        new = 0
        for row in rows:
            opd = session.execute(select(Opd).where(
                Opd.region_code == row.region, Opd.code == row.code)).scalar_one_or_none()
            email_free(session, row.email, opd_id=opd.id if opd else None)
            if opd is None:
                opd = Opd(region_code=row.region, code=row.code, name=row.name, email=row.email)
                new += 1
            opd.name, opd.email, opd.dimension = row.name, row.email, row.dimension
            session.add(opd)
            session.flush()
        return new


def add_opd(prog: Programme, region: str, code: str, name: str, email: str,
            dimension: str | None = None) -> None:
    with prog.db.read() as session:
        region = find_region(session, region).code
    row = imports.one(lambda c: imports.opd_row(c, prog.dimensions),
                      ("region", "code", "name", "email"), region=region, code=code,
                      name=name, email=email, dimension=dimension or "")
    upsert_opds(prog, [row])


def upsert_people(prog: Programme, rows: Sequence[imports.PersonRow]) -> int:
    """Add or update people (keyed by email); returns how many were new."""
    with prog.db.transaction() as session:
        return _upsert_people(session, rows)


def _upsert_people(session: Session, rows: Sequence[imports.PersonRow], *,
                   role_change: bool = True) -> int:
    for row in rows:  # add_mentor's row is made here, not parsed: checked before writing
        limits.check(row.name, "person_name", imports.PERSON_NAME_MAX, required=True)
    check_regions(session, sorted({r.region for r in rows if r.region}), "")
    new = 0
    for row in rows:
        person = session.execute(
            select(Person).where(Person.email == row.email)).scalar_one_or_none()
        email_free(session, row.email, person_id=person.id if person else None)
        if person is not None and person.role != row.role and not role_change:
            raise ConflictError("directory.role_taken", email=row.email,
                                role=Message(f"role.{person.role}"), wanted=row.role)
        if person is None:
            person = Person(email=row.email, name=row.name, role=row.role)
            new += 1
        person.name, person.role, person.region_code = row.name, row.role, row.region
        person.province_code = row.province
        session.add(person)
        session.flush()
    return new


def add_person(prog: Programme, email: str, name: str, role: str, region: str | None,
               province: str | None = None) -> None:
    """Add or update one person, bound to a region, to a province (a province's coordinator
    or governor, for its own workflows), or to neither."""
    if province is None:
        row = imports.one(imports.person_row, ("email", "name", "role"), email=email,
                          name=name, role=role, region=region or "")
        upsert_people(prog, [row])
        return
    if region:
        raise InvalidInputError("subjects.region_or_province")
    wanted = role.strip().lower()
    if wanted not in (roles.COORDINATOR, roles.HEAD_OF_REGION):
        raise InvalidInputError("subjects.province_roles", role=role,
                                roles=f"{roles.COORDINATOR}, {roles.HEAD_OF_REGION}")
    # The address and name are checked as for anyone (parsed as an unbound coordinator: a
    # head of region without a region is refused there, one of a province is not).
    row = imports.one(imports.person_row, ("email", "name"), email=email, name=name,
                      role=roles.COORDINATOR, region="")
    with prog.db.transaction() as session:
        code = find_province(session, province).code
        _upsert_people(session, [replace(row, role=wanted, province=code)])


def import_mentors(prog: Programme, rows: Sequence[imports.MentorRow], source: str = "") -> int:
    """Add mentors and their region assignments, all or nothing; returns new assignments."""
    with prog.db.transaction() as session:
        where = f"{source}: " if source else ""
        check_regions(session, sorted({c for r in rows for c in r.regions}), where)
        _upsert_people(session, [imports.PersonRow(r.email, r.name, roles.MENTOR, None)
                                 for r in rows], role_change=False)
        return sum(_assign(session, r.email, r.regions) for r in rows)


def add_mentor(prog: Programme, email: str, name: str, region_refs: Sequence[str]) -> int:
    """Add (or update) one mentor and assign regions, in one transaction."""
    address = imports.normalise_email_arg(email)
    with prog.db.transaction() as session:
        codes = [find_region(session, ref).code for ref in region_refs]
        _upsert_people(session, [imports.PersonRow(address, name.strip(), roles.MENTOR, None)],
                       role_change=False)
        return _assign(session, address, codes)


def assign_mentor(prog: Programme, email: str, region_refs: Sequence[str]) -> int:
    with prog.db.transaction() as session:
        codes = [find_region(session, ref).code for ref in region_refs]
        return _assign(session, imports.normalise_email_arg(email), codes)


def _assign(session: Session, email: str, codes: Sequence[str]) -> int:
    mentor = session.execute(select(Person).where(Person.email == email)).scalar_one_or_none()
    if mentor is None or mentor.role != roles.MENTOR:
        raise NotFoundError("directory.not_a_mentor", email=email)
    new = 0
    for code in codes:
        exists = session.execute(select(MentorAssignment.id).where(
            MentorAssignment.person_id == mentor.id, MentorAssignment.region_code == code,
        )).first()
        if not exists:
            session.add(MentorAssignment(person_id=mentor.id, region_code=code))
            session.flush()
            new += 1
    return new
