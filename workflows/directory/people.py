"""People: coordinators, assessors, heads of region and mentors, and mentors' regions.

A person is keyed by email address. A regional coordinator (the Diskominfo secretariat) or a
head of region is bound to one region; a mentor to the regions assigned to it; programme-wide
coordinators and assessors to none (they act for every region). Adding and updating people
is :mod:`workflows.directory.registration`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session
from sqlmodel import col, select

from workflows.directory.models import MentorAssignment, Person


def people(session: Session, role: str | None = None) -> Sequence[Person]:
    """People by role and email (of one role when given)."""
    query = select(Person).order_by(Person.role, Person.email)
    if role:
        query = query.where(Person.role == role)
    return session.execute(query).scalars().all()


def mentors_of(session: Session, region: str) -> list[Person]:
    """The mentors assigned to a region, by email."""
    return list(session.execute(
        select(Person).join(MentorAssignment,
                            col(MentorAssignment.person_id) == col(Person.id))
        .where(col(MentorAssignment.region_code) == region).order_by(col(Person.email))
    ).scalars())
