"""The accounts as their managers see them: who may manage accounts, the list a page at a
time, and stopping or allowing an account's sign-in.

Managing accounts is for administrators and for programme-wide coordinators (a coordinator
bound to no region): they run the programme's directory. A region's own coordinator, a mentor
or an OPD may not, whatever page or request they send; the rule is checked here, in the action's
transaction, not only by the page that shows the buttons. A coordinator may not disable an
administrator's account, and nobody disables their own (the programme must never lock out
the last person who could re-enable it).

An account's name, role and region are read from the directory (the person or OPD with the
same address), as everywhere else; an account whose owner never set a password (made by an
invitation, or by opening a link from an email) is listed as invited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.orm import Session
from sqlmodel import col, select

from config.messages import Message
from engine import Actor, NotFoundError, PermissionDenied
from workflows import roles
from workflows.access.models import Account
from workflows.access.sessions import revoke_all
from workflows.directory.models import Cohort, CohortMember, Opd, Person, Region
from workflows.programme import Programme

#: The statuses the list filters on.
ACTIVE: Final = "active"
INVITED: Final = "invited"
DISABLED: Final = "disabled"
STATUSES: Final = (ACTIVE, INVITED, DISABLED)
#: The roles the list filters on: the directory's, and accounts with no person behind them.
ADMIN: Final = "admin"
ROLES: Final = (roles.OPD, *roles.PERSON_ROLES, ADMIN)
PER_PAGE: Final = 50


@dataclass(frozen=True)
class Manager:
    """Someone allowed to manage accounts (made only by :func:`manager`)."""

    email: str
    is_admin: bool
    name: str  # as the directory has it; empty for an administrator with no person behind


def may_manage(is_admin: bool, actor: Actor | None) -> bool:
    """Administrators and programme-wide coordinators manage accounts."""
    return is_admin or (actor is not None and actor.role == roles.COORDINATOR
                        and actor.subjects is None)


def manager(email: str, is_admin: bool, actor: Actor | None) -> Manager:
    """The signed-in person as a manager of accounts, or :class:`PermissionDenied`."""
    if not may_manage(is_admin, actor):
        raise PermissionDenied(Message("accounts.error.forbidden"))
    return Manager(email, is_admin, actor.name if actor is not None and actor.name else "")


@dataclass(frozen=True)
class Row:
    """One account in the list, with its owner from the directory."""

    id: int
    email: str
    name: str | None
    role: str  # a directory role, or ADMIN for an account with no person behind it
    region_code: str | None
    region_name: str | None
    is_admin: bool
    locale: str
    created_at: datetime
    last_login_at: datetime | None
    status: str  # ACTIVE, INVITED or DISABLED


@dataclass(frozen=True)
class RosterPage:
    rows: list[Row]
    total: int
    page: int
    pages: int


def _invited() -> ColumnElement[bool]:
    return col(Account.password_hash).startswith("!")


def _filters(search: str, status: str, role: str) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    words = search.strip().lower()
    if words:
        found.append(or_(*(func.lower(column).contains(words, autoescape=True) for column in (
            col(Account.email), col(Person.name), col(Opd.name)))))
    if status == ACTIVE:
        found.append(and_(col(Account.disabled_at).is_(None), ~_invited()))
    elif status == INVITED:
        found.append(and_(col(Account.disabled_at).is_(None), _invited()))
    elif status == DISABLED:
        found.append(col(Account.disabled_at).is_not(None))
    if role == roles.OPD:
        found.append(col(Opd.id).is_not(None))
    elif role == ADMIN:
        found.append(and_(col(Person.id).is_(None), col(Opd.id).is_(None)))
    elif role in roles.PERSON_ROLES:
        found.append(col(Person.role) == role)
    return found


def roster(session: Session, *, search: str = "", status: str = "", role: str = "",
           page: int = 1, per_page: int = PER_PAGE) -> RosterPage:
    """The accounts matching the filters (a word of the address or the owner's name, a
    status, a role), in address order, one page of them with the total."""
    conditions = _filters(search, status, role)
    joined: Any = (select(Account, Person, Opd)
                   .outerjoin(Person, col(Person.email) == col(Account.email))
                   .outerjoin(Opd, col(Opd.email) == col(Account.email))
                   .where(*conditions))
    counted: Any = (select(func.count()).select_from(Account)
                    .outerjoin(Person, col(Person.email) == col(Account.email))
                    .outerjoin(Opd, col(Opd.email) == col(Account.email))
                    .where(*conditions))
    total = int(session.execute(counted).scalar_one())
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    found = session.execute(joined.order_by(col(Account.email))
                            .offset((page - 1) * per_page).limit(per_page)).all()
    codes = {c for _, p, o in found for c in ((p.region_code if p else None),
                                              (o.region_code if o else None)) if c}
    names = {code: name for code, name in session.execute(select(Region.code, Region.name)
                                                            .where(col(Region.code).in_(codes)))
             } if codes else {}
    rows = []
    for account, person, opd in found:
        owner = person or opd
        role_of = roles.OPD if opd is not None else (person.role if person else ADMIN)
        code = owner.region_code if owner is not None else None
        status_of = (DISABLED if account.disabled_at is not None
                     else INVITED if account.password_hash.startswith("!") else ACTIVE)
        rows.append(Row(account.id or 0, account.email, owner.name if owner else None,
                        role_of, code, names.get(code) if code else None, account.is_admin,
                        account.locale, account.created_at, account.last_login_at, status_of))
    return RosterPage(rows, total, page, pages)


def set_disabled(prog: Programme, by: Manager, account_id: int, disabled: bool) -> str:
    """Stop (its sessions and API tokens end now) or allow an account's sign-in; its
    address. Nobody changes their own account, and only an administrator an administrator's.
    """
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFoundError(Message("accounts.error.no_account"))
        if account.email == by.email:
            raise PermissionDenied(Message("accounts.error.own_account"))
        if account.is_admin and not by.is_admin:
            raise PermissionDenied(Message("accounts.error.admin_account"))
        if disabled and account.disabled_at is None:
            account.disabled_at = now
            revoke_all(session, account.id or 0, now)
        elif not disabled:
            account.disabled_at = None
        return account.email


def cohorts_to_invite(session: Session) -> list[tuple[int, str, int]]:
    """Every cohort (id, name) with how many OPDs of its regions have no account yet, newest
    cohort first: what a bulk invitation would reach."""
    waiting = (select(CohortMember.cohort_id, func.count(col(Opd.id)).label("n"))
               .join(Opd, col(Opd.region_code) == col(CohortMember.region_code))
               .outerjoin(Account, col(Account.email) == col(Opd.email))
               .where(col(Account.id).is_(None))
               .group_by(col(CohortMember.cohort_id)).subquery())
    found = session.execute(
        select(Cohort.id, Cohort.name, func.coalesce(waiting.c.n, 0))
        .outerjoin(waiting, waiting.c.cohort_id == col(Cohort.id))
        .order_by(col(Cohort.year).desc(), col(Cohort.name))).all()
    return [(int(i or 0), str(name), int(n)) for i, name, n in found]
