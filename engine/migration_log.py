"""The record of migrations: each batch, and each instance's part of it, as applied.

:mod:`engine.migration` plans and writes one instance; this module keeps the batch it belongs
to (``workflow_migration``) and the instance's line in it (``workflow_migration_item``): where
it was, where it went, its version after, whether it was applied, skipped or conflicted. The
lines are the plan that was applied, kept for people to read and for a revert to restore.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from engine.errors import NotFoundError
from engine.migration import InstancePlan
from engine.models import MigrationItem, MigrationRecord

MIGRATION = MigrationRecord.__table__  # type: ignore[attr-defined]
ITEM = MigrationItem.__table__  # type: ignore[attr-defined]

PER_INSTANCE, ALL_OR_NOTHING = "per_instance", "all_or_nothing"


class Status:
    """A migration's status: running while a per-instance batch is being applied, then
    applied (every instance), partial (some conflicted) or reverted (a later one undid it;
    partly reverted when some of its instances conflicted then: they may be reverted later)."""

    RUNNING, APPLIED, PARTIAL, REVERTED = "running", "applied", "partial", "reverted"
    PARTLY_REVERTED = "partly_reverted"


class Outcome:
    """What happened to one instance of a migration."""

    DONE, SKIPPED, CONFLICT = "applied", "skipped", "conflict"


@dataclass(frozen=True)
class MigrationLine:
    """One instance's part of a recorded migration."""

    instance_id: int
    subject: str
    from_version: int
    from_state: str
    from_entered_at: datetime
    to_version: int
    to_state: str
    version_after: int | None
    outcome: str
    reason: str | None
    deadline: str
    required: tuple[str, ...]
    orphaned: tuple[str, ...]
    #: The deadline row the migration closed or carried (a revert reopens or carries it back).
    deadline_id: int | None = None


@dataclass(frozen=True)
class MigrationSummary:
    """A recorded migration, with how many instances each outcome had."""

    id: int
    definition_key: str
    to_version: int
    actor: str
    at: datetime
    mode: str
    state_map: dict[str, str]
    scope: str
    status: str
    comment: str | None
    reverted_of: int | None
    counts: dict[str, int]
    #: The versions its instances came from (a revert goes back to them).
    from_versions: tuple[int, ...] = ()

    @property
    def applied(self) -> int:
        return self.counts.get(Outcome.DONE, 0)


def start(session: Session, key: str, to_version: int, actor: str, at: datetime, mode: str,
          state_map: Mapping[str, str], scope: str, comment: str | None, *,
          status: str, reverted_of: int | None = None) -> int:
    """Record a migration batch; returns its number."""
    return int(session.execute(insert(MIGRATION).values(
        definition_key=key, to_version=to_version, actor=actor, at=at, mode=mode,
        state_map=json.dumps(dict(state_map), sort_keys=True), scope=scope,
        status=status, comment=comment, reverted_of=reverted_of,
    ).returning(MIGRATION.c.id)).scalar_one())


def add_lines(session: Session, migration_id: int,
              lines: list[tuple[InstancePlan, str, int | None, str | None]]) -> None:
    """Record instances' parts: ``(plan, outcome, version after, reason key)`` each."""
    if not lines:
        return
    session.execute(insert(ITEM), [{
        "migration_id": migration_id, "instance_id": p.instance_id, "subject": p.subject,
        "from_version": p.from_version, "from_state": p.from_state,
        "from_entered_at": p.from_entered_at, "to_version": p.to_version,
        "to_state": p.to_state, "version_after": after, "outcome": outcome, "reason": reason,
        "deadline": p.deadline, "required": ",".join(p.required),
        "orphaned": ",".join(p.orphaned), "deadline_id": p.deadline_id}
        for p, outcome, after, reason in lines])


def set_status(session: Session, migration_id: int, status: str) -> None:
    session.execute(update(MIGRATION).where(MIGRATION.c.id == migration_id)
                    .values(status=status))


def _summaries(session: Session, where: list) -> list[MigrationSummary]:
    rows = session.execute(select(MIGRATION).where(*where)
                           .order_by(MIGRATION.c.id.desc())).all()
    ids = [r.id for r in rows]
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    versions: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for mid, outcome, version, n in session.execute(
                select(ITEM.c.migration_id, ITEM.c.outcome, ITEM.c.from_version, func.count())
                .where(ITEM.c.migration_id.in_(ids))
                .group_by(ITEM.c.migration_id, ITEM.c.outcome, ITEM.c.from_version)).all():
            counts[mid][outcome] = counts[mid].get(outcome, 0) + int(n)
            if outcome == Outcome.DONE:
                versions[mid].add(int(version))
    return [MigrationSummary(
        r.id, r.definition_key, r.to_version, r.actor, r.at, r.mode, json.loads(r.state_map),
        r.scope, r.status, r.comment, r.reverted_of, counts[r.id],
        tuple(sorted(versions[r.id]))) for r in rows]


def migrations(session: Session, key: str | None = None) -> list[MigrationSummary]:
    """Every recorded migration (of workflow ``key``), newest first."""
    return _summaries(session, [MIGRATION.c.definition_key == key] if key else [])


def migration(session: Session, migration_id: int) -> MigrationSummary:
    found = _summaries(session, [MIGRATION.c.id == migration_id])
    if not found:
        raise NotFoundError("migration.not_found", id=migration_id)
    return found[0]


def lines(session: Session, migration_id: int) -> list[MigrationLine]:
    """The instances' parts of a migration, by subject."""
    rows = session.execute(select(ITEM).where(ITEM.c.migration_id == migration_id)
                           .order_by(ITEM.c.subject, ITEM.c.instance_id)).all()
    return [MigrationLine(
        r.instance_id, r.subject, r.from_version, r.from_state, r.from_entered_at,
        r.to_version, r.to_state, r.version_after, r.outcome, r.reason, r.deadline,
        tuple(filter(None, r.required.split(","))), tuple(filter(None, r.orphaned.split(","))),
        r.deadline_id) for r in rows]


def reverted_instances(session: Session, migration_id: int) -> set[int]:
    """The instances the reverts of ``migration_id`` have already moved back."""
    reverts = select(MIGRATION.c.id).where(MIGRATION.c.reverted_of == migration_id)
    return set(session.execute(select(ITEM.c.instance_id).where(
        ITEM.c.migration_id.in_(reverts), ITEM.c.outcome == Outcome.DONE)).scalars())


def revert_of(session: Session, migration_id: int) -> int | None:
    """The migration that reverted ``migration_id``, if one did."""
    return session.execute(select(MIGRATION.c.id).where(
        MIGRATION.c.reverted_of == migration_id).limit(1)).scalar_one_or_none()
