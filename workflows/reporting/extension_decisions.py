"""Extension requests already decided, newest decision first, a keyset page at a time.

The coordinator's extension page shows what waits first
(:func:`workflows.reporting.coordination.pending_extensions`), then what was decided: a list
that only grows, so it is read by key (``decided_at``, ``id``) past the last row shown, never
by offset. A scoped coordinator sees the decisions on its own regions; ``search`` narrows to
regions whose code or name holds the text, ``decision`` to granted or refused ones. A fixed
number of queries per page whatever the number of decisions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from engine import Records
from workflows.deadlines.extensions import GRANTED, REFUSED
from workflows.deadlines.models import ExtensionRequest
from workflows.directory.models import Region
from workflows.programme import Programme
from workflows.reporting.coordination import ExtensionAbout, requests_about
from workflows.reporting.paging import Page

#: Where a page of decisions continues: (decided_at, id) of the last one shown.
Position = tuple[datetime, int]


#: A granted or refused request, with the region and stage it was about.
DecidedExtension = ExtensionAbout


def matching_regions(session: Session, search: str,
                     regions: frozenset[str] | None) -> list[str]:
    """Codes of the regions (within ``regions``, when given) whose code or name holds
    ``search``, case aside."""
    # "%" and "_" typed by a person are themselves, not wildcards.
    typed = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{typed}%"
    found = session.execute(select(col(Region.code)).where(or_(
        col(Region.code).ilike(needle, escape="\\"),
        col(Region.name).ilike(needle, escape="\\")))).scalars()
    return [c for c in found if regions is None or c in regions]


def decided_extensions(prog: Programme, session: Session, regions: frozenset[str] | None, *,
                       limit: int, after: Position | None = None, search: str = "",
                       decision: str | None = None
                       ) -> Page[DecidedExtension, Position]:
    """One page of decided requests, newest decision first, past ``after``."""
    records = Records(session)
    query = select(ExtensionRequest).where(
        col(ExtensionRequest.status).in_([decision] if decision else [GRANTED, REFUSED]))
    subjects = matching_regions(session, search, regions) if search.strip() else (
        sorted(regions) if regions is not None else None)
    if subjects is not None:
        ids = [d.id for d in records.open_deadlines(subjects=subjects, include_closed=True)]
        if not ids:
            return Page([], None)
        query = query.where(col(ExtensionRequest.deadline_id).in_(ids))
    if after is not None:
        at, last = after
        query = query.where(or_(col(ExtensionRequest.decided_at) < at, and_(
            col(ExtensionRequest.decided_at) == at, col(ExtensionRequest.id) < last)))
    found = list(session.execute(query.order_by(
        col(ExtensionRequest.decided_at).desc(), col(ExtensionRequest.id).desc())
        .limit(limit + 1)).scalars())
    deadlines = {d.id: d for d in records.open_deadlines(
        ids=sorted({r.deadline_id for r in found}), include_closed=True)} if found else {}
    rows = [about for about, _ in requests_about(prog, session, found[:limit], deadlines)]
    end = found[limit - 1] if len(found) > limit else None
    return Page(rows, (end.decided_at or end.created_at, end.id or 0) if end else None)
