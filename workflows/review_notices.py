"""Emails about reviews, queued in the transaction of the action that causes them.

* A region enters a state a reviewer decides on (the master plan's ``mentor_review``): each
  mentor assigned to the region gets ``review_requested`` with a signed link to the review
  queue.
* A reviewer rejects: each OPD of the region gets ``review_rejected`` with the reviewer's
  comment and a signed link to its page, where it revises and resubmits.

Both are read from the definition (a transition with a ``review`` block), not from state
names, and keyed by the instance version, so an action retried after a conflict does not
queue them twice. The links open the exact place to act, once, for people who rarely sign
in (:mod:`workflows.links`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from engine import outbox
from engine.models import ReviewDecision
from engine.runtime import ActionEvent
from notifications.message import outbox_fields
from notifications.render import render_email
from workflows import links
from workflows.models import MentorAssignment, Opd, Person, Region
from workflows.programme import Programme
from workflows.reminders import mail_domain


class ReviewNotices:
    """The engine listener that queues the review emails."""

    def __init__(self, prog: Programme) -> None:
        self.prog = prog

    def __call__(self, event: ActionEvent) -> None:
        if event.kind != "transition" or event.from_state is None:
            return
        d = event.definition
        fired = [t for t in d.transitions_for(event.trigger, event.from_state)
                 if t.dest == event.to_state]
        review = fired[0].review if fired else None
        if review is not None and review.decision == "rejected":
            self._rejected(event, review.deliverable)
        if event.from_state != event.to_state:
            deciding = [t for t in d.transitions if event.to_state in t.sources and t.review]
            if deciding and any("mentor" in t.roles for t in deciding):
                self._requested(event, deciding[0].review.deliverable)  # type: ignore[union-attr]

    def _rounds(self, event: ActionEvent, deliverable: str) -> int:
        return int(event.session.execute(
            select(func.count()).select_from(ReviewDecision).where(
                col(ReviewDecision.instance_id) == event.instance.id,
                col(ReviewDecision.deliverable) == deliverable)).scalar_one())

    def _requested(self, event: ActionEvent, deliverable: str) -> None:
        session, code = event.session, event.instance.subject
        region = session.get(Region, code)
        mentors = session.execute(
            select(Person).join(MentorAssignment,
                                col(MentorAssignment.person_id) == col(Person.id))
            .where(col(MentorAssignment.region_code) == code).order_by(col(Person.email))
        ).scalars().all()
        round_no = self._rounds(event, deliverable) + 1
        for mentor in mentors:
            self._queue(event, "review_requested", mentor.email, f"/queue#region-{code}", {
                "recipient_name": mentor.name,
                "region_name": region.name if region else code,
                "region_code": code,
                "round": round_no,
            })

    def _rejected(self, event: ActionEvent, deliverable: str) -> None:
        session, code = event.session, event.instance.subject
        region = session.get(Region, code)
        opds = session.execute(
            select(Opd).where(col(Opd.region_code) == code).order_by(col(Opd.code))
        ).scalars().all()
        for opd in opds:
            self._queue(event, "review_rejected", opd.email, "/opd", {
                "recipient_name": opd.name,
                "region_name": region.name if region else code,
                "round": self._rounds(event, deliverable),
                "comment": event.comment or "",
                "mentor_name": event.actor.name or event.actor.identity,
            })

    def _queue(self, event: ActionEvent, kind: str, recipient: str, path: str,
               context: dict[str, Any]) -> None:
        settings = self.prog.settings
        now: datetime = event.at
        context["app_url"] = links.make_url(settings, recipient, path, now)
        rendered = render_email(kind, settings.mail_locale, context)
        # The instance version after this action: one per action, so never queued twice.
        key = f"{kind}:{event.instance.id}:{event.instance.version}:{recipient}"
        fields = outbox_fields(key=key, recipient=recipient, rendered=rendered,
                               sender=settings.mail_from, domain=mail_domain(settings),
                               date=now)
        outbox.enqueue(event.session, key=key, kind=kind, due_at=now, now=now, **fields)


def install(prog: Programme) -> ReviewNotices:
    """Register the listener on the programme's engine (idempotent)."""
    for listener in prog.engine.listeners:
        if isinstance(listener, ReviewNotices) and listener.prog is prog:
            return listener
    listener = ReviewNotices(prog)
    prog.engine.listeners.append(listener)
    return listener
