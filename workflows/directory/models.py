"""The directory's tables: provinces, regions, cohorts, OPDs, people and mentor assignments.

Regions are keyed by their Kemendagri code ("64.71"); a region's workflow instance uses that
code as its subject, which is how the engine's scoped permissions meet the programme's data.
"""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Province(SQLModel, table=True):
    __tablename__ = "province"

    code: str = Field(primary_key=True, max_length=2)
    name: str = Field(max_length=100)
    zone: str = Field(max_length=4)
    tz: str = Field(max_length=40)


class Region(SQLModel, table=True):
    """A kabupaten or kota, with the legal time zone of its province."""

    __tablename__ = "region"

    code: str = Field(primary_key=True, max_length=5)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=10)
    province_code: str = Field(foreign_key="province.code", index=True, max_length=2)
    zone: str = Field(max_length=4)
    tz: str = Field(max_length=40)


class Cohort(SQLModel, table=True):
    """The regions selected in one year (a year may have more than one cohort)."""

    __tablename__ = "cohort"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    year: int = Field(index=True)


class CohortMember(SQLModel, table=True):
    """A region's membership; a region is selected into one cohort only."""

    __tablename__ = "cohort_member"

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    region_code: str = Field(foreign_key="region.code", unique=True, max_length=5)


class Opd(SQLModel, table=True):
    """A regional agency; it receives reminders and submits for its region."""

    __tablename__ = "opd"
    __table_args__ = (UniqueConstraint("region_code", "code", name="uq_opd_region_code"),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=5)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254, unique=True)
    dimension: str | None = Field(default=None, max_length=63)


class Person(SQLModel, table=True):
    """A coordinator, mentor, assessor or head of region, identified by email.

    ``region_code`` binds a regional coordinator (the Diskominfo secretariat) or a head of
    region to one region, ``province_code`` a province's coordinator or governor to one
    province (the subject of a province workflow); programme-wide coordinators and
    assessors leave both empty.
    """

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=32)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=5)
    province_code: str | None = Field(default=None, foreign_key="province.code", max_length=2)


class MentorAssignment(SQLModel, table=True):
    __tablename__ = "mentor_assignment"
    __table_args__ = (
        UniqueConstraint("person_id", "region_code", name="uq_mentor_assignment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=5)
