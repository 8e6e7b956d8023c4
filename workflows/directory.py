"""Who and where: regions, cohorts, OPDs, people, mentor assignments, and acting as someone.

Every function that writes is one transaction. An actor is resolved from an email address:
a person (coordinator, mentor, assessor, head of region) or an OPD.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from engine.errors import ConflictError, InvalidInputError, NotFoundError
from engine.permissions import Actor
from workflows import imports
from workflows.models import Cohort, CohortMember, MentorAssignment, Opd, Person, Region
from workflows.programme import MASTER_PLAN, Programme

# Acts for the system itself (joining a cohort starts the region's workflow).
SYSTEM = Actor("system", "coordinator", None, name="system")


# -- regions -------------------------------------------------------------------------------

def find_region(session: Session, ref: str) -> Region:
    """A region by Kemendagri code ("64.71") or by name ("Kota Balikpapan", case-insensitive)."""
    ref = ref.strip()
    region = session.get(Region, ref)
    if region is None:
        region = session.execute(
            select(Region).where(func.lower(Region.name) == ref.lower())
        ).scalar_one_or_none()
    if region is not None:
        return region
    names = list(session.execute(select(Region.name)).scalars())
    if not names:
        raise NotFoundError("no regions are loaded; run 'smartcity init' first")
    close = difflib.get_close_matches(ref, names, n=3, cutoff=0.6)
    hint = (f"; did you mean {', '.join(close)}?" if close
            else "; list them with 'smartcity region list'")
    raise NotFoundError(f"unknown region {ref!r}{hint}")


def region_codes(session: Session) -> set[str]:
    """Every known region code (for checking a CSV file row by row before importing it)."""
    return set(session.execute(select(Region.code)).scalars())


def check_regions(session: Session, codes: Sequence[str], where: str) -> None:
    have = set(session.execute(select(Region.code).where(col(Region.code).in_(codes))).scalars())
    unknown = [c for c in codes if c not in have]
    if unknown:
        raise NotFoundError(f"{where}unknown region code(s): {', '.join(unknown)}")


# -- cohorts -------------------------------------------------------------------------------

def create_cohort(prog: Programme, name: str, year: int) -> Cohort:
    if not 2017 <= year <= 2100:
        raise InvalidInputError(f"year {year} is outside the programme (2017 onwards)")
    with prog.db.transaction() as session:
        if session.execute(select(Cohort.id).where(Cohort.name == name)).first():
            raise ConflictError(f"cohort {name!r} already exists")
        cohort = Cohort(name=name, year=year)
        session.add(cohort)
        session.flush()
        return cohort


def find_cohort(session: Session, ref: str) -> Cohort:
    """A cohort by name, or by year when that year has exactly one cohort."""
    cohort = session.execute(select(Cohort).where(Cohort.name == ref)).scalar_one_or_none()
    # A year is four ASCII digits ("²".isdigit() is true, and int("2" * 20) overflows).
    if cohort is None and len(ref) == 4 and ref.isascii() and ref.isdigit():
        found = session.execute(select(Cohort).where(Cohort.year == int(ref))).scalars().all()
        if len(found) > 1:
            names = ", ".join(c.name for c in found)
            raise InvalidInputError(f"{ref} has several cohorts ({names}); name one")
        cohort = found[0] if found else None
    if cohort is None:
        raise NotFoundError(f"no cohort {ref!r}; create it with 'smartcity cohort create'")
    return cohort


def add_members(prog: Programme, cohort_ref: str, region_refs: Sequence[str]) -> list[Region]:
    """Select regions into a cohort and start their master plans, all in one transaction."""
    with prog.db.transaction() as session:
        cohort = find_cohort(session, cohort_ref)
        regions = [find_region(session, ref) for ref in region_refs]
        codes = [r.code for r in regions]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise InvalidInputError(f"listed more than once: {', '.join(repeated)}")
        taken = session.execute(
            select(CohortMember.region_code, Cohort.name).join(Cohort)
            .where(col(CohortMember.region_code).in_(codes))
        ).all()
        if taken:
            listed = ", ".join(f"{code} (in {name})" for code, name in taken)
            raise ConflictError(f"already selected: {listed}")
        assert cohort.id is not None, "a cohort read from the database has an id"
        for region in regions:
            session.add(CohortMember(cohort_id=cohort.id, region_code=region.code))
            prog.engine.start(session, MASTER_PLAN, region.code, SYSTEM)
        return regions


def import_members(prog: Programme, cohort_ref: str, path: Path) -> list[Region]:
    with prog.db.read() as session:
        known = region_codes(session)
    return add_members(prog, cohort_ref, imports.parse_members(path, known))


def cohorts(session: Session) -> list[tuple[Cohort, int]]:
    return [
        (c, n) for c, n in session.execute(
            select(Cohort, func.count(col(CohortMember.id))).outerjoin(CohortMember)
            .group_by(col(Cohort.id)).order_by(col(Cohort.year), col(Cohort.name))
        ).all()
    ]


# -- OPDs and people -----------------------------------------------------------------------

def _email_free(session: Session, email: str, *, opd_id: int | None = None,
                person_id: int | None = None) -> None:
    person = session.execute(select(Person.id).where(Person.email == email)).scalar_one_or_none()
    opd = session.execute(select(Opd.id).where(Opd.email == email)).scalar_one_or_none()
    if (person is not None and person != person_id) or (opd is not None and opd != opd_id):
        raise ConflictError(f"{email} already belongs to someone else; each actor needs its own")


def upsert_opds(prog: Programme, rows: Sequence[imports.OpdRow]) -> int:
    """Add or update OPDs (keyed by region and code); returns how many were new."""
    with prog.db.transaction() as session:
        check_regions(session, sorted({r.region for r in rows}), "")
        new = 0
        for row in rows:
            opd = session.execute(select(Opd).where(
                Opd.region_code == row.region, Opd.code == row.code)).scalar_one_or_none()
            _email_free(session, row.email, opd_id=opd.id if opd else None)
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


def opds(session: Session, region: str | None = None) -> Sequence[Opd]:
    query = select(Opd).order_by(Opd.region_code, Opd.code)
    if region:
        query = query.where(Opd.region_code == region)
    return session.execute(query).scalars().all()


def upsert_people(prog: Programme, rows: Sequence[imports.PersonRow]) -> int:
    """Add or update people (keyed by email); returns how many were new."""
    with prog.db.transaction() as session:
        return _upsert_people(session, rows)


def _upsert_people(session: Session, rows: Sequence[imports.PersonRow], *,
                   role_change: bool = True) -> int:
    check_regions(session, sorted({r.region for r in rows if r.region}), "")
    new = 0
    for row in rows:
        person = session.execute(
            select(Person).where(Person.email == row.email)).scalar_one_or_none()
        _email_free(session, row.email, person_id=person.id if person else None)
        if person is not None and person.role != row.role and not role_change:
            raise ConflictError(
                f"{row.email} is registered as {person.role}; to change a role use "
                f"'smartcity person add {row.email} --role {row.role}'")
        if person is None:
            person = Person(email=row.email, name=row.name, role=row.role)
            new += 1
        person.name, person.role, person.region_code = row.name, row.role, row.region
        session.add(person)
        session.flush()
    return new


def add_person(prog: Programme, email: str, name: str, role: str, region: str | None) -> None:
    row = imports.one(imports.person_row, ("email", "name", "role"), email=email, name=name,
                      role=role, region=region or "")
    upsert_people(prog, [row])


def people(session: Session, role: str | None = None) -> Sequence[Person]:
    query = select(Person).order_by(Person.role, Person.email)
    if role:
        query = query.where(Person.role == role)
    return session.execute(query).scalars().all()


def import_mentors(prog: Programme, rows: Sequence[imports.MentorRow], source: str = "") -> int:
    """Add mentors and their region assignments, all or nothing; returns new assignments."""
    with prog.db.transaction() as session:
        where = f"{source}: " if source else ""
        check_regions(session, sorted({c for r in rows for c in r.regions}), where)
        _upsert_people(session, [imports.PersonRow(r.email, r.name, "mentor", None)
                                 for r in rows], role_change=False)
        return sum(_assign(session, r.email, r.regions) for r in rows)


def add_mentor(prog: Programme, email: str, name: str, region_refs: Sequence[str]) -> int:
    """Add (or update) one mentor and assign regions, in one transaction."""
    address = imports.normalise_email_arg(email)
    with prog.db.transaction() as session:
        codes = [find_region(session, ref).code for ref in region_refs]
        _upsert_people(session, [imports.PersonRow(address, name, "mentor", None)],
                       role_change=False)
        return _assign(session, address, codes)


def assign_mentor(prog: Programme, email: str, region_refs: Sequence[str]) -> int:
    with prog.db.transaction() as session:
        codes = [find_region(session, ref).code for ref in region_refs]
        return _assign(session, imports.normalise_email_arg(email), codes)


def _assign(session: Session, email: str, codes: Sequence[str]) -> int:
    mentor = session.execute(select(Person).where(Person.email == email)).scalar_one_or_none()
    if mentor is None or mentor.role != "mentor":
        raise NotFoundError(f"{email} is not a registered mentor; add it with "
                            "'smartcity mentor add'")
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


def mentor_regions(session: Session, person_id: int) -> list[str]:
    return list(session.execute(select(MentorAssignment.region_code).where(
        MentorAssignment.person_id == person_id).order_by(MentorAssignment.region_code)
    ).scalars())


# -- acting as someone ---------------------------------------------------------------------

def actor_for(session: Session, email: str) -> Actor:
    """The actor behind an email address, with the regions they may act for."""
    address = imports.normalise_email_arg(email, "--as")
    person = session.execute(select(Person).where(Person.email == address)).scalar_one_or_none()
    if person is not None:
        subjects: frozenset[str] | None
        if person.role == "mentor":
            subjects = frozenset(mentor_regions(session, person.id or 0))
        elif person.region_code:
            subjects = frozenset({person.region_code})
        else:
            subjects = None
        return Actor(person.email, person.role, subjects, name=person.name)
    opd = session.execute(select(Opd).where(Opd.email == address)).scalar_one_or_none()
    if opd is not None:
        return Actor(opd.email, "opd", frozenset({opd.region_code}), party=opd.code,
                     name=opd.name)
    raise NotFoundError(
        f"nobody is registered as {address}; add a person ('smartcity person add') or an OPD "
        "('smartcity opd add')"
    )
