"""The parties of each role in a region: who is there to owe what the region's stage needs.

The engine's obligation rule (:func:`engine.who_owes`) asks, for every role, who the
parties bound to a subject are; this module answers for regions, in a fixed number of
queries whatever their number:

* ``opd``: the region's OPDs, each its own party (its code, as per-OPD submissions name it);
* ``head_of_region``: the people bound to the region in that role;
* ``mentor``: the mentors assigned to the region;
* ``coordinator``: the region's own coordinators (the Diskominfo secretariat), or, when it has
  none, the programme-wide ones;
* ``assessor``: the programme-wide assessors;

and whom a missed deadline is escalated to: the region's own coordinators and the
programme-wide ones.

A party knows its address and name (to be told), and whether it is bound to the region: its
reminders then come at the region's morning, and otherwise at the national one (WIB).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from workflows import roles
from workflows.directory.models import MentorAssignment, Opd, Person


@dataclass(frozen=True)
class Party:
    """Someone of a role in a region: ``id`` as the engine knows them (an OPD's code, a
    person's address), with the address they are told at."""

    role: str
    id: str
    email: str
    name: str
    bound: bool  # bound to the region (its morning is the region's), or programme-wide

    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.role == roles.OPD else self.name


@dataclass
class RegionParties:
    """A region's parties by role (``by_role``, as :func:`engine.who_owes` takes them) and
    the coordinators a missed deadline is escalated to."""

    by_role: dict[str, list[Party]] = field(default_factory=lambda: defaultdict(list))
    escalation: list[Party] = field(default_factory=list)

    def find(self, role: str, party: str) -> Party | None:
        return next((p for p in self.by_role.get(role, ()) if p.id == party), None)

    def ids(self) -> dict[str, list[str]]:
        return {role: [p.id for p in found] for role, found in self.by_role.items()}


def parties(session: Session, regions: Collection[str]) -> dict[str, RegionParties]:
    """The parties of each of ``regions`` (three queries whatever their number)."""
    codes = sorted(set(regions))
    found = {code: RegionParties() for code in codes}
    if not codes:
        return found
    for opd in session.execute(select(Opd).where(col(Opd.region_code).in_(codes))
                               .order_by(col(Opd.region_code), col(Opd.code))).scalars():
        found[opd.region_code].by_role[roles.OPD].append(
            Party(roles.OPD, opd.code, opd.email, opd.name, True))
    people = session.execute(select(Person).where(or_(
        col(Person.region_code).in_(codes), col(Person.region_code).is_(None),
    )).order_by(col(Person.email))).scalars().all()
    national = {roles.COORDINATOR: [], roles.ASSESSOR: []}  # type: dict[str, list[Party]]
    for person in people:
        if person.region_code is None:
            if person.role in national:
                national[person.role].append(_person(person, bound=False))
        elif person.role in (roles.HEAD_OF_REGION, roles.COORDINATOR):
            found[person.region_code].by_role[person.role].append(_person(person, bound=True))
    for code, person in session.execute(
            select(MentorAssignment.region_code, Person)
            .join(Person, col(Person.id) == col(MentorAssignment.person_id))
            .where(col(MentorAssignment.region_code).in_(codes))
            .order_by(col(Person.email))).all():
        found[code].by_role[roles.MENTOR].append(_person(person, bound=False))
    for region in found.values():
        own = list(region.by_role.get(roles.COORDINATOR, ()))
        region.escalation = own + national[roles.COORDINATOR]
        region.by_role[roles.COORDINATOR] = own or list(national[roles.COORDINATOR])
        region.by_role[roles.ASSESSOR] = list(national[roles.ASSESSOR])
    return found


def _person(person: Person, *, bound: bool) -> Party:
    return Party(person.role, person.email, person.email, person.name, bound)
