"""Reminders sent now, from the cohort board: one digest per person who owes something in the
regions a coordinator chose, listing only what they owe there. What the coordinators owe
in order to close a stage is left out (they decide it on their own pages), and so is the
coordinator who asks: they are looking at it.

The morning sweep (:mod:`workflows.deadlines.sweep`) reminds on a schedule; a coordinator
who sees a province running late wants the people behind it told today. This builds the same
``reminder_digest`` the sweep sends (:func:`workflows.deadlines.digests.digest`: each item
with its stage, its deadline in the region's zone and a signed link to where it is done), from
the same answer to "who owes what" (:class:`workflows.obligations.Obligations`, on the open
deadlines of the chosen regions), and queues it through the outbox in one transaction, so it
is sent by the dispatcher like every other email, or not at all.

Each email's outbox key is ``remind:{email}:{local date}:{fingerprint}``, the fingerprint
hashing what the email lists (region, deadline and its version, duty): a double-click, or the
same selection sent again the same day, queues nothing new; the sweep's own daily digest
(``digest:{email}:{date}``) is a different key and still goes out.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from config.messages import Message
from engine import SUBMIT, InvalidInputError, NotFoundError
from notifications.queue import Email, queue_emails
from workflows import roles
from workflows.access.languages import languages_of
from workflows.deadlines import digests
from workflows.deadlines.mornings import party_tz
from workflows.deadlines.occasions import local_date
from workflows.deadlines.setting import require_coordinator_of
from workflows.directory import models as directory
from workflows.directory.actors import Acting, acting
from workflows.emails.catalogue import EMAILS
from workflows.obligations import Obligations, Owed
from workflows.programme import Programme

KEY_MAX = 200  # the outbox key's column width


@dataclass(frozen=True)
class RemindResult:
    """What a "send reminders now" did."""

    regions: list[str]  # the regions chosen
    queued: list[str]  # the recipients an email was queued for
    already: list[str]  # the recipients already sent this very reminder today
    unreachable: list[tuple[str, str]]  # (region, what) owed by a role with nobody in it
    idle: list[str]  # regions with nothing owed on an open deadline


def _fingerprint(owed: Sequence[Owed]) -> str:
    parts = sorted(f"{o.region}|{o.deadline.id if o.deadline else 0}|"
                   f"{o.deadline.version if o.deadline else 0}|{o.kind}|{o.duty.name}"
                   for o in owed)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _key(email: str, day: str, fingerprint: str) -> str:
    key = f"remind:{email}:{day}:{fingerprint}"
    if len(key) <= KEY_MAX:
        return key
    return f"remind:{hashlib.sha256(email.encode()).hexdigest()[:32]}:{day}:{fingerprint}"


def _regions(session: Session, codes: list[str]) -> dict[str, digests.Region]:
    table = directory.Region
    found = {code: digests.Region(code, name, tz) for code, name, tz in session.execute(
        select(col(table.code), col(table.name), col(table.tz))
        .where(col(table.code).in_(codes))).all()}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise NotFoundError("directory.unknown_region_codes", where="", codes=unknown)
    return found


def remind_now(prog: Programme, codes: Sequence[str], actor: Acting) -> RemindResult:
    """Queue, for the regions ``codes``, one reminder digest per party that owes something on
    an open deadline there, listing only that; refused unless ``actor`` coordinates every one
    of them. One transaction; a fixed number of queries whatever the number of regions."""
    chosen = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not chosen:
        raise InvalidInputError("deadlines.bulk_none_chosen")
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        regions = _regions(session, chosen)
        for code in chosen:
            require_coordinator_of(actor, code, Message("deadlines.action.remind_now",
                                                        region=code))
        now = prog.engine.clock()
        owed = Obligations(prog, session).in_regions(chosen)
        by_recipient: dict[str, list[Owed]] = defaultdict(list)
        unreachable = []
        for o in owed:
            if o.role == roles.COORDINATOR and (o.kind != SUBMIT or (
                    o.party is not None and o.party.email == actor.identity)):
                continue  # an action of theirs, or the asker's own: not a reminder
            if o.party is None:
                unreachable.append((o.region, o.label))
            elif o.deadline is not None:
                by_recipient[o.party.email].append(o)
        langs = languages_of(session, prog.settings, by_recipient)
        emails, keys = [], {}
        for email, items in sorted(by_recipient.items()):
            party = items[0].party
            assert party is not None
            tz = party_tz(party, regions[items[0].region].tz)
            context = digests.digest(prog.settings, langs[email], party, tz, items, regions,
                                     now)
            keys[email] = _key(email, local_date(now, tz).isoformat(), _fingerprint(items))
            emails.append(Email("reminder_digest", email, context, keys[email], langs[email]))
        queued = queue_emails(session, prog.settings, EMAILS, emails, now)
        busy = {o.region for o in owed if o.role != roles.COORDINATOR or o.kind == SUBMIT}
        return RemindResult(
            chosen, sorted(e for e in keys if keys[e] in queued),
            sorted(e for e in keys if keys[e] not in queued), unreachable,
            [c for c in chosen if c not in busy])
