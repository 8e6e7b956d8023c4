"""Acting as someone: the engine :class:`~engine.Actor` behind an email address.

An actor is resolved from the directory on every action: a person (coordinator, mentor,
assessor, head of region) or an OPD, with the regions they may act for. Nothing about what
someone may do is stored with their account, so a mentor reassigned to another region acts for
the new one at once. Interfaces resolve the actor once per request and hand it down; the
command line hands down the ``--as`` address, resolved inside the action's transaction.
"""

from __future__ import annotations

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


def actor_for(session: Session, email: str) -> Actor:
    """The actor behind an email address, with the regions they may act for."""
    address = normalise_email_arg(email, "--as")
    person = session.execute(select(Person).where(Person.email == address)).scalar_one_or_none()
    if person is not None:
        subjects: frozenset[str] | None
        if person.role == roles.MENTOR:
            subjects = frozenset(mentor_regions(session, person.id or 0))
        elif person.region_code:
            subjects = frozenset({person.region_code})
        else:
            subjects = None
        return Actor(person.email, person.role, subjects, name=person.name)
    opd = session.execute(select(Opd).where(Opd.email == address)).scalar_one_or_none()
    if opd is not None:
        return Actor(opd.email, roles.OPD, frozenset({opd.region_code}), party=opd.code,
                     name=opd.name)
    raise NotFoundError(
        f"nobody is registered as {address}; add a person ('smartcity person add') or an OPD "
        "('smartcity opd add')"
    )


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
