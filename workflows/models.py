"""The programme's tables: regions, cohorts, OPDs, people, mentor assignments, quick wins.

Regions are keyed by their Kemendagri code ("64.71"); a region's workflow instance uses that
code as its subject, which is how the engine's scoped permissions meet the programme's data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
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
    region to one region; programme-wide coordinators and assessors leave it empty.
    """

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=32)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=5)


class MentorAssignment(SQLModel, table=True):
    __tablename__ = "mentor_assignment"
    __table_args__ = (
        UniqueConstraint("person_id", "region_code", name="uq_mentor_assignment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=5)


class QuickWin(SQLModel, table=True):
    """One quick win of a quick-win plan version, tagged with a dimension and an element."""

    __tablename__ = "quick_win"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    title: str = Field(max_length=300)
    dimension: str = Field(max_length=63)
    element: str = Field(max_length=63)
    opd_code: str | None = Field(default=None, max_length=32)
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class CohortDeadline(SQLModel, table=True):
    """A coordinator's date for a stage, for every region of a cohort (regions may override)."""

    __tablename__ = "cohort_deadline"
    __table_args__ = (UniqueConstraint("cohort_id", "state", name="uq_cohort_deadline_state"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    state: str = Field(max_length=63)
    due_at: datetime
    set_by: str = Field(max_length=254)
    set_at: datetime


class ExtensionRequest(SQLModel, table=True):
    """An OPD's or a region's request to move a deadline, and the coordinator's decision."""

    __tablename__ = "extension_request"

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    requested_by: str = Field(max_length=254)
    role: str = Field(max_length=32)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    requested_until: datetime
    status: str = Field(default="pending", max_length=12)
    decided_by: str | None = Field(default=None, max_length=254)
    decided_at: datetime | None = None
    decision_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime


class EvaluationWindow(SQLModel, table=True):
    """A twice-yearly evaluation period; opened and closed by the scheduler."""

    __tablename__ = "evaluation_window"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    opens_at: datetime
    closes_at: datetime
    status: str = Field(default="scheduled", max_length=12)
    opened_at: datetime | None = None
    closed_at: datetime | None = None


class WindowExtension(SQLModel, table=True):
    """A coordinator's later close of a window for one region."""

    __tablename__ = "window_extension"
    __table_args__ = (UniqueConstraint("window_id", "region_code", name="uq_window_extension"),)

    id: int | None = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="evaluation_window.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    until: datetime
    granted_by: str = Field(max_length=254)
    granted_at: datetime


class EvaluationReturn(SQLModel, table=True):
    """A region's evaluation return in one window."""

    __tablename__ = "evaluation_return"
    __table_args__ = (UniqueConstraint("window_id", "region_code", name="uq_evaluation_return"),)

    id: int | None = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="evaluation_window.id", index=True)
    region_code: str = Field(foreign_key="region.code", max_length=5)
    submitted_by: str = Field(max_length=254)
    submitted_at: datetime


class EvaluationScore(SQLModel, table=True):
    """An assessor's score of one part (and optionally one dimension) of a return."""

    __tablename__ = "evaluation_score"
    __table_args__ = (
        UniqueConstraint("return_id", "part", "dimension", "assessor", name="uq_evaluation_score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="evaluation_return.id", index=True)
    part: str = Field(max_length=16)
    dimension: str = Field(default="", max_length=63)
    score: float
    assessor: str = Field(max_length=254)
    scored_at: datetime


# -- accounts: who may sign in to the web pages and the API ----------------------------------

class Account(SQLModel, table=True):
    """A login for a registered person or OPD, keyed by the same email address.

    The account says only who someone is; what they may do comes from the person or OPD with
    that address (:func:`workflows.directory.actor_for`), so the engine's permission checks
    stay the single source of truth. ``is_admin`` lets an account manage other accounts.
    """

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=200)
    is_admin: bool = False
    locale: str = Field(default="id", max_length=2)
    created_at: datetime
    last_login_at: datetime | None = None
    disabled_at: datetime | None = None
    # Links from emails issued before this (a password change) no longer sign in.
    links_valid_after: datetime | None = None


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime


class ApiToken(SQLModel, table=True):
    """A bearer token for the REST API; shown once when created, stored as its SHA-256."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=100)
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class UsedLink(SQLModel, table=True):
    """The nonce of a signed link from an email that has been opened (links work once)."""

    __tablename__ = "used_link"

    nonce: str = Field(primary_key=True, max_length=32)
    email: str = Field(max_length=254)
    used_at: datetime
