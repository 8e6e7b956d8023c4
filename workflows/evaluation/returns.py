"""Evaluation returns: a region hands in its return while the window is open, or later only
with a coordinator's extension for that region.

A return after the close is refused unless the region's extension still runs; a coordinator
may extend a window for one region (:func:`extend_window`). Each function is one transaction;
errors are :mod:`engine` types whose messages say what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from config.messages import Message
from engine import (
    Actor,
    GuardFailed,
    InvalidInputError,
    PermissionDenied,
    TransitionNotAllowed,
    check_role,
)
from workflows import roles
from workflows.directory.actors import Acting, acting, display_name
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.evaluation.models import EvaluationReturn, EvaluationWindow, WindowExtension
from workflows.evaluation.naming import window_title
from workflows.evaluation.windows import find_window
from workflows.master_plan import IMPLEMENTATION
from workflows.programme import Programme
from workflows.zones import ZONES, Moment


def check_region_scope(actor: Actor, region: str, action: Message) -> None:
    """Refuse an actor bound to other regions; ``action`` says what was tried."""
    if actor.subjects is not None and region not in actor.subjects:
        raise PermissionDenied(
            "evaluation.error.other_region", who=display_name(actor),
            regions=sorted(actor.subjects) or Message("evaluation.error.no_region"),
            region=region, action=action)


def _aware(at: datetime, what: Message) -> datetime:
    if at.tzinfo is None:
        raise InvalidInputError("evaluation.error.no_zone", what=what)
    return at.astimezone(UTC)


def parse_time(text: str, tz: str) -> datetime:
    """``YYYY-MM-DD [HH:MM[:SS]] [WIB|WITA|WIT]`` read in zone ``tz`` unless a zone is named;
    a date alone means 23:59:59 of that day. Returns aware UTC."""
    parts = text.strip().split()
    zone = tz
    if parts and parts[-1].upper() in ZONES:
        zone = ZONES[parts.pop().upper()]
    value = " ".join(parts)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            parsed = parsed.replace(hour=23, minute=59, second=59)
        try:
            return parsed.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
        except OverflowError:  # year 1 or 9999 pushed past the calendar by the zone offset
            raise InvalidInputError("deadlines.date_out_of_range", day=text.strip()) from None
    raise InvalidInputError("evaluation.error.not_a_time", text=text.strip())


def extend_window(prog: Programme, window_ref: str, region_ref: str, until: datetime,
                  actor: Acting) -> WindowExtension:
    """Let one region submit until ``until`` after the window closes (coordinator only).

    Granting again replaces the earlier extension of that region and window.
    """
    until = _aware(until, Message("evaluation.error.extension_end"))
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        check_role(Message("evaluation.error.action.extend"), [roles.COORDINATOR], actor,
                   prog.master_plan(session))
        window = find_window(session, window_ref)
        region = find_region(session, region_ref)
        check_region_scope(actor, region.code, Message("evaluation.error.action.extend_own"))
        now = prog.engine.clock()
        if until <= window.closes_at:
            raise InvalidInputError("evaluation.error.already_runs",
                                    window=window_title(window.name),
                                    until=Moment(window.closes_at, region.tz))
        if until <= now:
            raise InvalidInputError("evaluation.error.already_passed",
                                    until=Moment(until, region.tz))
        ext = session.execute(select(WindowExtension).where(
            WindowExtension.window_id == window.id,
            WindowExtension.region_code == region.code)).scalar_one_or_none()
        if ext is None:
            assert window.id is not None, "a window read from the database has an id"
            ext = WindowExtension(window_id=window.id, region_code=region.code, until=until,
                                  granted_by=actor.identity, granted_at=now)
        ext.until, ext.granted_by, ext.granted_at = until, actor.identity, now
        session.add(ext)
        session.flush()
        return ext


@dataclass(frozen=True)
class ReturnResult:
    region: str
    window: str
    submitted_at: datetime
    submitted_by: str
    resubmitted: bool
    extended_until: datetime | None  # set when accepted only thanks to an extension


def submit_return(prog: Programme, region_ref: str, window_ref: str,
                  actor: Acting) -> ReturnResult:
    """Hand in the region's evaluation return for the window (an OPD of the region or a
    coordinator). One return per region and window: submitting again updates its time and
    submitter. Refused outside the window unless the region's extension is still running."""
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        d = prog.master_plan(session)
        check_role(Message("evaluation.error.action.submit"), [roles.OPD, roles.COORDINATOR],
                   actor, d)
        region = find_region(session, region_ref)
        check_region_scope(actor, region.code, Message("evaluation.error.action.submit_own"))
        window = find_window(session, window_ref)
        instance = prog.current_instance(session, region.code)
        if instance.state != IMPLEMENTATION:
            mine = prog.definition_of(session, instance)
            raise TransitionNotAllowed(
                "evaluation.error.not_implementing", region=f"{region.code} {region.name}",
                stage=mine.state_label(instance.state), wanted=mine.state_label(IMPLEMENTATION))
        now = prog.engine.clock()
        extended = _gate(session, window, region, now)
        ret = session.execute(select(EvaluationReturn).where(
            EvaluationReturn.window_id == window.id,
            EvaluationReturn.region_code == region.code)).scalar_one_or_none()
        resubmitted = ret is not None
        if ret is None:
            assert window.id is not None, "a window read from the database has an id"
            ret = EvaluationReturn(window_id=window.id, region_code=region.code,
                                   submitted_by=actor.identity, submitted_at=now)
        ret.submitted_by, ret.submitted_at = actor.identity, now
        session.add(ret)
        session.flush()
        return ReturnResult(region.code, window.name, now, actor.identity, resubmitted,
                            extended)


def _gate(session: Session, window: EvaluationWindow, region: Region,
          now: datetime) -> datetime | None:
    """None if the window is open at ``now``; the extension's end if only an extension lets
    the region in; otherwise refuse, saying when the window opens or closed."""
    action = Message("evaluation.error.action.submit")
    if now < window.opens_at:
        raise GuardFailed("submit_return", [Message(
            "evaluation.error.not_open_yet", window=window_title(window.name),
            opens=Moment(window.opens_at, region.tz),
            closes=Moment(window.closes_at, region.tz))], action=action)
    if now < window.closes_at:
        return None
    ext = session.execute(select(WindowExtension).where(
        WindowExtension.window_id == window.id,
        WindowExtension.region_code == region.code)).scalar_one_or_none()
    if ext is not None and now < ext.until:
        return ext.until
    closed = Moment(window.closes_at, region.tz)
    title = window_title(window.name)
    why = (Message("evaluation.error.extension_ended", window=title, closed=closed,
                   region=region.code, ended=Moment(ext.until, region.tz)) if ext is not None
           else Message("evaluation.error.closed", window=title, closed=closed,
                        region=region.code))
    raise GuardFailed("submit_return", [why], action=action)


def extensions_of(session: Session, window: EvaluationWindow) -> list[WindowExtension]:
    """The window's per-region extensions, by region code."""
    return list(session.execute(
        select(WindowExtension).where(WindowExtension.window_id == window.id)
        .order_by(WindowExtension.region_code)).scalars())
