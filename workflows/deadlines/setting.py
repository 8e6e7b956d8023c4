"""Coordinators' dates: a cohort's date for a stage, and one region's own date for its stage.

Which date applies to a region in a state, strongest first:

1. a granted extension (``origin='extension'``, :mod:`workflows.deadlines.extensions`) or a
   coordinator's override for the region (``origin='region'``);
2. the cohort's date for the state (:class:`~workflows.deadlines.models.CohortDeadline`,
   ``origin='cohort'``), also applied when a region *enters* the state later (the engine
   asks :func:`workflows.deadlines.policy.cohort_dates`);
3. the definition's relative ``deadline: {days: N}`` (``origin='definition'``).

Every date keeps the zone it was given in: reminders count the days before it on that zone's
calendar. The engine writes the deadline (its one writer); every change bumps the deadline's
version, starts its reminders over in the same transaction
(:mod:`workflows.deadlines.reminders`), and
writes a history entry on the region's instance (kind ``deadline``). Each function below is
one transaction; :func:`set_region_deadlines` sets many regions' dates in one, all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from config.messages import Message
from engine import (
    Actor,
    ConflictError,
    DeadlineChange,
    DueDate,
    InstanceSnapshot,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    Records,
    WorkflowError,
)
from workflows import limits, roles
from workflows.deadlines import reminders
from workflows.deadlines.dates import (
    NATIONAL_ZONE,
    check_future,
    resolve_due,
    tz_of_zone,
    working_calendar,
)
from workflows.deadlines.models import CohortDeadline
from workflows.deadlines.policy import COHORT
from workflows.directory.actors import Acting, acting, display_name
from workflows.directory.cohorts import find_cohort, members
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.programme import Programme
from workflows.zones import local

REGION = "region"


# -- who may set dates ---------------------------------------------------------------------

def require_programme_coordinator(actor: Actor, what: Message) -> None:
    """Refuse unless a programme-wide coordinator acts; ``what`` names the action."""
    if actor.role != roles.COORDINATOR or actor.subjects is not None:
        raise PermissionDenied("deadlines.only_programme_coordinator", action=what,
                               who=display_name(actor))


def require_coordinator_of(actor: Actor, region: str, what: Message) -> None:
    """Refuse unless a coordinator of ``region`` (or of the whole programme) acts."""
    if actor.role != roles.COORDINATOR:
        raise PermissionDenied("deadlines.only_coordinator", action=what,
                               who=display_name(actor), region=region)
    if actor.subjects is not None and region not in actor.subjects:
        raise PermissionDenied("deadlines.coordinates_other", who=display_name(actor),
                               regions=sorted(actor.subjects), region=region)


def check_state(prog: Programme, session: Session, state: str) -> str:
    """The label of a master-plan stage a deadline can be set for; refuse anything else."""
    d = prog.master_plan(session)
    spec = d.states.get(state)
    if spec is not None and spec.final:  # a withdrawn or renewed plan: nothing is due
        raise InvalidInputError("deadlines.final_stage", stage=d.state_label(state))
    if spec is None:
        usable = [s for s, v in d.states.items() if not v.final]
        raise InvalidInputError("deadlines.unknown_stage", state=state, usable=usable)
    return d.state_label(state)


# -- moving a deadline -------------------------------------------------------------------------

def move(prog: Programme, session: Session, deadline_id: int, due: DueDate,
         now: datetime) -> int:
    """Move a deadline through the engine and start its reminders over; its new version."""
    version = prog.engine.move_deadline(session, deadline_id, due)
    reminders.reschedule(session, deadline_id, version, now)
    return version


def set_for_instance(prog: Programme, session: Session, instance: InstanceSnapshot,
                     due: DueDate, now: datetime) -> DeadlineChange:
    """Move the instance's open deadline in its current state (or open one there), and start
    its reminders over."""
    change = prog.engine.set_deadline(session, instance.id, instance.state, due)
    reminders.reschedule(session, change.id, change.version, now)
    return change


@dataclass(frozen=True)
class CohortDeadlineResult:
    cohort: str
    state: str
    due_at: datetime
    applied: list[str]
    kept: list[str]  # regions in the state whose own date (override, extension) was kept


def set_cohort_deadline(
    prog: Programme, cohort: str, state: str, when_local: date | datetime, *,
    zone: str = NATIONAL_ZONE, working_days: int | None = None, actor: Acting,
) -> CohortDeadlineResult:
    """A programme-wide coordinator's date for ``state`` across a cohort (entered in
    ``zone``, WIB by default): applied now to every member in that state, and to every member
    entering it later; a region's own override or granted extension is kept."""
    tz = tz_of_zone(zone)
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        require_programme_coordinator(actor, Message("deadlines.action.set_cohort"))
        found = find_cohort(session, cohort)
        assert found.id is not None
        label = check_state(prog, session, state)
        now = prog.engine.clock()
        due_at = resolve_due(when_local, tz, working_days=working_days,
                             calendar=working_calendar(prog.settings))
        check_future(due_at, now, tz)
        row = session.execute(select(CohortDeadline).where(
            CohortDeadline.cohort_id == found.id, CohortDeadline.state == state,
        )).scalar_one_or_none()
        if row is None:
            row = CohortDeadline(cohort_id=found.id, state=state, due_at=due_at, tz=tz,
                                 set_by=actor.identity, set_at=now)
        row.due_at, row.tz, row.set_by, row.set_at = due_at, tz, actor.identity, now
        session.add(row)
        session.flush()
        records = Records(session)
        applied, kept = [], []
        for code in members(session, found.id):
            instance = prog.current_instance(session, code)
            if instance.state != state:
                continue
            current = records.open_deadline(instance.id, state)
            if current is not None and current.origin in ("region", "extension"):
                kept.append(code)
                continue
            version = set_for_instance(prog, session, instance,
                                       DueDate(due_at, COHORT, tz), now).version
            prog.engine.note(
                session, instance.id, actor, "set_deadline", None,
                f"{label}: due {local(due_at, tz)} for cohort "
                f"{found.name} (deadline v{version})", kind="deadline")
            applied.append(code)
        return CohortDeadlineResult(found.name, state, due_at, applied, kept)


