"""What people do: advance a region, submit a deliverable, review a submission, on the master
plan or (``key``) any other workflow a region runs.

Each function is one user action and one transaction: the state change, the history row, the
review decision, deadlines and the quick wins listed with a plan commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from config import messages
from config.messages import Message
from engine import (
    Actor,
    FireResult,
    InstanceSnapshot,
    InvalidInputError,
    PermissionDenied,
    Records,
    SubmissionInput,
)
from workflows import instances, limits, roles
from workflows.directory.actors import Acting, acting, display_name
from workflows.directory.agencies import opd_codes
from workflows.master_plan import MASTER_PLAN, QUICK_WIN_PLAN, uploads
from workflows.master_plan.quick_wins import QuickWinRow, parse_quick_wins, store_quick_wins
from workflows.programme import Programme

#: A plan's quick-win list: a CSV file, its bytes or text, or rows entered in a form.
QuickWinSource = Path | str | bytes | Sequence[QuickWinRow]
#: What the quick-win list is called where an interface does not name its own field.
QUICK_WINS_FIELD = Message("master_plan.quick_wins_field")


def advance(
    prog: Programme, region_ref: str, trigger: str, actor: Acting, *,
    comment: str | None = None, expected_version: int | None = None,
    key: str = MASTER_PLAN,
) -> FireResult:
    """Fire ``trigger`` on the region's current instance of ``key`` (the master plan by
    default) as ``actor``."""
    limits.check_comment(comment)
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        instance = current(prog, session, region_ref, key)
        return prog.engine.fire(session, instance.id, trigger, actor, comment=comment,
                                expected_version=expected_version)


def current(prog: Programme, session: Session, region_ref: str,
            key: str = MASTER_PLAN) -> InstanceSnapshot:
    """The region's current instance of ``key``, locked for an action
    (:func:`workflows.instances.current`)."""
    return instances.current(prog, session, region_ref, key)


def review(
    prog: Programme, region_ref: str, decision: str, actor: Acting, *,
    comment: str | None = None, expected_version: int | None = None,
) -> FireResult:
    """A mentor's decision: ``approve`` or ``reject`` (a rejection needs a comment)."""
    if decision not in ("approve", "reject"):
        raise InvalidInputError("master_plan.bad_decision", decision=decision)
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
    expected_version: int | None = None, key: str = MASTER_PLAN,
) -> SubmitResult:
    """Submit a new version of a deliverable from a file (plus the quick-win list for a plan)
    to the region's instance of ``key`` (the master plan by default)."""
    limit = prog.settings.upload_max_bytes
    try:
        if file.stat().st_size > limit:  # refused before reading it into memory
            raise InvalidInputError("master_plan.too_large", file=uploads.safe_name(file.name),
                                    size=f"{file.stat().st_size:,}", limit=f"{limit:,}")
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInputError("directory.cannot_read", source=file,
                                reason=exc.strerror or exc) from None
    return submit_data(prog, region_ref, deliverable, file.name, data, actor, party=party,
                       quick_wins=quick_wins, note=note, expected_version=expected_version,
                       quick_wins_flag="--quick-wins FILE.csv", key=key)


def submit_data(
    prog: Programme, region_ref: str, deliverable: str, file_name: str, data: bytes,
    actor: Acting, *, party: str | None = None, quick_wins: QuickWinSource | None = None,
    note: str | None = None, expected_version: int | None = None,
    quick_wins_flag: str | Message = QUICK_WINS_FIELD, key: str = MASTER_PLAN,
) -> SubmitResult:
    """Submit a new version of a deliverable from uploaded bytes (the web's upload).

    ``file_name`` is the name the uploader gave; it is checked and cleaned, never used as a
    path. ``quick_wins`` is the quick-win list of a plan: a CSV file, its bytes or its text,
    or the rows entered in the OPD page's form (already checked with
    :func:`~workflows.master_plan.quick_wins.entry`).
    """
    limits.check_comment(note, "note")
    plan = key == MASTER_PLAN  # the quick-win list belongs to the master plan's plan only
    if plan and deliverable == QUICK_WIN_PLAN and quick_wins is None:
        raise InvalidInputError("master_plan.quick_wins_needed", field=quick_wins_flag)
    if (not plan or deliverable != QUICK_WIN_PLAN) and quick_wins is not None:
        raise InvalidInputError("master_plan.quick_wins_only_for_plan", field=quick_wins_flag)
    wins = quick_wins_of(quick_wins, prog) if quick_wins is not None else []
    stored = uploads.check(file_name, data, prog.settings.upload_max_bytes)
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        instance = current(prog, session, region_ref, key)
        code = instance.subject
        spec = prog.definition_of(session, instance)
        # Scope first: someone from another region learns nothing about this one's OPDs.
        prog.engine.check_scope(spec, code, actor)
        per_party = deliverable in spec.deliverables and spec.deliverables[deliverable].per_party
        if party and not per_party:
            raise InvalidInputError("master_plan.party_not_per_opd",
                                    deliverable=spec.deliverable_label(deliverable))
        chosen = (_party(session, code, actor, party, spec.deliverable_label(deliverable))
                  if per_party else "")
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


def _party(session: Session, region: str, actor: Actor, given: str | None,
           deliverable: str) -> str:
    """The OPD a per-OPD deliverable is for: the acting OPD itself, or one of the region's."""
    chosen = (given or actor.party or "").strip().upper()
    if actor.role == roles.OPD and chosen != actor.party:
        raise PermissionDenied("master_plan.own_party_only", who=display_name(actor),
                               party=actor.party, chosen=chosen)
    if not chosen:
        raise InvalidInputError("master_plan.party_needed", deliverable=deliverable)
    if actor.role == roles.OPD and actor.subjects == {region}:
        return chosen  # the acting OPD itself, read from the directory for this action
    codes = opd_codes(session, region)
    if chosen not in codes:
        raise InvalidInputError("master_plan.not_an_opd", chosen=chosen, region=region,
                                codes=codes or Message("master_plan.no_opds"))
    return chosen


def quick_wins_of(source: QuickWinSource, prog: Programme,
                  name: str | None = None) -> list[QuickWinRow]:
    """A plan's quick wins from a CSV file, its bytes or its text, checked against the
    dimensions; rows entered in a form are taken as they are."""
    if isinstance(source, (Path, str, bytes)):
        return parse_quick_wins(source, prog.dimensions, name=name)
    if not source:
        raise InvalidInputError(messages.text("quickwins.form.empty"))
    return list(source)
