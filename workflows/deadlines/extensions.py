"""Extension requests: a region asks to move its open deadline, a coordinator decides.

An OPD of the region or its head of region (for a stage that waits for something of theirs),
or the region's own coordinator, asks for a later date with a reason; another coordinator
grants it (the deadline moves through the engine, its reminders start over) or refuses it
with a comment. Both the request and the decision are written in the region's history (kind
``extension``) and emailed (:mod:`workflows.deadlines.extension_notices`): the request to the
coordinators who decide, the decision to whoever asked. Each function is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from config.messages import Message
from engine import (
    Actor,
    ConflictError,
    DeadlineRecord,
    DueDate,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    Records,
)
from workflows import limits, roles
from workflows.deadlines import extension_notices
from workflows.deadlines.dates import check_future, resolve_due, tz_of_zone
from workflows.deadlines.models import ExtensionRequest
from workflows.deadlines.setting import move, require_coordinator_of
from workflows.directory.actors import Acting, acting, display_name
from workflows.directory.models import Region
from workflows.directory.regions import find_region, region_tz
from workflows.obligations import Obligations, of_party
from workflows.programme import Programme
from workflows.zones import Moment, local

PENDING, GRANTED, REFUSED = "pending", "granted", "refused"
EXTENSION = "extension"
#: Who may ask, for a region they are bound to.
ASKING_ROLES = (roles.OPD, roles.COORDINATOR, roles.HEAD_OF_REGION)


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
    prog: Programme, region: str, until: date | datetime, reason: str, *, actor: Acting,
    zone: str | None = None,
) -> ExtensionResult:
    """An OPD of the region, or its own coordinator or head, asks to move its open deadline
    to ``until`` (the region's zone unless ``zone``); a coordinator decides."""
    if not reason or not reason.strip():
        raise InvalidInputError("deadlines.reason_needed")
    limits.check_comment(reason, "reason")
    with prog.db.transaction() as session:
        found = find_region(session, region)
        actor = acting(session, actor)
        bound = actor.subjects is not None and found.code in actor.subjects
        if actor.role not in ASKING_ROLES or not bound:
            why = (Message("deadlines.ask_programme_wide")
                   if actor.role == roles.COORDINATOR and actor.subjects is None
                   else Message("deadlines.ask_who", region=found.code))
            raise PermissionDenied("deadlines.may_not_ask", who=display_name(actor),
                                   region=found.code, why=why)
        instance = prog.current_instance(session, found.code)
        d = prog.definition_of(session, instance)
        label = d.state_label(instance.state)
        stage_label = d.states[instance.state].label or label
        deadline = Records(session).open_deadline(instance.id, instance.state)
        if deadline is None:
            raise InvalidInputError("deadlines.nothing_to_extend", region=found.code,
                                    stage=label)
        if actor.role != roles.COORDINATOR:
            _check_owes(prog, session, actor, deadline, label)
        tz = tz_of_zone(zone) if zone else found.tz
        now = prog.engine.clock()
        requested = resolve_due(until, tz)
        check_future(requested, now, tz)
        if requested <= deadline.due_at:
            raise InvalidInputError("deadlines.not_later", requested=Moment(requested, found.tz),
                                    due=Moment(deadline.due_at, found.tz))
        pending = session.execute(select(ExtensionRequest.id).where(
            ExtensionRequest.deadline_id == deadline.id, ExtensionRequest.status == PENDING,
        )).scalar_one_or_none()
        if pending is not None:
            raise ConflictError("deadlines.request_pending", id=pending, region=found.code,
                                stage=label)
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
        extension_notices.requested(prog, session, request, found, stage_label, deadline.due_at,
                                    actor, now)
        return ExtensionResult(request.id, found.code, instance.state, PENDING,
                               deadline.due_at, requested, found.tz, deadline.version)


def decide_extension(
    prog: Programme, request_id: int, grant: bool, comment: str | None, *, actor: Acting,
) -> ExtensionResult:
    """A coordinator grants (the deadline moves, its reminders are re-armed) or refuses (a
    comment is required) a pending extension request."""
    limits.check_comment(comment)
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        request = session.get(ExtensionRequest, request_id)
        if request is None:
            raise NotFoundError("deadlines.no_request", id=request_id)
        deadline = Records(session).deadline(request.deadline_id)
        assert deadline is not None, "a request is made on an existing deadline"
        instance = prog.engine.get_instance(session, deadline.instance_id)
        code = instance.subject
        verb = "grant" if grant else "refuse"
        require_coordinator_of(actor, code, Message(f"deadlines.action.{verb}"))
        if request.requested_by == actor.identity:
            raise PermissionDenied("deadlines.own_request", who=display_name(actor),
                                   id=request_id)
        if request.status != PENDING:
            raise ConflictError(f"deadlines.already_{request.status}", id=request_id,
                                by=request.decided_by)
        d = prog.definition_of(session, instance)
        label = d.state_label(deadline.state)
        stage_label = d.states[deadline.state].label or label
        if deadline.closed_at is not None:
            raise InvalidInputError("deadlines.deadline_closed", region=code, stage=label,
                                    id=request_id)
        if not grant and not (comment and comment.strip()):
            raise InvalidInputError("deadlines.refusal_comment")
        tz = region_tz(session, code)
        now = prog.engine.clock()
        if grant:
            check_future(request.requested_until, now, tz)
        request.status = GRANTED if grant else REFUSED
        request.decided_by, request.decided_at = actor.identity, now
        request.decision_comment = comment
        session.add(request)
        session.flush()
        version = deadline.version
        if grant:
            version = move(prog, session, deadline.id,
                           DueDate(request.requested_until, EXTENSION, tz), now)
            detail = (f"extension #{request_id} granted: {label} due "
                      f"{local(request.requested_until, tz)} (deadline v{version})")
        else:
            detail = (f"extension #{request_id} refused: {label} stays due "
                      f"{local(deadline.due_at, tz)}")
        prog.engine.note(session, instance.id, actor, f"{verb}_extension", comment, detail,
                         kind="extension")
        due = request.requested_until if grant else deadline.due_at
        region = session.get(Region, code)
        if region is not None:
            extension_notices.decided(prog, session, request, region, stage_label, due, now)
        return ExtensionResult(request_id, code, deadline.state, request.status, due,
                               request.requested_until, tz, version)


def _check_owes(prog: Programme, session: Session, actor: Actor, deadline: DeadlineRecord,
                label: str) -> None:
    """An OPD or a head of region asks only for a stage that waits for something of theirs."""
    owed = Obligations(prog, session).on_deadlines([deadline])
    if of_party(owed, actor.identity):
        return
    labels = {str(o.label): o.label for o in owed}
    waiting = [labels[name] for name in sorted(labels)]
    raise InvalidInputError("deadlines.owes_nothing", who=display_name(actor), stage=label,
                            waiting=waiting or Message("deadlines.nothing_more"))


def extension_requests(session: Session, deadline_id: int) -> list[ExtensionRequest]:
    """Every request made on a deadline, oldest first."""
    return list(session.execute(select(ExtensionRequest).where(
        ExtensionRequest.deadline_id == deadline_id).order_by(col(ExtensionRequest.id))
    ).scalars())


def requests_by_deadline(session: Session, deadline_ids: list[int]
                         ) -> dict[int, list[ExtensionRequest]]:
    """Every request made on each of ``deadline_ids``, oldest first (one query)."""
    if not deadline_ids:
        return {}
    found: dict[int, list[ExtensionRequest]] = {}
    for request in session.execute(select(ExtensionRequest).where(
            col(ExtensionRequest.deadline_id).in_(deadline_ids))
            .order_by(col(ExtensionRequest.id))).scalars():
        found.setdefault(request.deadline_id, []).append(request)
    return found