@dataclass(frozen=True)
class RegionDeadlineResult:
    region: str
    state: str
    due_at: datetime
    tz: str
    deadline_id: int
    version: int


def set_region_deadline(
    prog: Programme, region: str, state: str, when: date | datetime, *,
    zone: str | None = None, working_days: int | None = None, actor: Acting,
    comment: str | None = None,
) -> RegionDeadlineResult:
    """A coordinator's own date for one region in the stage it is in now (entered in the
    region's zone unless ``zone`` is given); it wins over the cohort's date."""
    limits.check_comment(comment)
    with prog.db.transaction() as session:
        found = find_region(session, region)
        actor = acting(session, actor)
        return _set_for_region(prog, session, found, state, when, zone=zone,
                               working_days=working_days, actor=actor, comment=comment)


_RESTATED = (InvalidInputError, PermissionDenied, NotFoundError, ConflictError)


def set_region_deadlines(
    prog: Programme, regions: Sequence[str], state: str | None, when: date | datetime, *,
    zone: str | None = None, working_days: int | None = None, actor: Acting,
    comment: str | None = None,
) -> list[RegionDeadlineResult]:
    """The same own date for many regions (the board's bulk action), all or nothing: each
    region's date for ``state``, or with ``state`` None for the stage each one is in now.

    One transaction: the first region refused (not coordinated by ``actor``, in another
    stage, in a final one) refuses the whole action with a sentence naming that region, and
    nothing is written. Each region's date is entered in its own zone unless ``zone`` is
    given, so "30 June" is the end of 30 June where each region is.
    """
    limits.check_comment(comment)
    codes = list(dict.fromkeys(r.strip() for r in regions if r.strip()))
    if not codes:
        raise InvalidInputError("deadlines.bulk_none_chosen")
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        found = {r.code: r for r in session.execute(
            select(Region).where(col(Region.code).in_(codes))).scalars()}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise NotFoundError("directory.unknown_region_codes", where="", codes=unknown)
        out = []
        for code in codes:
            try:
                here = state or prog.current_instance(session, code).state
                out.append(_set_for_region(prog, session, found[code], here, when, zone=zone,
                                           working_days=working_days, actor=actor,
                                           comment=comment))
            except WorkflowError as refused:
                # The same kind of failure (403, 404, 409, 422), naming the region.
                kind = type(refused) if type(refused) in _RESTATED else InvalidInputError
                raise kind(Message("deadlines.bulk_refused", region=found[code].name,
                                   code=code, reason=refused.message)) from refused
        return out


def _set_for_region(
    prog: Programme, session: Session, found: Region, state: str, when: date | datetime, *,
    zone: str | None, working_days: int | None, actor: Actor, comment: str | None,
) -> RegionDeadlineResult:
    """One region's own date in ``session``: the single region's and the bulk action's."""
    require_coordinator_of(actor, found.code,
                           Message("deadlines.action.set_region", region=found.code))
    label = check_state(prog, session, state)
    instance = prog.current_instance(session, found.code)
    if instance.state != state:
        d = prog.definition_of(session, instance)
        raise InvalidInputError("deadlines.wrong_stage", region=found.code,
                                stage=d.state_label(instance.state), wanted=label)
    tz = tz_of_zone(zone) if zone else found.tz
    now = prog.engine.clock()
    due_at = resolve_due(when, tz, working_days=working_days,
                         calendar=working_calendar(prog.settings))
    check_future(due_at, now, tz)
    change = set_for_instance(prog, session, instance, DueDate(due_at, REGION, tz), now)
    deadline_id, version = change.id, change.version
    prog.engine.note(session, instance.id, actor, "set_deadline", comment,
                     f"{label}: due {local(due_at, found.tz)} for {found.code} "
                     f"(deadline v{version})", kind="deadline")
    return RegionDeadlineResult(found.code, state, due_at, found.tz, deadline_id, version)
