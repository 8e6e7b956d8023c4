"""A region's submissions: every version of every deliverable of its current cycle (whole, or a
keyset page at a time), with the review rounds decided on each, and the stored file of one
version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from engine import NotFoundError, Records, SubmissionRecord
from workflows.master_plan import MASTER_PLAN, uploads
from workflows.programme import Programme
from workflows.reporting.paging import Page, page_of


@dataclass(frozen=True)
class SubmissionRow:
    deliverable: str
    party: str
    version: int
    file_name: str
    sha256: str
    submitted_by: str
    submitted_at: datetime
    reviews: tuple[tuple[int, str, str | None], ...]
    id: int = 0  # the submission's id: the web pages link to its file
    size_bytes: int = 0  # shown beside the link, so a phone user knows before downloading


def submissions(prog: Programme, session: Session, region_code: str,
                key: str = MASTER_PLAN) -> list[SubmissionRow]:
    """The current cycle's submissions with the review rounds decided on each version (of
    the region's workflow ``key``, the master plan by default)."""
    instance = prog.current_instance(session, region_code, key)
    records = Records(session)
    decisions: dict[int, list[tuple[int, str, str | None]]] = {}
    for r in sorted(records.reviews(instance.id), key=lambda r: r.round):
        decisions.setdefault(r.submission_id, []).append((r.round, r.decision, r.comment))
    return [_row(s, decisions) for s in records.submissions(instance.id)]


def submissions_page(prog: Programme, session: Session, region_code: str, *, limit: int,
                     after: int | None = None, newest_first: bool = False,
                     ) -> Page[SubmissionRow, int]:
    """One keyset page of the current cycle's submissions (in the order received, or newest
    first), read past the submission ``after``; ``next`` is the id to continue from."""
    instance = prog.current_instance(session, region_code)
    records = Records(session)
    found = records.submissions_page(instance.id, limit=limit + 1, after=after,
                                     newest_first=newest_first)
    decisions: dict[int, list[tuple[int, str, str | None]]] = {}
    if found:
        shown = {s.id for s in found}
        for r in sorted(records.reviews(instance.id), key=lambda r: r.round):
            if r.submission_id in shown:
                decisions.setdefault(r.submission_id, []).append((r.round, r.decision,
                                                                  r.comment))
    rows = [_row(s, decisions) for s in found]
    return page_of(rows, limit, lambda s: s.id)


def _row(s: SubmissionRecord, decisions: dict[int, list[tuple[int, str, str | None]]]
         ) -> SubmissionRow:
    return SubmissionRow(s.deliverable, s.party, s.version, s.file_name, s.sha256,
                         s.submitted_by, s.submitted_at, tuple(decisions.get(s.id, [])), s.id,
                         s.size_bytes)


@dataclass(frozen=True)
class StoredFile:
    """A submitted version's file on disk, with the name and type it is served under."""

    path: Path
    file_name: str
    media_type: str


def stored_file(prog: Programme, session: Session, region_code: str,
                submission_id: int) -> StoredFile:
    """The file of one of the region's submissions; 404 when it is not the region's or its
    bytes are missing from the upload directory."""
    row = Records(session).submission(submission_id, subject=region_code)
    if row is None:
        raise NotFoundError("reporting.no_submission", region=region_code, id=submission_id)
    path = uploads.path_of(prog.settings.upload_dir, row.sha256)
    if not path.is_file():
        raise NotFoundError("reporting.file_missing", id=submission_id, file=row.file_name)
    return StoredFile(path, row.file_name, row.media_type)
