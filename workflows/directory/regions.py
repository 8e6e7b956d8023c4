"""Regions by code or name: the 514 kabupaten/kota with their province and time zone.

A region is named in commands, forms and URLs by its Kemendagri code ("64.71") or its exact
name ("Kota Balikpapan"); a miss suggests the closest names instead of failing bare.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from config.messages import Message
from engine import InvalidInputError, NotFoundError
from workflows.directory.models import CohortMember, Province, Region
from workflows.zones import ZONES


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
        raise NotFoundError("directory.no_regions")
    close = difflib.get_close_matches(ref, names, n=3, cutoff=0.6)
    hint = (Message("directory.did_you_mean", names=close) if close
            else Message("directory.region_hint"))
    raise NotFoundError("directory.unknown_region", ref=ref, hint=hint)


def region_codes(session: Session) -> set[str]:
    """Every known region code (for checking a CSV file row by row before importing it)."""
    return set(session.execute(select(Region.code)).scalars())


def check_regions(session: Session, codes: Sequence[str], where: str) -> None:
    have = set(session.execute(select(Region.code).where(col(Region.code).in_(codes))).scalars())
    unknown = [c for c in codes if c not in have]
    if unknown:
        raise NotFoundError("directory.unknown_region_codes", where=where, codes=unknown)


def region_tz(session: Session, code: str) -> str:
    """The IANA zone of a region; WIB's when the code is unknown."""
    region = session.get(Region, code)
    return region.tz if region is not None else ZONES["WIB"]


def province_name(session: Session, region: Region) -> str:
    province = session.get(Province, region.province_code)
    return province.name if province is not None else region.province_code


def province_codes(session: Session) -> dict[str, str]:
    """Province name -> code, for every province."""
    return {name: code for name, code in session.execute(
        select(col(Province.name), col(Province.code))).all()}


@dataclass(frozen=True)
class RegionListing:
    region: Region
    province: str
    in_cohort: bool


def listing(session: Session, *, province: str | None = None, zone: str | None = None,
            search: str | None = None) -> list[RegionListing]:
    """Regions by code, with their province and whether a cohort selected them; filtered by
    province (code or part of the name), zone label and part of the name."""
    query = (select(Region, Province.name, CohortMember.cohort_id)
             .join(Province, col(Province.code) == Region.province_code)
             .outerjoin(CohortMember, col(CohortMember.region_code) == Region.code)
             .order_by(Region.code))
    if zone:
        if zone.upper() not in ZONES:
            raise InvalidInputError("directory.bad_zone", zone=zone)
        query = query.where(Region.zone == zone.upper())
    if province:
        query = query.where(
            (col(Province.code) == province) | (col(Province.name).ilike(f"%{province}%")))
    if search:
        query = query.where(col(Region.name).ilike(f"%{search}%"))
    return [RegionListing(r, name, cohort_id is not None)
            for r, name, cohort_id in session.execute(query).all()]
