"""Emails about extension requests, queued in the transaction of the request or the decision.

* A request is made: each coordinator who may decide it (the region's own and the
  programme-wide ones, never the one who asked) gets ``extension_requested`` with the reason
  and a signed link to the request on the coordinator page.
* A coordinator decides: whoever asked gets ``extension_decided``, with the comment and the
  deadline that now holds (the new one when granted: its reminders count to it from now).

Keyed by the request, so a retried action never queues them twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from config.language import using
from engine import Actor, Label
from notifications.queue import queue_email
from workflows.access import links
from workflows.access.languages import language_of, languages_of
from workflows.deadlines.models import ExtensionRequest
from workflows.directory.actors import names
from workflows.directory.models import Region
from workflows.directory.parties import parties
from workflows.emails.catalogue import EMAILS
from workflows.emails.salutation import to_person
from workflows.programme import Programme
from workflows.zones import spoken


def requested(prog: Programme, session: Session, request: ExtensionRequest, region: Region,
              stage: Label, due_at: datetime, actor: Actor, now: datetime) -> int:
    """Tell the coordinators who may decide; how many emails were queued (each in its
    reader's language)."""
    assert request.id is not None
    settings = prog.settings
    queued = 0
    deciders = [p for p in parties(session, [region.code])[region.code].escalation
                if p.email != actor.identity]
    langs = languages_of(session, settings, [p.email for p in deciders])
    for person in deciders:
        lang = langs[person.email]
        with using(lang):
            context = {
                "recipient_name": person.name, "salutation": to_person(person.name),
                "region_name": region.name,
                "region_code": region.code, "requester_name": actor.name or actor.identity,
                "stage": str(stage), "due_local": spoken(due_at, region.tz),
                "requested_local": spoken(request.requested_until, region.tz),
                "reason": request.reason, "request_id": request.id,
                "app_url": links.make_url(settings, person.email,
                                          f"/coordinator/extensions#extension-{request.id}", now),
            }
        key = f"extension_requested:{request.id}:{person.email}"
        queued += queue_email(session, settings, EMAILS, kind="extension_requested",
                              recipient=person.email, context=context, key=key,
                              now=now, locale=lang) is not None
    return queued


def decided(prog: Programme, session: Session, request: ExtensionRequest, region: Region,
            stage: Label, due_at: datetime, now: datetime) -> None:
    """Tell whoever asked what was decided, and the deadline that holds now."""
    assert request.id is not None
    settings, asker = prog.settings, request.requested_by
    lang = language_of(session, settings, asker)
    with using(lang):
        context = {
            "recipient_name": (name := names(session, {asker}).get(asker, asker)),
            "salutation": to_person(name),
            "region_name": region.name, "region_code": region.code, "stage": str(stage),
            "granted": request.status == "granted",
            "comment": request.decision_comment or "",
            "due_local": spoken(due_at, region.tz),
            "requested_local": spoken(request.requested_until, region.tz),
            "request_id": request.id,
            "app_url": links.make_url(settings, asker, "/", now),
        }
    queue_email(session, settings, EMAILS, kind="extension_decided", recipient=asker,
                context=context, key=f"extension_decided:{request.id}", now=now, locale=lang)
