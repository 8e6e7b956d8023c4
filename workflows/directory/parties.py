"""The parties of each role in a region: who is there to owe what the region's stage needs.

A province that is the subject of a workflow of its own (:mod:`workflows.directory.subjects`)
has parties the same way: the people bound to it (its coordinators, its governor as head of
region) and the programme-wide ones; it has no OPDs or mentors.

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
from sqlalchemy import select as sa_select  # five columns: past sqlmodel's typed select
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
    # Columns, not entities: a national cohort has thousands of parties, and building an ORM
    # object for each costs several times the query (the inbox counts run on every page).
    for at, code, email, name in session.execute(
            select(col(Opd.region_code), col(Opd.code), col(Opd.email), col(Opd.name))
            .where(col(Opd.region_code).in_(codes))
            .order_by(col(Opd.region_code), col(Opd.code))).all():
        found[at].by_role[roles.OPD].append(Party(roles.OPD, code, email, name, True))
    people = session.execute(
        sa_select(col(Person.region_code), col(Person.province_code), col(Person.role),
               col(Person.email), col(Person.name))
        .where(or_(col(Person.region_code).in_(codes), col(Person.province_code).in_(codes),
                   col(Person.region_code).is_(None) & col(Person.province_code).is_(None)))
        .order_by(col(Person.email))).all()
    national = {roles.COORDINATOR: [], roles.ASSESSOR: []}  # type: dict[str, list[Party]]
    for region_code, province_code, role, email, name in people:
        bound_to = region_code or province_code
        if bound_to is None:
            if role in national:
                national[role].append(Party(role, email, email, name, False))
        elif role in (roles.HEAD_OF_REGION, roles.COORDINATOR):
            found[bound_to].by_role[role].append(Party(role, email, email, name, True))
    for assigned, role, email, name in session.execute(
            select(col(MentorAssignment.region_code), col(Person.role), col(Person.email),
                   col(Person.name))
            .join(Person, col(Person.id) == col(MentorAssignment.person_id))
            .where(col(MentorAssignment.region_code).in_(codes))
            .order_by(col(Person.email))).all():
        found[assigned].by_role[roles.MENTOR].append(Party(role, email, email, name, False))
    for region in found.values():
        own = list(region.by_role.get(roles.COORDINATOR, ()))
        region.escalation = own + national[roles.COORDINATOR]
        region.by_role[roles.COORDINATOR] = own or list(national[roles.COORDINATOR])
        region.by_role[roles.ASSESSOR] = list(national[roles.ASSESSOR])
    return found
