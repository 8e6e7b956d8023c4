"""What needs a coordinator now: the inbox "Perlu perhatian" (``/attention``) and the counts
the menu shows on every page a coordinator opens.

Six categories, each item linked to where it is resolved and gone from the inbox once it is:

* ``extensions``: an extension request waiting for a decision on a region's open deadline
  (the queue of :func:`workflows.reporting.coordination.pending_extensions`), resolved at
  ``/coordinator/extensions#extension-<id>``; granted or refused, it leaves;
* ``escalations``: a deadline past the morning it is escalated to coordinators, while someone
  other than a coordinator still owes something on it;
* ``coordinator``: a region whose stage has everything in and waits only for a coordinator's
  action;
* ``reviews``: a region in a review stage past its deadline;
* ``stalled``: a region in the same stage for more than ``SMARTCITY_STALL_DAYS`` days;
* ``dead_letters``: email refused for good, resolved at ``/coordinator/outbox?status=dead``
  (sent again, it leaves); for programme-wide viewers only, since it is mail to anyone.

The four region categories are decided in :mod:`workflows.reporting.attention_scan`; they link
to the region page, where the stage, its deadline and what each party owes are shown.

:func:`attention_counts` is cheap enough for every page render: the scan, one count of the
pending requests and one of the dead letters, a fixed number of statements whatever the
cohort's size. :func:`attention_items` reads the same with the rows to show, in a fixed number
of statements too, and keeps the page light for 514 regions: a few items per category, or one
category page by page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from config.messages import Message
from engine import InvalidInputError, Label
from notifications import outbox
from workflows.deadlines.extensions import PENDING
from workflows.deadlines.models import ExtensionRequest
from workflows.programme import Programme
from workflows.reporting.attention_scan import (
    COORDINATOR,
    ESCALATIONS,
    REGION_CATEGORIES,
    REVIEWS,
    STALLED,
    Found,
    Scan,
    scan,
)
from workflows.zones import NATIONAL_TZ, zone_of

EXTENSIONS, DEAD_LETTERS = "extensions", "dead_letters"
#: Every category, most pressing first (the order of the page and of the counts).
CATEGORIES = (EXTENSIONS, ESCALATIONS, COORDINATOR, REVIEWS, STALLED, DEAD_LETTERS)
#: Items shown per category on the inbox's first page; the rest is one link away.
PREVIEW = 10
#: Items per page when one category is shown on its own.
PER_PAGE = 50

__all__ = ["CATEGORIES", "COORDINATOR", "DEAD_LETTERS", "ESCALATIONS", "EXTENSIONS",
           "REVIEWS", "STALLED", "AttentionPage", "Group", "Item", "attention_counts",
           "attention_items", "categories_for"]


@dataclass(frozen=True)
class DeadLetter:
    """An email the server refused for good, as the inbox lists it (not its body)."""

    id: int
    recipient: str
    kind: str
    subject: str
    error: str | None


@dataclass(frozen=True)
class Item:
    """One thing to attend to: what it is, where, since when, and where it is resolved."""

    category: str
    href: str
    since: datetime  # shown in ``tz``
    tz: str = NATIONAL_TZ
    region: str | None = None  # None: not about one region (a dead letter)
    region_name: str | None = None
    stage: Label | None = None
    due_at: datetime | None = None
    what: tuple[Label, ...] = ()  # what is owed, the action awaited
    who: tuple[str | Message, ...] = ()  # who is late, the mentors, who asked
    request: ExtensionRequest | None = None
    letter: DeadLetter | None = None
    days: int = 0  # whole days since ``since`` (a stalled region's days in its stage)

    @property
    def zone(self) -> str:
        return zone_of(self.tz)


@dataclass(frozen=True)
class Group:
    """A category's items as shown: its count, the items of this page, and how many pages."""

    category: str
    count: int
    items: list[Item]
    page: int = 1
    pages: int = 1

    @property
    def more(self) -> int:
        """Items left out of a preview."""
        return self.count - len(self.items) if self.pages == 1 else 0


@dataclass(frozen=True)
class AttentionPage:
    """The inbox: every category's count, and the groups shown (one when a category is
    chosen)."""

    now: datetime
    counts: dict[str, int]
    groups: list[Group]
    category: str | None
    stall_days: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def categories_for(scope: frozenset[str] | None) -> tuple[str, ...]:
    """The categories a viewer sees: dead letters only programme-wide."""
    return CATEGORIES if scope is None else tuple(c for c in CATEGORIES if c != DEAD_LETTERS)


