"""Acting as someone: the engine :class:`~engine.Actor` behind an email address.

An actor is resolved from the directory on every action: a person (coordinator, mentor,
assessor, head of region) or an OPD, with the regions they may act for. Nothing about what
someone may do is stored with their account, so a mentor reassigned to another region acts for
the new one at once. Interfaces resolve the actor once per request and hand it down; the
command line hands down the ``--as`` address, resolved inside the action's transaction.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, literal, union_all
from sqlalchemy import select as core_select
from sqlmodel import Session, select

from engine import Actor, NotFoundError
from workflows import roles
from workflows.directory.imports import normalise_email_arg
from workflows.directory.models import MentorAssignment, Opd, Person

#: Acts for the system itself (joining a cohort starts the region's workflow).
SYSTEM = Actor("system", roles.COORDINATOR, None, name="system")

#: Who acts: an actor an interface resolved already, or the email address to resolve.
Acting = Actor | str


def mentor_regions(session: Session, person_id: int) -> list[str]:
    return list(session.execute(select(MentorAssignment.region_code).where(
        MentorAssignment.person_id == person_id).order_by(MentorAssignment.region_code)
    ).scalars())


_PERSON = Person.__table__  # type: ignore[attr-defined]
_OPD = Opd.__table__  # type: ignore[attr-defined]

#: A person or an OPD by address, in one statement (an address is one or the other: the
#: directory refuses an address already taken by the other kind).
_WHO = union_all(
    core_select(_PERSON.c.email, _PERSON.c.role, _PERSON.c.name,
           # bound to a region or to a province (one or neither): the subject they act for
           func.coalesce(_PERSON.c.region_code, _PERSON.c.province_code).label("bound"),
           _PERSON.c.id, literal("").label("party"))
    .where(_PERSON.c.email == bindparam("address")),
    core_select(_OPD.c.email, literal(roles.OPD).label("role"), _OPD.c.name, _OPD.c.region_code,
           _OPD.c.id, _OPD.c.code.label("party"))
    .where(_OPD.c.email == bindparam("address")),
)


def actor_for(session: Session, email: str) -> Actor:
    """The actor behind an email address, with the subjects they may act for (regions, or
    the province a province's coordinator or governor is bound to)."""
    address = normalise_email_arg(email, "--as")
    row = session.connection().execute(_WHO, {"address": address}).first()
    if row is None:
        raise NotFoundError("directory.nobody", address=address)
    found, role, name, region_code, row_id, party = row
    if party:
        return Actor(found, roles.OPD, frozenset({region_code}), party=party, name=name)
    subjects: frozenset[str] | None
    if role == roles.MENTOR:
        subjects = frozenset(mentor_regions(session, row_id))
    elif region_code:
        subjects = frozenset({region_code})
    else:
        subjects = None
    return Actor(found, role, subjects, name=name)


def display_name(actor: Actor) -> str:
    """Who an actor is in a sentence: the name people know, else the address."""
    return actor.name or actor.identity


def acting(session: Session, who: Acting) -> Actor:
    """``who`` as an actor: as given, or resolved from its address in ``session``."""
    return who if isinstance(who, Actor) else actor_for(session, who)


def names(session: Session, emails: set[str]) -> dict[str, str]:
    """email -> name of the people and OPDs among ``emails``."""
    if not emails:
        return {}
    found: dict[str, str] = {}
    for model in (Person, Opd):
        found.update((email, name) for email, name in session.execute(
            select(model.email, model.name).where(model.email.in_(emails))).all())  # type: ignore[attr-defined]
    return found
