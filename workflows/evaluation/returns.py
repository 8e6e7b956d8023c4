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

from engine import (
    Actor,
    GuardFailed,
    InvalidInputError,
    PermissionDenied,
    TransitionNotAllowed,
    check_role,
)
from workflows import roles
from workflows.directory.actors import Acting, acting
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.evaluation.models import EvaluationReturn, EvaluationWindow, WindowExtension
from workflows.evaluation.windows import find_window
from workflows.master_plan import IMPLEMENTATION
from workflows.programme import Programme
from workflows.zones import ZONES, local


def check_region_scope(actor: Actor, region: str, action: str) -> None:
    if actor.subjects is not None and region not in actor.subjects:
        raise PermissionDenied(
            f"{actor.describe()} acts for {', '.join(sorted(actor.subjects)) or 'no region'}, "
            f"not {region}; only someone of {region} or a programme coordinator may {action}")


def _aware(at: datetime, what: str) -> datetime:
    if at.tzinfo is None:
        raise InvalidInputError(f"{what} has no time zone; give it in WIB, WITA or WIT")
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
            raise InvalidInputError(f"{text!r} is out of the supported range of dates; give "
                                    "a date in this century") from None
    raise InvalidInputError(
        f"{text!r} is not a time: give YYYY-MM-DD or 'YYYY-MM-DD HH:MM', optionally followed "
        "by WIB, WITA or WIT (default: the region's own zone)")


def extend_window(prog: Programme, window_ref: str, region_ref: str, until: datetime,
                  actor: Acting) -> WindowExtension:
    """Let one region submit until ``until`` after the window closes (coordinator only).

    Granting again replaces the earlier extension of that region and window.
    """
    until = _aware(until, "the extension's end")
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        check_role("extend an evaluation window", [roles.COORDINATOR], actor)
        window = find_window(session, window_ref)
        region = find_region(session, region_ref)
        check_region_scope(actor, region.code, "extend its window")
        now = prog.engine.clock()
        if until <= window.closes_at:
            raise InvalidInputError(
                f"window {window.name} already runs until {local(window.closes_at, region.tz)}; "
                "an extension must end after that")
        if until <= now:
            raise InvalidInputError(
                f"{local(until, region.tz)} has already passed; give a later time")
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
        check_role("submit an evaluation return", [roles.OPD, roles.COORDINATOR], actor)
        region = find_region(session, region_ref)
        check_region_scope(actor, region.code, "submit its evaluation return")
        window = find_window(session, window_ref)
        instance = prog.current_instance(session, region.code)
        if instance.state != IMPLEMENTATION:
            raise TransitionNotAllowed(
                f"{region.code} {region.name} is in stage {instance.state!r}, not "
                f"{IMPLEMENTATION!r}; only regions implementing an adopted master plan hand in "
                "evaluation returns")
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
    action = "submit an evaluation return"
    if now < window.opens_at:
        raise GuardFailed(action, [
            f"window {window.name} is not open yet: it opens {local(window.opens_at, region.tz)}"
            f" and closes {local(window.closes_at, region.tz, '%Y-%m-%d %H:%M:%S')}"])
    if now < window.closes_at:
        return None
    ext = session.execute(select(WindowExtension).where(
        WindowExtension.window_id == window.id,
        WindowExtension.region_code == region.code)).scalar_one_or_none()
    if ext is not None and now < ext.until:
        return ext.until
    closed = local(window.closes_at, region.tz, "%Y-%m-%d %H:%M:%S")
    if ext is not None:
        why = (f"window {window.name} closed {closed} and the extension for {region.code} ended "
               f"{local(ext.until, region.tz)}")
    else:
        why = f"window {window.name} closed {closed}"
    raise GuardFailed(action, [
        f"{why}; a coordinator can extend it for {region.code} with 'smartcity evaluation "
        f"extend {window.name} {region.code} UNTIL'"])


def extensions_of(session: Session, window: EvaluationWindow) -> list[WindowExtension]:
    """The window's per-region extensions, by region code."""
    return list(session.execute(
        select(WindowExtension).where(WindowExtension.window_id == window.id)
        .order_by(WindowExtension.region_code)).scalars())
