"""Emails about evaluation windows: the opening notice and reminders before the close.

Each is an outbox row with an idempotency key (window, kind, threshold, recipient), so the
scheduler may call these as often as it likes: every OPD of a region in implementation gets
one opening notice per window and one reminder per threshold of ``settings.reminder_days``,
while its region has not handed in its return.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import col

from config.language import using
from notifications.queue import queue_email
from workflows.access.languages import languages_of
from workflows.directory.models import Opd, Region
from workflows.emails.catalogue import EMAILS
from workflows.emails.salutation import to_office
from workflows.evaluation.models import EvaluationWindow
from workflows.evaluation.naming import window_title
from workflows.evaluation.windows import WindowChange, pending_regions
from workflows.programme import Programme
from workflows.zones import spoken


def announce_opened(prog: Programme, opened: list[WindowChange], now: datetime) -> int:
    """Queue the opening notice to every OPD of the regions in implementation."""
    queued = 0
    for change in opened:
        queued += _notify(prog, change.window, change.regions, "window_opened", None, now)
    return queued


def remind_closing(prog: Programme, now: datetime) -> int:
    """Queue reminders before the close to regions that have not handed in a return."""
    with prog.db.read() as session:
        windows = session.execute(select(EvaluationWindow).where(
            col(EvaluationWindow.status) == "open")).scalars().all()
    queued = 0
    for window in windows:
        left = window.closes_at - now
        due = [d for d in prog.settings.reminder_days if left <= timedelta(days=d)]
        if not due or left <= timedelta(0):
            continue
        threshold = min(due)  # the nearest threshold reached: one reminder for it
        regions = pending_regions(prog, window.name)
        queued += _notify(prog, window, regions, "window_closing", threshold, now)
    return queued


def _notify(prog: Programme, window: EvaluationWindow, regions: list[str], kind: str,
            threshold: int | None, now: datetime) -> int:
    if not regions:
        return 0
    queued = 0
    with prog.db.transaction() as session:
        rows = session.execute(
            select(Opd, Region).join(Region, col(Region.code) == col(Opd.region_code))
            .where(col(Opd.region_code).in_(regions)).order_by(col(Opd.region_code))
        ).all()
        langs = languages_of(session, prog.settings, [opd.email for opd, _ in rows])
        for opd, region in rows:
            lang = langs[opd.email]
            with using(lang):
                context = {"recipient_name": opd.name, "region_name": region.name,
                           "salutation": to_office(opd.name, region.name),
                           "window_name": window_title(window.name),
                           "closes_local": spoken(window.closes_at, region.tz)}
            if threshold is not None:
                context["days_left"] = max(0, (window.closes_at - now).days)
            key = f"{kind}:{window.name}:{threshold or 0}:{opd.email}"
            queued += queue_email(session, prog.settings, EMAILS, kind=kind,
                                  recipient=opd.email, context=context, key=key,
                                  now=now, locale=lang) is not None
    return queued