def _pending(found: Scan) -> list[int]:
    return [d.id for d in found.open_deadlines()]


def attention_counts(prog: Programme, session: Session, scope: frozenset[str] | None
                     ) -> dict[str, int]:
    """How many items each category the viewer sees holds (for the menu's badge)."""
    found = scan(prog, session, scope)
    counts = {c: len(found.found[c]) for c in REGION_CATEGORIES}
    ids = _pending(found)
    counts[EXTENSIONS] = int(session.execute(
        select(func.count()).select_from(ExtensionRequest)
        .where(col(ExtensionRequest.status) == PENDING,
               col(ExtensionRequest.deadline_id).in_(ids))).scalar_one()) if ids else 0
    if scope is None:
        counts[DEAD_LETTERS] = _dead_count(session)
    return {c: counts[c] for c in categories_for(scope)}


def attention_items(prog: Programme, session: Session, scope: frozenset[str] | None, *,
                    category: str | None = None, page: int = 1) -> AttentionPage:
    """The inbox: every category with its first :data:`PREVIEW` items, or ``category`` alone,
    :data:`PER_PAGE` items a page (a page past the last shows the last)."""
    shown = categories_for(scope)
    if category is not None and category not in shown:
        raise InvalidInputError("attention.unknown_category", category=category,
                                known=", ".join(shown))
    found = scan(prog, session, scope, details=True)
    lists: dict[str, list[Item]] = {c: [_item(c, f, found.now) for f in found.found[c]]
                                    for c in REGION_CATEGORIES}
    lists[EXTENSIONS] = _extensions(session, found)
    counts = {c: len(lists[c]) for c in shown if c != DEAD_LETTERS}
    if scope is None:
        counts[DEAD_LETTERS] = _dead_count(session)
    groups = []
    for c in shown:
        if category is not None and c != category:
            continue
        size = PER_PAGE if category is not None else PREVIEW
        pages = max(1, -(-counts[c] // size)) if category is not None else 1
        at = min(max(page, 1), pages)
        if c == DEAD_LETTERS:
            items = _dead_letters(session, (at - 1) * size, size) if counts[c] else []
        else:
            items = lists[c][(at - 1) * size:at * size]
        groups.append(Group(c, counts[c], items, at, pages))
    return AttentionPage(found.now, {c: counts[c] for c in shown}, groups, category,
                         prog.settings.stall_days)


def _item(category: str, f: Found, now: datetime) -> Item:
    return Item(category, f"/regions/{f.code}", f.since, f.tz, f.code, f.name, f.stage,
                f.due_at, f.what, f.who, days=max(0, (now - f.since).days))


def _extensions(session: Session, found: Scan) -> list[Item]:
    """Pending requests on the open deadlines in scope, oldest first (one statement)."""
    deadlines = {d.id: d for d in found.open_deadlines()}
    if not deadlines:
        return []
    requests = session.execute(
        select(ExtensionRequest)
        .where(col(ExtensionRequest.status) == PENDING,
               col(ExtensionRequest.deadline_id).in_(sorted(deadlines)))
        .order_by(col(ExtensionRequest.created_at), col(ExtensionRequest.id))).scalars().all()
    out = []
    for r in requests:
        d = deadlines[r.deadline_id]
        name, tz = found.regions[d.subject]
        out.append(Item(EXTENSIONS, f"/coordinator/extensions#extension-{r.id}", r.created_at,
                        tz, d.subject, name, found.stage(d.subject, d.state), d.due_at,
                        who=(r.requested_by,), request=r, days=max(0, (
                            found.now - r.created_at).days)))
    return out


def _dead_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(outbox.outbox)
                               .where(outbox.c.status == outbox.DEAD)).scalar_one())


def _dead_letters(session: Session, offset: int, limit: int) -> list[Item]:
    """Dead letters, newest first, without their bodies (one statement)."""
    c = outbox.c
    rows = session.execute(
        select_columns(c.id, c.recipient, c.kind, c.subject, c.last_error, c.due_at)
        .where(c.status == outbox.DEAD).order_by(c.id.desc()).offset(offset).limit(limit)
    ).all()
    return [Item(DEAD_LETTERS, "/coordinator/outbox?status=dead", due_at,
                 letter=DeadLetter(i, recipient, kind, subject, _first_line(error)))
            for i, recipient, kind, subject, error, due_at in rows]


def _first_line(error: str | None) -> str | None:
    if not error:
        return None
    line = error.strip().splitlines()[0] if error.strip() else ""
    return line[:200] or None
