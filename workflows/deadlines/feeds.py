"""Calendar feeds (iCalendar) of a region's or an OPD's open deadlines.

Each deadline is one event at its due instant (stored UTC, so every calendar shows it in its
owner's own zone) with the region's local time, labelled, in the description. The UID is the
deadline's and SEQUENCE its version, so when a deadline moves (an extension, an override)
subscribed calendars update the event instead of adding a second one.
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Alarm, Calendar, Event
from sqlmodel import Session

from config.messages import text
from engine import NotFoundError, Records
from workflows.directory.agencies import opd_by_email
from workflows.directory.models import Region
from workflows.directory.regions import find_region
from workflows.master_plan import MASTER_PLAN
from workflows.programme import Programme
from workflows.zones import spoken

PRODID = "-//smartcity-workflow//Gerakan Menuju 100 Smart City//ID"


def region_feed(prog: Programme, session: Session, region_ref: str) -> bytes:
    """The open deadlines of a region's current and earlier cycles."""
    region = find_region(session, region_ref)
    return _feed(prog, session, [region], text("feed.name", name=region.name))


def opd_feed(prog: Programme, session: Session, email: str) -> bytes:
    """The open deadlines of the region an OPD belongs to (what its reminders are about)."""
    opd = opd_by_email(session, email)
    if opd is None:
        raise NotFoundError("deadlines.no_opd", email=email)
    region = find_region(session, opd.region_code)
    return _feed(prog, session, [region],
                 text("feed.name", name=f"{opd.name} ({region.name})"))


def _feed(prog: Programme, session: Session, regions: list[Region], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for region in regions:
        rows = [d for d in Records(session).open_deadlines(subjects=[region.code])
                if d.definition_key == MASTER_PLAN]
        for deadline in rows:
            d = prog.engine.workflow(session, MASTER_PLAN, deadline.definition_version)
            stage = d.state_label(deadline.state)
            event = Event()
            event.add("uid", f"deadline-{deadline.id}@smartcity-workflow")
            event.add("sequence", deadline.version)
            event.add("dtstamp", deadline.created_at)
            event.add("dtstart", deadline.due_at)
            event.add("dtend", deadline.due_at + timedelta(minutes=30))
            event.add("summary", text("feed.summary", stage=stage, region=region.name))
            event.add("description", text(
                "feed.description", region=region.name, code=region.code, stage=stage,
                due=spoken(deadline.due_at, region.tz)))
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", text("feed.alarm", stage=stage))
            alarm.add("trigger", timedelta(days=-1))
            event.add_component(alarm)
            cal.add_component(event)
    return bytes(cal.to_ical())
