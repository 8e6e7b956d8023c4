"""What people do: advance a region, submit a deliverable, review a submission.

Each function is one user action and one transaction: the state change, the history row, the
review decision, deadlines and the quick wins listed with a plan commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from engine import (
    Actor,
    FireResult,
    InstanceSnapshot,
    InvalidInputError,
    PermissionDenied,
    Records,
    SubmissionInput,
)
from workflows import roles
from workflows.directory.actors import Acting, acting
from workflows.directory.agencies import opd_codes
from workflows.directory.regions import find_region
from workflows.master_plan import MASTER_PLAN, QUICK_WIN_PLAN, uploads
from workflows.master_plan.quick_wins import QuickWinRow, parse_quick_wins, store_quick_wins
from workflows.programme import Programme


def advance(
    prog: Programme, region_ref: str, trigger: str, actor: Acting, *,
    comment: str | None = None, expected_version: int | None = None,
) -> FireResult:
    """Fire ``trigger`` on the region's current master plan as ``actor``."""
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        instance = current(prog, session, region_ref)
        return prog.engine.fire(session, instance.id, trigger, actor, comment=comment,
                                expected_version=expected_version)


def current(prog: Programme, session: Session, region_ref: str) -> InstanceSnapshot:
    """The region's current master plan, by code in one statement (the common case: pages
    and the API name regions by code), else through the region's name."""
    found = prog.engine.current_for_action(session, MASTER_PLAN, region_ref.strip())
    if found is not None:
        return found
    return prog.current_instance(session, find_region(session, region_ref).code)


def review(
    prog: Programme, region_ref: str, decision: str, actor: Acting, *,
    comment: str | None = None, expected_version: int | None = None,
) -> FireResult:
    """A mentor's decision: ``approve`` or ``reject`` (a rejection needs a comment)."""
    if decision not in ("approve", "reject"):
        raise InvalidInputError(f"a review is 'approve' or 'reject', not {decision!r}")
    return advance(prog, region_ref, decision, actor, comment=comment,
                   expected_version=expected_version)


@dataclass(frozen=True)
class SubmitResult:
    region: str
    deliverable: str
    party: str
    version: int
    sha256: str
    quick_wins: int


def submit(
    prog: Programme, region_ref: str, deliverable: str, file: Path, actor: Acting, *,
    party: str | None = None, quick_wins: Path | None = None, note: str | None = None,
    expected_version: int | None = None,
) -> SubmitResult:
    """Submit a new version of a deliverable from a file (plus the quick-win list for a plan)."""
    limit = prog.settings.upload_max_bytes
    try:
        if file.stat().st_size > limit:  # refused before reading it into memory
            raise InvalidInputError(f"{uploads.safe_name(file.name)}: "
                                    f"{file.stat().st_size:,} bytes is over the limit of "
                                    f"{limit:,} bytes")
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{file}: cannot read: {exc.strerror or exc}") from None
    return submit_data(prog, region_ref, deliverable, file.name, data, actor, party=party,
                       quick_wins=quick_wins, note=note, expected_version=expected_version,
                       quick_wins_flag="--quick-wins FILE.csv")


def submit_data(
    prog: Programme, region_ref: str, deliverable: str, file_name: str, data: bytes,
    actor: Acting, *, party: str | None = None, quick_wins: Path | str | None = None,
    note: str | None = None, expected_version: int | None = None,
    quick_wins_flag: str = "quick_wins (a CSV)",
) -> SubmitResult:
    """Submit a new version of a deliverable from uploaded bytes (the web's upload).

    ``file_name`` is the name the uploader gave; it is checked and cleaned, never used as a
    path. ``quick_wins`` is the quick-win list of a plan: a CSV file or its text.
    """
    if deliverable == QUICK_WIN_PLAN and quick_wins is None:
        raise InvalidInputError(
            f"a quick-win plan lists its quick wins: give {quick_wins_flag} with "
            "columns title, dimension, element[, opd, description]"
        )
    if deliverable != QUICK_WIN_PLAN and quick_wins is not None:
        flag = quick_wins_flag.split()[0]
        raise InvalidInputError(f"{flag} goes with the quick_win_plan deliverable only")
    wins = quick_wins_of(quick_wins, prog) if quick_wins else []
    stored = uploads.check(file_name, data, prog.settings.upload_max_bytes)
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        instance = current(prog, session, region_ref)
        code = instance.subject
        spec = prog.definition_of(session, instance)
        # Scope first: someone from another region learns nothing about this one's OPDs.
        prog.engine.check_scope(spec, code, actor)
        per_party = deliverable in spec.deliverables and spec.deliverables[deliverable].per_party
        if party and not per_party:
            raise InvalidInputError(f"--party applies to per-OPD deliverables only; "
                                    f"{deliverable} is submitted once for the region")
        chosen = _party(session, code, actor, party) if per_party else ""
        item = SubmissionInput(deliverable, stored.file_name, stored.media_type,
                               stored.size_bytes, stored.sha256, party=chosen, note=note)
        version = prog.engine.submit(session, instance, actor, item,
                                     expected_version=expected_version)
        if wins:
            latest = Records(session).latest_submission(instance.id, deliverable)
            assert latest is not None, "the version was stored a moment ago"
            store_quick_wins(session, latest.id, wins)
        uploads.write(prog.settings.upload_dir, data, stored.sha256)
        return SubmitResult(code, deliverable, chosen, version, stored.sha256, len(wins))


def _party(session: Session, region: str, actor: Actor, given: str | None) -> str:
    """The OPD a per-OPD deliverable is for: the acting OPD itself, or one of the region's."""
    chosen = (given or actor.party or "").strip().upper()
    if actor.role == roles.OPD and chosen != actor.party:
        raise PermissionDenied(f"{actor.describe()} submits for itself ({actor.party}), "
                               f"not for {chosen}")
    if not chosen:
        raise InvalidInputError("this deliverable is submitted per OPD: say which one with "
                                "--party CODE")
    if actor.role == roles.OPD and actor.subjects == {region}:
        return chosen  # the acting OPD itself, read from the directory for this action
    codes = opd_codes(session, region)
    if chosen not in codes:
        raise InvalidInputError(f"{chosen} is not an OPD of {region}; its OPDs are: "
                                f"{', '.join(codes) or 'none registered'}")
    return chosen


def quick_wins_of(source: Path | str, prog: Programme) -> list[QuickWinRow]:
    """A plan's quick wins from a CSV file or its text, checked against the dimensions."""
    return parse_quick_wins(source, prog.dimensions)
