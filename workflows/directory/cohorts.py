"""Cohorts: the regions selected into the programme in a year, each starting its master plan.

Joining a cohort is what starts a region's master plan, in the same transaction, so a region
is never a member without a plan or the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from config.messages import Message
from engine import ConflictError, InvalidInputError, NotFoundError
from workflows import limits
from workflows.directory import imports
from workflows.directory.actors import SYSTEM
from workflows.directory.models import Cohort, CohortMember, Region
from workflows.directory.regions import find_region, region_codes
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme

#: What to do when a cohort is not found, where no interface says better.
CREATE_HINT = Message("directory.cohort_hint")


def create_cohort(prog: Programme, name: str, year: int) -> Cohort:
    limits.check(name, "cohort_name", limits.column_limit(Cohort, "name"), required=True)
    name = name.strip()
    if not 2017 <= year <= 2100:
        raise InvalidInputError("directory.year_outside", year=year)
    with prog.db.transaction() as session:
        if session.execute(select(Cohort.id).where(Cohort.name == name)).first():
            raise ConflictError("directory.cohort_exists", name=name)
        cohort = Cohort(name=name, year=year)
        session.add(cohort)
        session.flush()
        return cohort


def find_cohort(session: Session, ref: str, hint: Message | str = CREATE_HINT) -> Cohort:
    """A cohort by name, or by year when that year has exactly one cohort.

    Only four ASCII digits are read as a year: ``"²".isdigit()`` is true, and a run of
    twenty digits would overflow the database's integer column, so anything else made of
    digits is looked up by name only. ``hint`` ends the message when there is no such cohort
    (what the reader can do about it, in their interface).
    """
    ref = ref.strip()
    cohort = session.execute(select(Cohort).where(Cohort.name == ref)).scalar_one_or_none()
    if cohort is None and len(ref) == 4 and ref.isascii() and ref.isdigit():
        found = session.execute(select(Cohort).where(Cohort.year == int(ref))).scalars().all()
        if len(found) > 1:
            raise InvalidInputError("directory.several_cohorts", ref=ref,
                                    names=[c.name for c in found])
        cohort = found[0] if found else None
    if cohort is None:
        raise NotFoundError("directory.no_cohort", ref=ref, hint=hint)
    return cohort


def add_members(prog: Programme, cohort_ref: str, region_refs: Sequence[str]) -> list[Region]:
    """Select regions into a cohort and start their master plans, all in one transaction."""
    with prog.db.transaction() as session:
        cohort = find_cohort(session, cohort_ref)
        regions = [find_region(session, ref) for ref in region_refs]
        codes = [r.code for r in regions]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise InvalidInputError("directory.listed_twice", codes=repeated)
        taken = session.execute(
            select(CohortMember.region_code, Cohort.name).join(Cohort)
            .where(col(CohortMember.region_code).in_(codes))
        ).all()
        if taken:
            raise ConflictError("directory.already_selected", listed=[
                Message("directory.in_cohort", code=code, cohort=name) for code, name in taken])
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
    """Every cohort with its number of regions, oldest first."""
    return [
        (c, n) for c, n in session.execute(
            select(Cohort, func.count(col(CohortMember.id))).outerjoin(CohortMember)
            .group_by(col(Cohort.id)).order_by(col(Cohort.year), col(Cohort.name))
        ).all()
    ]


def cohort_of(session: Session, region: str) -> Cohort | None:
    """The cohort a region was selected into, if any."""
    return session.execute(
        select(Cohort).join(CohortMember, col(CohortMember.cohort_id) == Cohort.id)
        .where(CohortMember.region_code == region)).scalar_one_or_none()


def members(session: Session, cohort_id: int) -> list[str]:
    """The codes of a cohort's regions, in code order."""
    return list(session.execute(select(CohortMember.region_code).where(
        CohortMember.cohort_id == cohort_id).order_by(CohortMember.region_code)).scalars())


def cohorts_of(session: Session, regions: Sequence[str]) -> set[int]:
    """The ids of the cohorts that hold any of ``regions``."""
    return set(session.execute(select(CohortMember.cohort_id).where(
        col(CohortMember.region_code).in_(list(regions)))).scalars())
