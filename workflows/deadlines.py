"""Deadlines: cohort-wide dates, per-region overrides, extension requests and decisions.

Times are stored in UTC and entered in a zone: national (cohort) dates in WIB unless told
otherwise, a region's own dates in its zone (WIB/WITA/WIT); a date without a time means
23:59 local. A deadline may also be given in working days after a date
(:class:`workflows.calendar.WorkingCalendar`: weekends, national holidays, cuti bersama).

Which date applies to a region in a state, strongest first:

1. a granted extension (``origin='extension'``) or a coordinator's override for the region
   (``origin='region'``);
2. the cohort's date for the state (:class:`~workflows.models.CohortDeadline`,
   ``origin='cohort'``), also applied when a region *enters* the state later;
3. the definition's relative ``deadline: {days: N}`` (``origin='definition'``).

Every change bumps ``Deadline.version`` and re-plans the reminders in the same transaction
(:mod:`workflows.reminders`), and writes a history entry on the region's instance through
:meth:`engine.runtime.WorkflowEngine.note` (kind ``deadline`` or ``extension``).

The engine opens and closes deadlines itself; :class:`DeadlineListener` (installed on the
programme's engine by :func:`install`) runs inside every action's transaction and, when an
instance enters a state, applies the cohort's date and plans the reminders; when it leaves
one, closes any deadline the engine did not (a cohort date on a state without a definition
deadline). Each function below is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col
from sqlmodel import select as mselect

from engine.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDenied
from engine.models import Deadline, WorkflowInstance
from engine.permissions import Actor
from engine.runtime import ActionEvent, InstanceSnapshot
from workflows import reminders
from workflows.calendar import WorkingCalendar
from workflows.directory import actor_for, find_cohort, find_region
from workflows.models import CohortDeadline, CohortMember, ExtensionRequest, Region
from workflows.programme import MASTER_PLAN, Programme
from workflows.zones import ZONES, local, zone_of

DEADLINE: Table = Deadline.__table__  # type: ignore[attr-defined]
INSTANCE: Table = WorkflowInstance.__table__  # type: ignore[attr-defined]
END_OF_DAY = time(23, 59)
NATIONAL_ZONE = "WIB"

PENDING, GRANTED, REFUSED = "pending", "granted", "refused"


# -- zones and dates -----------------------------------------------------------------------

def tz_of_zone(zone: str) -> str:
    """The IANA zone of a legal zone label (WIB, WITA, WIT)."""
    tz = ZONES.get(zone.strip().upper())
    if tz is None:
        raise InvalidInputError(f"unknown zone {zone!r}: use WIB, WITA or WIT")
    return tz


def resolve_due(
    when: date | datetime, tz: str, *, working_days: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> datetime:
    """A local date or date-time (naive: read in ``tz``) as UTC; a date alone is 23:59.

    With ``working_days`` the deadline is that many working days after ``when``'s date
    (at ``when``'s time, or 23:59).
    """
    if isinstance(when, datetime):
        if when.tzinfo is not None:
            when = when.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        day, at = when.date(), when.time()
    else:
        day, at = when, END_OF_DAY
    try:
        if working_days is not None:
            day = (calendar or WorkingCalendar()).add_working_days(day, working_days)
        return datetime.combine(day, at, ZoneInfo(tz)).astimezone(UTC)
    except (OverflowError, ValueError):  # past year 9999 (or before year 1) in UTC
        raise InvalidInputError(f"{day} is out of the supported range of dates; give a date "
                                "in this century") from None


def calendar_for(prog: Programme) -> WorkingCalendar:
    return WorkingCalendar(prog.settings.collective_leave)


def _future(due_at: datetime, now: datetime, tz: str) -> None:
    if due_at <= now:
        raise InvalidInputError(
            f"{local(due_at, tz)} is in the past (it is now {local(now, tz)}); give a later "
            "date")


# -- permissions ---------------------------------------------------------------------------

def _programme_coordinator(actor: Actor, what: str) -> None:
    if actor.role != "coordinator" or actor.subjects is not None:
        raise PermissionDenied(
            f"only a programme-wide coordinator may {what}; {actor.describe()} may not: ask "
            "the programme's coordinators")


def _coordinator_of(actor: Actor, region: str, what: str) -> None:
    if actor.role != "coordinator":
        raise PermissionDenied(
            f"only a coordinator may {what}; {actor.describe()} may not: ask the programme's "
            f"coordinators or the coordinator of {region}")
    if actor.subjects is not None and region not in actor.subjects:
        raise PermissionDenied(
            f"{actor.describe()} coordinates {', '.join(sorted(actor.subjects))}, not "
            f"{region}: ask the programme's coordinators or the coordinator of {region}")


# -- reading -------------------------------------------------------------------------------

def open_deadline(session: Session, instance_id: int, state: str) -> Deadline | None:
    return session.execute(
        mselect(Deadline).where(Deadline.instance_id == instance_id, Deadline.state == state,
                               col(Deadline.closed_at).is_(None))
        .order_by(col(Deadline.id).desc()).limit(1)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _cohort_of(session: Session, region: str) -> int | None:
    return session.execute(mselect(CohortMember.cohort_id).where(
        CohortMember.region_code == region)).scalar_one_or_none()


def _region_tz(session: Session, code: str) -> str:
    region = session.get(Region, code)
    return region.tz if region is not None else ZONES[NATIONAL_ZONE]


def _check_state(prog: Programme, session: Session, state: str) -> str:
    d = prog.engine.definition(session, MASTER_PLAN).definition
    spec = d.states.get(state)
    if spec is None or spec.final:
        usable = [s for s, v in d.states.items() if not v.final]
        raise InvalidInputError(f"unknown stage {state!r}; deadlines are set for: "
                                f"{', '.join(usable)}")
    return d.state_label(state)


# -- writing -------------------------------------------------------------------------------

def move_deadline(prog: Programme, session: Session, deadline_id: int, due_at: datetime,
                  origin: str, now: datetime) -> int:
    """Move a deadline: new due time, version + 1, reminders re-planned; the new version."""
    session.execute(update(DEADLINE).where(DEADLINE.c.id == deadline_id).values(
        due_at=due_at, origin=origin, version=DEADLINE.c.version + 1))
    reminders.replan(session, prog.settings, deadline_id, now)
    return int(session.execute(
        select(DEADLINE.c.version).where(DEADLINE.c.id == deadline_id)).scalar_one())


def create_deadline(prog: Programme, session: Session, instance_id: int, state: str,
                    due_at: datetime, origin: str, now: datetime) -> int:
    deadline_id = int(session.execute(insert(DEADLINE).values(
        instance_id=instance_id, state=state, due_at=due_at, origin=origin, version=1,
        created_at=now).returning(DEADLINE.c.id)).scalar_one())
    reminders.plan_deadline(session, prog.settings, deadline_id, now)
    return deadline_id


def _set_for_instance(
    prog: Programme, session: Session, instance: InstanceSnapshot, due_at: datetime,
    origin: str, now: datetime,
) -> tuple[int, int]:
    """Move the instance's open deadline in its current state, or open one: (id, version)."""
    current = open_deadline(session, instance.id, instance.state)
    if current is None:
        return create_deadline(prog, session, instance.id, instance.state, due_at, origin,
                               now), 1
    assert current.id is not None
    return current.id, move_deadline(prog, session, current.id, due_at, origin, now)


@dataclass(frozen=True)
class CohortDeadlineResult:
    cohort: str
    state: str
    due_at: datetime
    applied: list[str]
    kept: list[str]  # regions in the state whose own date (override, extension) was kept


def set_cohort_deadline(
    prog: Programme, cohort: str, state: str, when_local: date | datetime, *,
    zone: str = NATIONAL_ZONE, working_days: int | None = None, as_email: str,
) -> CohortDeadlineResult:
    """A programme-wide coordinator's date for ``state`` across a cohort (entered in
    ``zone``, WIB by default): applied now to every member in that state, and to every member
    entering it later; a region's own override or granted extension is kept."""
    tz = tz_of_zone(zone)
    with prog.db.transaction() as session:
        actor = actor_for(session, as_email)
        _programme_coordinator(actor, "set a cohort deadline")
        found = find_cohort(session, cohort)
        assert found.id is not None
        label = _check_state(prog, session, state)
        now = prog.engine.clock()
        due_at = resolve_due(when_local, tz, working_days=working_days,
                             calendar=calendar_for(prog))
        _future(due_at, now, tz)
        row = session.execute(mselect(CohortDeadline).where(
            CohortDeadline.cohort_id == found.id, CohortDeadline.state == state,
        )).scalar_one_or_none()
        if row is None:
            row = CohortDeadline(cohort_id=found.id, state=state, due_at=due_at,
                                 set_by=actor.identity, set_at=now)
        row.due_at, row.set_by, row.set_at = due_at, actor.identity, now
        session.add(row)
        session.flush()
        members = list(session.execute(mselect(CohortMember.region_code).where(
            CohortMember.cohort_id == found.id).order_by(CohortMember.region_code)).scalars())
        applied, kept = [], []
        for code in members:
            instance = prog.current_instance(session, code)
            if instance.state != state:
                continue
            current = open_deadline(session, instance.id, state)
            if current is not None and current.origin in ("region", "extension"):
                kept.append(code)
                continue
            _, version = _set_for_instance(prog, session, instance, due_at, "cohort", now)
            prog.engine.note(
                session, instance.id, actor, "set_deadline", None,
                f"{label}: due {local(due_at, ZONES[NATIONAL_ZONE])} for cohort "
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
    zone: str | None = None, working_days: int | None = None, as_email: str,
    comment: str | None = None,
) -> RegionDeadlineResult:
    """A coordinator's own date for one region in the stage it is in now (entered in the
    region's zone unless ``zone`` is given); it wins over the cohort's date."""
    with prog.db.transaction() as session:
        found = find_region(session, region)
        actor = actor_for(session, as_email)
        _coordinator_of(actor, found.code, f"set a deadline for {found.code}")
        label = _check_state(prog, session, state)
        instance = prog.current_instance(session, found.code)
        if instance.state != state:
            d = prog.engine.definition(session, instance.definition_key,
                                       instance.definition_version).definition
            raise InvalidInputError(
                f"{found.code} is in {d.state_label(instance.state)} ({instance.state}), not "
                f"{label}: a region's own deadline is set for the stage it is in; for a later "
                "stage set the cohort's date with 'smartcity deadlines set'")
        tz = tz_of_zone(zone) if zone else found.tz
        now = prog.engine.clock()
        due_at = resolve_due(when, tz, working_days=working_days, calendar=calendar_for(prog))
        _future(due_at, now, tz)
        deadline_id, version = _set_for_instance(prog, session, instance, due_at, "region", now)
        prog.engine.note(session, instance.id, actor, "set_deadline", comment,
                         f"{label}: due {local(due_at, found.tz)} for {found.code} "
                         f"(deadline v{version})", kind="deadline")
        return RegionDeadlineResult(found.code, state, due_at, found.tz, deadline_id, version)


# -- extensions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ExtensionResult:
    id: int
    region: str
    state: str
    status: str
    due_at: datetime  # the deadline after the action
    requested_until: datetime
    tz: str
    version: int


def request_extension(
    prog: Programme, region: str, until: date | datetime, reason: str, *, as_email: str,
    zone: str | None = None,
) -> ExtensionResult:
    """An OPD of the region, or its own coordinator or head, asks to move its open deadline
    to ``until`` (the region's zone unless ``zone``); a coordinator decides."""
    if not reason or not reason.strip():
        raise InvalidInputError("say why the extension is needed (--reason)")
    with prog.db.transaction() as session:
        found = find_region(session, region)
        actor = actor_for(session, as_email)
        bound = actor.subjects is not None and found.code in actor.subjects
        if actor.role not in ("opd", "coordinator", "head_of_region") or not bound:
            if actor.role == "coordinator" and actor.subjects is None:
                hint = ("a programme-wide coordinator moves the deadline directly with "
                        "'smartcity deadlines override'")
            else:
                hint = (f"only an OPD of {found.code}, its coordinator or its head of region "
                        "may ask")
            raise PermissionDenied(f"{actor.describe()} may not ask to extend the deadline of "
                                   f"{found.code}: {hint}")
        instance = prog.current_instance(session, found.code)
        d = prog.engine.definition(session, instance.definition_key,
                                   instance.definition_version).definition
        label = d.state_label(instance.state)
        deadline = open_deadline(session, instance.id, instance.state)
        if deadline is None or deadline.id is None:
            raise InvalidInputError(f"{found.code} has no open deadline in {label}; there is "
                                    "nothing to extend")
        tz = tz_of_zone(zone) if zone else found.tz
        now = prog.engine.clock()
        requested = resolve_due(until, tz)
        _future(requested, now, tz)
        if requested <= deadline.due_at:
            raise InvalidInputError(
                f"{local(requested, found.tz)} is not later than the deadline "
                f"{local(deadline.due_at, found.tz)}; ask for a later date")
        pending = session.execute(mselect(ExtensionRequest.id).where(
            ExtensionRequest.deadline_id == deadline.id, ExtensionRequest.status == PENDING,
        )).scalar_one_or_none()
        if pending is not None:
            raise ConflictError(
                f"extension request #{pending} for {found.code} ({label}) is still pending; a "
                f"coordinator decides it with 'smartcity deadlines decide {pending} "
                "grant|refuse'")
        request = ExtensionRequest(
            deadline_id=deadline.id, requested_by=actor.identity, role=actor.role,
            reason=reason.strip(), requested_until=requested, status=PENDING, created_at=now)
        session.add(request)
        session.flush()
        assert request.id is not None
        prog.engine.note(
            session, instance.id, actor, "request_extension", reason.strip(),
            f"extension #{request.id}: {label} from {local(deadline.due_at, found.tz)} to "
            f"{local(requested, found.tz)}", kind="extension")
        return ExtensionResult(request.id, found.code, instance.state, PENDING,
                               deadline.due_at, requested, found.tz, deadline.version)


def decide_extension(
    prog: Programme, request_id: int, grant: bool, comment: str | None, *, as_email: str,
) -> ExtensionResult:
    """A coordinator grants (the deadline moves, its reminders are re-armed) or refuses (a
    comment is required) a pending extension request."""
    with prog.db.transaction() as session:
        actor = actor_for(session, as_email)
        request = session.get(ExtensionRequest, request_id)
        if request is None:
            raise NotFoundError(f"no extension request #{request_id}; list them with "
                                "'smartcity deadlines REGION'")
        deadline = session.get(Deadline, request.deadline_id)
        assert deadline is not None and deadline.id is not None
        instance = prog.engine.get_instance(session, deadline.instance_id)
        code = instance.subject
        verb = "grant" if grant else "refuse"
        _coordinator_of(actor, code, f"{verb} an extension")
        if request.requested_by == actor.identity:
            raise PermissionDenied(f"{actor.describe()} asked for extension #{request_id} and "
                                   "may not decide it: another coordinator decides")
        if request.status != PENDING:
            raise ConflictError(f"extension request #{request_id} was already {request.status} "
                                f"by {request.decided_by}")
        d = prog.engine.definition(session, instance.definition_key,
                                   instance.definition_version).definition
        label = d.state_label(deadline.state)
        if deadline.closed_at is not None:
            raise InvalidInputError(f"{code} has left {label}; the deadline of extension "
                                    f"#{request_id} is closed and cannot move")
        if not grant and not (comment and comment.strip()):
            raise InvalidInputError("a refusal needs a comment (-m): say why, for the region")
        tz = _region_tz(session, code)
        now = prog.engine.clock()
        if grant:
            _future(request.requested_until, now, tz)
        request.status = GRANTED if grant else REFUSED
        request.decided_by, request.decided_at = actor.identity, now
        request.decision_comment = comment
        session.add(request)
        session.flush()
        version = deadline.version
        if grant:
            version = move_deadline(prog, session, deadline.id, request.requested_until,
                                    "extension", now)
            detail = (f"extension #{request_id} granted: {label} due "
                      f"{local(request.requested_until, tz)} (deadline v{version})")
        else:
            detail = (f"extension #{request_id} refused: {label} stays due "
                      f"{local(deadline.due_at, tz)}")
        prog.engine.note(session, instance.id, actor, f"{verb}_extension", comment, detail,
                         kind="extension")
        due = request.requested_until if grant else deadline.due_at
        return ExtensionResult(request_id, code, deadline.state, request.status, due,
                               request.requested_until, tz, version)


# -- listing -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeadlineView:
    id: int
    region: str
    region_name: str
    tz: str
    state: str
    stage: str
    due_at: datetime
    origin: str
    version: int
    planned_reminders: int
    pending_extensions: list[int]

    @property
    def zone(self) -> str:
        return zone_of(self.tz)


def open_deadlines(prog: Programme, *, region: str | None = None,
                   cohort: str | None = None) -> list[DeadlineView]:
    """Open deadlines of one region, of a cohort's regions, or of everyone."""
    with prog.db.read() as session:
        where: list[Any] = [DEADLINE.c.closed_at.is_(None)]
        if region is not None:
            where.append(INSTANCE.c.subject == find_region(session, region).code)
        if cohort is not None:
            found = find_cohort(session, cohort)
            codes = mselect(CohortMember.region_code).where(CohortMember.cohort_id == found.id)
            where.append(INSTANCE.c.subject.in_(codes))
        rows = session.execute(
            select(DEADLINE.c.id, INSTANCE.c.subject, INSTANCE.c.definition_key,
                   INSTANCE.c.definition_version, DEADLINE.c.state, DEADLINE.c.due_at,
                   DEADLINE.c.origin, DEADLINE.c.version)
            .join(INSTANCE, INSTANCE.c.id == DEADLINE.c.instance_id)
            .where(and_(*where)).order_by(DEADLINE.c.due_at, INSTANCE.c.subject)
        ).all()
        out = []
        for did, code, key, dver, state, due, origin, version in rows:
            found_region = session.get(Region, code)
            d = prog.engine.definition(session, key, dver).definition
            pending = list(session.execute(mselect(ExtensionRequest.id).where(
                ExtensionRequest.deadline_id == did, ExtensionRequest.status == PENDING,
            )).scalars())
            out.append(DeadlineView(
                did, code, found_region.name if found_region else code,
                found_region.tz if found_region else ZONES[NATIONAL_ZONE], state,
                d.state_label(state), due, origin, version,
                reminders.planned_count(session, did), [p for p in pending if p is not None]))
        return out


def extension_requests(session: Session, deadline_id: int) -> list[ExtensionRequest]:
    return list(session.execute(mselect(ExtensionRequest).where(
        ExtensionRequest.deadline_id == deadline_id).order_by(col(ExtensionRequest.id))
    ).scalars())


# -- the engine hook -----------------------------------------------------------------------

class DeadlineListener:
    """Runs in every action's transaction: on entering a state, applies the cohort's date
    (instead of the definition's relative days) and plans the reminders; on leaving one,
    closes the deadlines the engine leaves open (states without a definition deadline)."""

    def __init__(self, prog: Programme) -> None:
        self.prog = prog

    def __call__(self, event: ActionEvent) -> None:
        if event.kind not in ("start", "transition") or event.from_state == event.to_state:
            return
        session, instance = event.session, event.instance
        if event.from_state is not None:
            session.execute(update(DEADLINE).where(
                DEADLINE.c.instance_id == instance.id, DEADLINE.c.state == event.from_state,
                DEADLINE.c.closed_at.is_(None)).values(closed_at=event.at))
        state = event.to_state
        current = open_deadline(session, instance.id, state)
        cohort_due = None
        if instance.definition_key == MASTER_PLAN:
            cohort_id = _cohort_of(session, instance.subject)
            if cohort_id is not None:
                cohort_due = session.execute(mselect(CohortDeadline.due_at).where(
                    CohortDeadline.cohort_id == cohort_id, CohortDeadline.state == state,
                )).scalar_one_or_none()
        if cohort_due is not None:
            if current is None:
                create_deadline(self.prog, session, instance.id, state, cohort_due, "cohort",
                                event.at)
                return
            # The engine opened it a moment ago in this transaction: set, not moved.
            session.execute(update(DEADLINE).where(DEADLINE.c.id == current.id).values(
                due_at=cohort_due, origin="cohort"))
            session.expire(current)
        if current is not None and current.id is not None:
            reminders.plan_deadline(session, self.prog.settings, current.id, event.at)


def install(prog: Programme) -> DeadlineListener:
    """Register the deadline listener on the programme's engine (idempotent)."""
    for listener in prog.engine.listeners:
        if isinstance(listener, DeadlineListener) and listener.prog is prog:
            return listener
    listener = DeadlineListener(prog)
    prog.engine.listeners.append(listener)
    return listener
