"""OPDs: the regional agencies that receive reminders and submit for their region.

An OPD is keyed by its region and its code; its email address is its identity, unique across
OPDs and people, so an address always acts as exactly one actor. Adding and updating OPDs is
:mod:`workflows.directory.registration`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session
from sqlmodel import select

from workflows.directory.models import Opd


def opds(session: Session, region: str | None = None) -> Sequence[Opd]:
    """OPDs by region and code (of one region when given)."""
    query = select(Opd).order_by(Opd.region_code, Opd.code)
    if region:
        query = query.where(Opd.region_code == region)
    return session.execute(query).scalars().all()


def opd_by_email(session: Session, email: str) -> Opd | None:
    return session.execute(
        select(Opd).where(Opd.email == email.strip().lower())).scalar_one_or_none()


def opd_codes(session: Session, region: str) -> list[str]:
    return list(session.execute(
        select(Opd.code).where(Opd.region_code == region).order_by(Opd.code)).scalars())
