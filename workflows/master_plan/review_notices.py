"""Emails about reviews, queued in the transaction of the action that causes them.

* A region enters a state a reviewer decides on (the master plan's ``mentor_review``): each
  mentor assigned to the region gets ``review_requested`` with a signed link to the review
  queue.
* A reviewer rejects: each OPD of the region gets ``review_rejected`` with the reviewer's
  comment, the deadline of the revision the region now owes, and a signed link to its page,
  where it revises and resubmits.
* A reviewer approves: each OPD gets ``review_approved`` with the reviewer's comment and the
  stage the region moves on to.

Both are read from the definition (a transition with a ``review`` block), not from state
names, and keyed by the instance version, so an action retried after a conflict does not
queue them twice. The links open the exact place to act, once, for people who rarely sign
in (:mod:`workflows.access.links`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from config.language import using
from config.settings import Settings
from engine import ActionEvent, Records, Text
from notifications.queue import queue_email
from workflows import roles
from workflows.access import links
from workflows.access.languages import language_of
from workflows.directory.agencies import opds
from workflows.directory.models import Region
from workflows.directory.people import mentors_of
from workflows.emails.catalogue import EMAILS
from workflows.emails.salutation import Salutation
from workflows.zones import ZONES, Moment


class ReviewNotices:
    """The engine listener that queues the review emails."""

    def __init__(self, settings: Callable[[], Settings]) -> None:
        self.settings = settings

    def __call__(self, event: ActionEvent) -> None:
        if event.kind != "transition" or event.from_state is None:
            return
        d = event.definition
        fired = [t for t in d.transitions_for(event.trigger, event.from_state)
                 if t.dest == event.to_state]
        review = fired[0].review if fired else None
        if review is not None and review.decision == "rejected":
            self._rejected(event, review.deliverable)
        elif review is not None:
            self._approved(event, review.deliverable)
        if event.from_state != event.to_state:
            deciding = [t for t in d.transitions if event.to_state in t.sources and t.review]
            if deciding and any(roles.MENTOR in t.roles for t in deciding):
                self._requested(event, deciding[0].review.deliverable)  # type: ignore[union-attr]

    def _rounds(self, event: ActionEvent, deliverable: str) -> int:
        return Records(event.session).review_count(event.instance.id, deliverable)

    def _requested(self, event: ActionEvent, deliverable: str) -> None:
        session, code = event.session, event.instance.subject
        region = session.get(Region, code)
        round_no = self._rounds(event, deliverable) + 1
        for mentor in mentors_of(session, code):
            self._queue(event, "review_requested", mentor.email, f"/queue#region-{code}", {
                "recipient_name": mentor.name,
                "salutation": Salutation(mentor.name),
                "region_name": region.name if region else code,
                "region_code": code,
                "round": round_no,
            })

    def _rejected(self, event: ActionEvent, deliverable: str) -> None:
        session, code = event.session, event.instance.subject
        region = session.get(Region, code)
        opened = event.opened  # the revision's deadline, opened by this very action
        tz = region.tz if region else ZONES["WIB"]
        revision_due = Moment(opened.due.due_at, tz, weekday=True) if opened is not None else ""
        for opd in opds(session, code):
            self._queue(event, "review_rejected", opd.email, "/opd", {
                "recipient_name": opd.name,
                "salutation": Salutation(opd.name, region.name if region else None),
                "region_name": region.name if region else code,
                "round": self._rounds(event, deliverable),
                "comment": event.comment or "",
                "mentor_name": event.actor.name or event.actor.identity,
                "revision_due": revision_due,
            })

    def _approved(self, event: ActionEvent, deliverable: str) -> None:
        session, code = event.session, event.instance.subject
        region = session.get(Region, code)
        spec = event.definition.states.get(event.to_state)
        next_stage = spec.label if spec is not None and spec.label else event.to_state
        for opd in opds(session, code):
            self._queue(event, "review_approved", opd.email, "/opd", {
                "recipient_name": opd.name,
                "salutation": Salutation(opd.name, region.name if region else None),
                "region_name": region.name if region else code,
                "round": self._rounds(event, deliverable),
                "comment": event.comment or "",
                "mentor_name": event.actor.name or event.actor.identity,
                "next_stage": next_stage,
            })

    def _queue(self, event: ActionEvent, kind: str, recipient: str, path: str,
               context: dict[str, Any]) -> None:
        """Queue one notice in its recipient's language: labels and moments of ``context``
        are written out in it."""
        settings = self.settings()
        now: datetime = event.at
        lang = language_of(event.session, settings, recipient)
        with using(lang):
            context = {k: str(v) if isinstance(v, Text | Moment | Salutation) else v
                       for k, v in context.items()}
        context["app_url"] = links.make_url(settings, recipient, path, now)
        # The instance version after this action: one per action, so never queued twice.
        key = f"{kind}:{event.instance.id}:{event.instance.version}:{recipient}"
        queue_email(event.session, settings, EMAILS, kind=kind, recipient=recipient,
                    context=context, key=key, now=now, locale=lang)
