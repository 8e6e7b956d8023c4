"""What a reminder digest and an escalation say: their email context, from what is owed.

A digest lists exactly what its recipient owes on open deadlines, one item each: the region,
the stage, what to do (submit a document, decide a review, take the action that closes the
stage), the deadline in the region's zone with the zone it was announced in alongside, how it
stands, and a signed link to the place to do it. An escalation lists, per missed deadline, the
parties that are late and with what. Times come formatted; the words around them are the
templates' (:mod:`workflows.emails.catalogue`).

Each context is built inside its recipient's language (:func:`config.language.using`): the
stage and document names, dates ("Senin, 30 Juni 2027 pukul 23.59 WIB"), the salutation to the
office-holder ("Yth. Kepala Bappeda Kabupaten Mimika") and the words around them come out in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from config.language import using
from config.messages import text
from config.settings import Settings
from engine import ACT, REVIEW, SUBMIT, DeadlineRecord, Label, WorkflowDefinition
from workflows import roles
from workflows.access import links
from workflows.deadlines.occasions import OVERDUE, local_date
from workflows.directory.parties import Party
from workflows.directory.subjects import PROVINCE, kind_of
from workflows.emails.salutation import to_office, to_person
from workflows.master_plan import MASTER_PLAN
from workflows.obligations import Owed
from workflows.zones import spoken, zone_of

BEFORE = "before"

#: What an item asks, by the kind of duty (catalogue keys).
_DO = {SUBMIT: "mail.do.submit", REVIEW: "mail.do.review", ACT: "mail.do.act"}


def salutation(party: Party, region_name: str | None = None) -> str:
    """How a letter to ``party`` opens, to the office-holder (an OPD's head, a person by
    name)."""
    if party.role == roles.OPD:
        return to_office(party.name, region_name)
    return to_person(party.name)


class Region:
    """A region as an email names it."""

    __slots__ = ("code", "name", "tz")

    def __init__(self, code: str, name: str, tz: str) -> None:
        self.code, self.name, self.tz = code, name, tz


def item_path(party: Party, owed: Owed) -> str:
    """Where the party does what it owes: the OPD's page, the review queue, the region."""
    deadline = owed.deadline
    if party.role == roles.OPD:
        return f"/opd#deadline-{deadline.id}" if deadline is not None else "/opd"
    if owed.other_workflow:  # another programme's instance has a page of its own
        where = "provinces" if kind_of(owed.region) == PROVINCE else "regions"
        return f"/{where}/{owed.region}/workflows/{owed.key}"
    if owed.kind == REVIEW:
        return f"/queue#region-{owed.region}"
    return f"/regions/{owed.region}"


def stage_of(owed: Owed) -> str:
    """The stage an item is in, with the workflow's title next to it when it is not the
    master plan (a region may run the award round alongside its plan)."""
    return _in_workflow(str(owed.stage), owed.key, owed.workflow)


def _in_workflow(stage: str, key: str, title: Label) -> str:
    """``stage`` with the title of its workflow next to it, unless that is the master plan."""
    if key != MASTER_PLAN:
        return text("instances.stage_in_workflow", stage=stage, workflow=str(title))
    return stage


def _deadline_fields(d: DeadlineRecord, region: Region, tz: str, now: datetime
                     ) -> dict[str, object]:
    announced = d.tz or region.tz
    shown_alongside = zone_of(announced) != zone_of(region.tz)
    return {
        "deadline_local": spoken(d.due_at, region.tz),
        "deadline_announced": spoken(d.due_at, announced) if shown_alongside else "",
        # Days to the announced day, counted on the reader's calendar (as the reminders are).
        "days_left": (local_date(d.due_at, announced) - local_date(now, tz)).days,
    }


def digest(settings: Settings, locale: str, party: Party, tz: str, owed: Iterable[Owed],
           regions: Mapping[str, Region], now: datetime) -> dict[str, object]:
    """The ``reminder_digest`` context of ``party`` (in zone ``tz``) for what it owes, in
    the language ``locale``."""
    with using(locale):
        items = []
        for o in sorted(owed, key=lambda o: (o.deadline.due_at if o.deadline else now,
                                             o.region, o.label)):
            d = o.deadline
            if d is None:
                continue
            region = regions[o.region]
            items.append({
                "region_name": region.name,
                "region_code": region.code,
                "stage": stage_of(o),
                "label": o.label,
                "action": text(_DO[o.kind], what=o.label),
                **_deadline_fields(d, region, tz, now),
                "kind": OVERDUE if d.due_at <= now else BEFORE,
                "link": links.make_url(settings, party.email, item_path(party, o), now),
            })
        own = {str(i["region_name"]) for i in items}
        return {
            "recipient_name": party.name,
            "salutation": salutation(party, own.pop() if len(own) == 1 else None),
            "zone": zone_of(tz),
            "items": items,
            "app_url": links.make_url(settings, party.email, "/", now),
        }


def escalation(locale: str, person: Party, tz: str,
               missed: Iterable[tuple[DeadlineRecord, list[Owed]]],
               regions: Mapping[str, Region], now: datetime,
               definition: Callable[[DeadlineRecord], WorkflowDefinition]
               ) -> dict[str, object]:
    """The ``escalation`` context of a coordinator for deadlines missed and who is late, in
    the language ``locale``; ``definition`` gives a deadline's workflow, to name its stage
    when nobody is late on it."""
    with using(locale):
        items = []
        for d, late in missed:
            region = regions[d.subject]
            items.append({
                "region_name": region.name,
                "region_code": region.code,
                "stage": stage_of(late[0]) if late else stage_name(d, definition(d)),
                **_deadline_fields(d, region, tz, now),
                "days_overdue": max(1, (local_date(now, tz) - local_date(d.due_at, tz)).days),
                "late": [{"who": (o.party.label() if o.party is not None
                                  else text("mail.nobody_registered")),
                          "role": text(f"role.{o.role}").capitalize(), "label": o.label}
                         for o in late],
            })
        return {"recipient_name": person.name, "salutation": salutation(person),
                "zone": zone_of(tz), "items": items}


def stage_name(d: DeadlineRecord, definition: WorkflowDefinition) -> str:
    """A deadline's stage when nobody is late on it: its label in ``definition`` (the
    deadline's workflow), with the workflow's title when it is not the master plan."""
    return _in_workflow(definition.state_label(d.state), d.definition_key, definition.title)
