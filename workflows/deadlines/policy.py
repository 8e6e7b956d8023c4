"""The programme's deadline policy: a cohort's date for a stage wins over the definition's days.

The engine asks it for the due date of every stage a region enters (the engine is the one
writer of deadlines). A coordinator sets one national date per stage for a whole cohort
(:func:`workflows.deadlines.setting.set_cohort_deadline`); a region entering that stage later
gets that date, not the definition's ``deadline: {days: N}`` after its own entry.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlmodel import select

from engine import DueDate, InstanceSnapshot
from workflows.deadlines.models import CohortDeadline
from workflows.directory.models import CohortMember
from workflows.master_plan import MASTER_PLAN

COHORT = "cohort"


def cohort_due(session: Session, region: str, state: str) -> DueDate | None:
    """The date the region's cohort set for ``state``, if any."""
    cohort_id = session.execute(select(CohortMember.cohort_id).where(
        CohortMember.region_code == region)).scalar_one_or_none()
    if cohort_id is None:
        return None
    due = session.execute(select(CohortDeadline.due_at).where(
        CohortDeadline.cohort_id == cohort_id, CohortDeadline.state == state,
    )).scalar_one_or_none()
    return DueDate(due, COHORT) if due is not None else None


def cohort_dates(session: Session, instance: InstanceSnapshot, state: str,
                 default: DueDate | None) -> DueDate | None:
    """The deadline of a master-plan stage entered: the cohort's date, else the definition's."""
    if instance.definition_key != MASTER_PLAN:
        return default
    return cohort_due(session, instance.subject, state) or default
