"""What a workflow runs for: the subject kinds the programme knows, found by code or name.

A definition says what its subjects are (``subject: {kind: ...}``); the engine stores that
and never interprets it. The programme knows two kinds:

* ``region``: a kabupaten/kota, by Kemendagri code ("32.73") or name
  (:func:`workflows.directory.regions.find_region`);
* ``province``: one of the provinces, "conductors" of their kabupaten/kota since 2023, by
  code ("32") or name ("Jawa Barat").

A subject code says its kind by its shape (a region's has a dot, a province's has not), so
reminders, obligations and pages can name any subject and use its own zone from its code
alone; commands and URLs that take a name resolve it by the definition's kind.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import Session as AnySession
from sqlmodel import Session, col, select

from config.messages import Message
from engine import NotFoundError, WorkflowDefinition
from workflows.directory.models import Province, Region
from workflows.directory.regions import find_region
from workflows.zones import NATIONAL_TZ, zone_of

REGION = "region"
PROVINCE = "province"
#: The subject kinds a definition may declare; anything else is refused when it is loaded.
KINDS = (REGION, PROVINCE)


@dataclass(frozen=True)
class Subject:
    """Whom an instance is for: its code (the instance's subject), name, kind and zone."""

    code: str
    name: str
    kind: str
    tz: str

    @property
    def zone(self) -> str:
        """WIB, WITA or WIT."""
        return zone_of(self.tz)


def kind_of(code: str) -> str:
    """The kind of a subject code: "32.73" is a region, "32" a province."""
    return REGION if "." in code else PROVINCE


def kind_problems(d: WorkflowDefinition) -> list[str]:
    """The problem lines of a definition whose subject kind the programme does not know."""
    if d.subject.kind in KINDS:
        return []
    return [f"subject.kind: unknown subject kind {d.subject.kind!r}; the programme knows "
            f"{', '.join(KINDS)}"]


def find_subject(session: Session, kind: str, ref: str) -> Subject:
    """A subject of ``kind`` by code or name (case- and space-insensitive); an unknown one
    is a 404 naming the kind and the closest names."""
    if kind == PROVINCE:
        p = find_province(session, ref)
        return Subject(p.code, p.name, PROVINCE, p.tz)
    try:
        r = find_region(session, ref)
    except NotFoundError as unknown:
        # "91" or "Papua" where a kabupaten/kota is meant: a province's workflow named without
        # its key (the master plan assumed) reads better as that than as an unknown region.
        try:
            p = find_province(session, ref)
        except NotFoundError:
            raise unknown from None
        raise NotFoundError("subjects.province_not_region", ref=ref.strip(),
                            name=p.name) from None
    return Subject(r.code, r.name, REGION, r.tz)


def find_any(session: Session, ref: str) -> Subject:
    """A subject by its code, of the kind its shape says ("91" a province, "91.71" a
    region), or a region by name (where a URL names a subject without its workflow)."""
    if kind_of(ref.strip()) == PROVINCE and ref.strip().isdigit():
        return find_subject(session, PROVINCE, ref)
    return find_subject(session, REGION, ref)


def find_province(session: Session, ref: str) -> Province:
    """A province by code ("32") or name ("Jawa Barat", "jawa  barat")."""
    ref = " ".join(ref.split())
    province = session.get(Province, ref)
    if province is None:
        province = session.execute(
            select(Province).where(func.lower(Province.name) == ref.lower())
        ).scalar_one_or_none()
    if province is not None:
        return province
    names = list(session.execute(select(Province.name)).scalars())
    close = difflib.get_close_matches(ref, names, n=3, cutoff=0.6)
    hint = (Message("directory.did_you_mean", names=close) if close
            else Message("subjects.province_hint"))
    raise NotFoundError("subjects.unknown_province", ref=ref, hint=hint)


def subjects(session: AnySession, codes: Iterable[str]) -> dict[str, Subject]:
    """The subjects of ``codes`` of any kind (two queries); a code that is neither (a test's
    subject) is named by its code, in the national zone."""
    wanted = sorted(set(codes))
    found: dict[str, Subject] = {}
    regions = [c for c in wanted if kind_of(c) == REGION]
    provinces = [c for c in wanted if kind_of(c) == PROVINCE]
    if regions:
        for code, name, tz in session.execute(
                select(col(Region.code), col(Region.name), col(Region.tz))
                .where(col(Region.code).in_(regions))).all():
            found[code] = Subject(code, name, REGION, tz)
    if provinces:
        for code, name, tz in session.execute(
                select(col(Province.code), col(Province.name), col(Province.tz))
                .where(col(Province.code).in_(provinces))).all():
            found[code] = Subject(code, name, PROVINCE, tz)
    for code in set(wanted) - found.keys():
        found[code] = Subject(code, code, kind_of(code), NATIONAL_TZ)
    return found


def subject_tz(session: AnySession, code: str) -> str:
    """The IANA zone of a subject of any kind; WIB's when the code is unknown."""
    return subjects(session, [code])[code].tz
