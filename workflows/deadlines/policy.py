"""The programme's deadline policy: a cohort's date for a stage, else the definition's days at
a sensible time.

The engine asks it for the due date of every stage a region enters (the engine is the one
writer of deadlines):

* a coordinator's national date for the stage across the region's cohort wins
  (:func:`workflows.deadlines.setting.set_cohort_deadline`), with the zone it was announced in,
  so a region entering the stage later gets that date, not the definition's days after its own
  entry;
* otherwise the definition's ``deadline: {days: N}`` counts N days from the local day the
  region entered the stage (working days when the definition says ``working_days: true``) and
  falls at ``settings.deadline_time`` (23:59) in the region's zone, never at the minute of
  entry; with ``settings.deadline_on_working_day`` a day that is a weekend, a national holiday
  or cuti bersama moves to the next working day.

The region's zone and the cohort's date are read in one statement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from config.settings import Settings
from engine import DueDate, InstanceSnapshot, RelativeDue
from workflows.deadlines.models import CohortDeadline
from workflows.deadlines.working_days import WorkingCalendar
from workflows.directory.models import CohortMember, Region
from workflows.directory.subjects import subject_tz
from workflows.master_plan import MASTER_PLAN
from workflows.zones import NATIONAL_TZ

COHORT = "cohort"


@lru_cache(maxsize=8)
def calendar_with(collective_leave: tuple[object, ...]) -> WorkingCalendar:
    """One working calendar per configured cuti bersama (its holidays are computed once)."""
    return WorkingCalendar(collective_leave)  # type: ignore[arg-type]


_MEMBER = CohortMember.__table__  # type: ignore[attr-defined]
_DATES = CohortDeadline.__table__  # type: ignore[attr-defined]
_REGIONS = Region.__table__  # type: ignore[attr-defined]
#: The region's zone and its cohort's date for a state (built once: every stage entry asks).
_WHERE = (select(_REGIONS.c.tz, _DATES.c.due_at, _DATES.c.tz)
          .select_from(_REGIONS)
          .outerjoin(_MEMBER, _MEMBER.c.region_code == _REGIONS.c.code)
          .outerjoin(_DATES, and_(_DATES.c.cohort_id == _MEMBER.c.cohort_id,
                                  _DATES.c.state == bindparam("state")))
          .where(_REGIONS.c.code == bindparam("region")))


def _where(session: Session, region: str, state: str) -> tuple[str, DueDate | None]:
    """The region's zone and its cohort's date for ``state`` (if any), in one statement."""
    row = session.connection().execute(_WHERE, {"region": region, "state": state}).first()
    if row is None:  # not a region: a province's own workflow ends its days in its zone
        return subject_tz(session, region), None
    tz, due_at, announced = row
    return tz, (DueDate(due_at, COHORT, announced or NATIONAL_TZ) if due_at is not None
                else None)


def cohort_due(session: Session, region: str, state: str) -> DueDate | None:
    """The date the region's cohort set for ``state``, if any."""
    return _where(session, region, state)[1]


def end_of_day(default: RelativeDue, tz: str, settings: Settings) -> DueDate:
    """The definition's deadline at the end of its day in ``tz`` (see the module)."""
    assert default.entered_at is not None
    calendar = calendar_with(tuple(settings.collective_leave))
    entered = default.entered_at.astimezone(ZoneInfo(tz)).date()
    if default.working_days:
        day = calendar.add_working_days(entered, default.days)
    else:
        day = entered + timedelta(days=default.days)
        if settings.deadline_on_working_day:
            day = calendar.add_working_days(day, 0)
    due = datetime.combine(day, settings.deadline_time, ZoneInfo(tz))
    return DueDate(due.astimezone(ZoneInfo("UTC")), default.origin, tz)


class ProgrammeDeadlines:
    """The engine's deadline policy for the programme (the settings read when it runs)."""

    def __init__(self, settings: Callable[[], Settings]) -> None:
        self.settings = settings

    def __call__(self, session: Session, instance: InstanceSnapshot, state: str,
                 default: DueDate | None) -> DueDate | None:
        tz, cohort = _where(session, instance.subject, state)
        if cohort is not None and instance.definition_key == MASTER_PLAN:
            return cohort
        if isinstance(default, RelativeDue) and default.entered_at is not None:
            return end_of_day(default, tz, self.settings())
        return default
