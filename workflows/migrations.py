"""Migrating running regions to another version of a workflow, and reverting a migration.

``smartcity workflow migrate``, the API and the coordinator page all come here. The regions are
chosen by code or name, by cohort, or all of them (exactly one of the three); their current
cycle of the workflow is planned first (:meth:`engine.WorkflowEngine.migrations`), and the
plan is what a dry run answers. A plan that refuses any region writes nothing at all: the
refused regions are listed with why, to be mapped (``--map OLD=NEW``) or left out.

Applying is one transaction per region (a region that changed meanwhile conflicts and the
others go on), or one for the whole batch when all or nothing is asked for (any conflict
then writes nothing). The batch is recorded with who, the versions and each region's line of
the plan; every region's history gets an entry of kind ``migration``. A revert plans the way
back from that record and is applied the same way. Only programme-wide coordinators migrate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from config.messages import Message
from engine import (
    ALL_OR_NOTHING,
    MIGRATE,
    PER_INSTANCE,
    REOPENS,
    REVERT,
    Actor,
    ConflictError,
    InstancePlan,
    InstanceSnapshot,
    InvalidInputError,
    MigrationOutcome,
    MigrationStatus,
    NotFoundError,
    PermissionDenied,
    Records,
    check_role,
    record_migration,
    record_migration_lines,
    set_migration_status,
)
from workflows import instances as subjects_of
from workflows import roles
from workflows.deadlines.reminders import reschedule
from workflows.directory.actors import Acting, acting
from workflows.directory.cohorts import find_cohort, members
from workflows.programme import Programme

#: A region's line of a recorded migration: its plan, outcome, version after, reason key.
Line = tuple[InstancePlan, str, int | None, str | None]


@dataclass(frozen=True)
class Scope:
    """Which regions: some by code or name, a cohort, or all (exactly one)."""

    regions: tuple[str, ...] = ()
    cohort: str | None = None
    all: bool = False

    def check(self) -> None:
        given = sum((bool(self.regions), self.cohort is not None, self.all))
        if given != 1:
            raise InvalidInputError("migration.scope_one")


@dataclass(frozen=True)
class MigrationResult:
    """A migration's plan, and what applying it did (nothing on a dry run or a refusal)."""

    plans: list[InstancePlan]
    dry_run: bool
    mode: str
    migration_id: int | None = None
    conflicts: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[InstancePlan]:
        return [p for p in self.plans if p.refused]

    @property
    def applied(self) -> list[InstancePlan]:
        conflicted = set(self.conflicts)
        return [p for p in self.plans
                if p.applies and self.migration_id is not None and p.subject not in conflicted]

    @property
    def ok(self) -> bool:
        return not self.refused and not self.conflicts


def parse_map(items: Sequence[str]) -> dict[str, str]:
    """``["OLD=NEW", ...]`` as a mapping; refused when an item is not one."""
    found: dict[str, str] = {}
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise InvalidInputError("migration.bad_map", item=item)
        if old.strip() in found:
            raise InvalidInputError("migration.map_twice", state=old.strip())
        found[old.strip()] = new.strip()
    return found


def _coordinator(session: Session, prog: Programme, who: Acting, key: str) -> Actor:
    actor = acting(session, who)
    check_role(Message("migration.action"), [roles.COORDINATOR], actor,
               prog.engine.workflow(session, key))
    if actor.subjects is not None:
        raise PermissionDenied("migration.programme_wide_only", who=actor.identity)
    return actor


def _scope_record(kind: str, **value: object) -> str:
    """The scope as recorded: structured (JSON), worded in the reader's language when read
    (:func:`scope_words`)."""
    return json.dumps({"kind": kind, **value}, sort_keys=True)


def scope_words(recorded: str) -> Message | str:
    """A recorded scope in the reader's language ("all regions", "cohort 2025", ...)."""
    try:
        scope = json.loads(recorded)
        kind = scope["kind"]
    except (ValueError, TypeError, KeyError):
        return recorded
    if kind == "cohort":
        return Message("migration.scope.cohort", name=scope.get("name", ""))
    if kind == "regions":
        return Message("migration.scope.regions", codes=", ".join(scope.get("codes", [])))
    if kind == "revert":
        return Message("migration.scope.revert", id=scope.get("of", 0))
    return Message("migration.scope.all")


def choose(prog: Programme, session: Session, key: str, scope: Scope
           ) -> tuple[list[InstanceSnapshot], str]:
    """The current cycle of ``key`` of every subject in ``scope`` (regions, or provinces for
    a province workflow: named by code or name), and the scope as recorded."""
    scope.check()
    records = Records(session)
    if scope.all:
        found = records.current_instances(key)
        return [found[s] for s in sorted(found)], _scope_record("all")
    if scope.cohort is not None:
        cohort = find_cohort(session, scope.cohort)
        assert cohort.id is not None
        found = records.current_instances(key, members(session, cohort.id))
        return [found[s] for s in sorted(found)], _scope_record("cohort", name=cohort.name)
    codes = list(dict.fromkeys(subjects_of.subject_of(prog, session, key, r).code
                               for r in scope.regions))
    found = records.current_instances(key, codes)
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInputError("migration.not_running", regions=", ".join(missing), key=key)
    return [found[c] for c in codes], _scope_record("regions", codes=codes)


def _check_map(prog: Programme, session: Session, key: str,
               instances: list[InstanceSnapshot], state_map: Mapping[str, str]) -> None:
    """A mapped state no chosen region's version has is a typo: refused, naming them."""
    known: set[str] = set()
    for version in {i.definition_version for i in instances}:
        known |= set(prog.engine.workflow(session, key, version).states)
    unknown = sorted(s for s in state_map if s not in known)
    if unknown:
        raise InvalidInputError("migration.unknown_mapped", states=", ".join(unknown),
                                known=", ".join(sorted(known)))


def migrate(prog: Programme, key: str, to_version: int, scope: Scope, who: Acting, *,
            state_map: Mapping[str, str] | None = None, dry_run: bool = False,
            all_or_nothing: bool = False, reason: str | None = None) -> MigrationResult:
    """Plan moving the regions of ``scope`` to ``to_version`` of ``key``; apply it unless
    ``dry_run`` or a region is refused (then nothing is written)."""
    mapping = dict(state_map or {})
    mode = ALL_OR_NOTHING if all_or_nothing else PER_INSTANCE
    with prog.db.read() as session:
        subjects_of.workflow(prog, session, key)  # an unknown key names the published ones
        actor = _coordinator(session, prog, who, key)
        versions = prog.engine.definition_versions(session, key)
        if to_version not in versions:
            raise NotFoundError("migration.unknown_version", key=key, version=to_version,
                                    versions=", ".join(str(v) for v in versions))
        instances, words = choose(prog, session, key, scope)
        _check_map(prog, session, key, instances, mapping)
        plans = prog.engine.migrations.plan(session, key, to_version, instances, mapping)
    result = MigrationResult(plans, dry_run, mode)
    if dry_run or result.refused:
        return result
    if not any(p.applies for p in plans):  # every region skipped: nothing to record
        raise InvalidInputError("migration.nothing_to_migrate", version=to_version)
    return _apply(prog, key, to_version, result, actor, mapping, words, reason, MIGRATE, None)


def revert(prog: Programme, migration_id: int, who: Acting, *, dry_run: bool = False,
           all_or_nothing: bool = False, reason: str | None = None) -> MigrationResult:
    """Plan returning every region migration ``migration_id`` moved to where it was; apply
    it unless ``dry_run`` or a region changed since (then nothing is written)."""
    mode = ALL_OR_NOTHING if all_or_nothing else PER_INSTANCE
    with prog.db.read() as session:
        summary, plans = prog.engine.migrations.plan_revert(session, migration_id)
        actor = _coordinator(session, prog, who, summary.definition_key)
    result = MigrationResult(plans, dry_run, mode)
    if dry_run or result.refused:
        return result
    if not any(p.applies for p in plans):
        raise InvalidInputError("migration.nothing_to_revert", id=migration_id)
    # Each region goes back to its own version (its plan's); the record names the oldest.
    back = min(p.to_version for p in plans if p.applies)
    return _apply(prog, summary.definition_key, back, result, actor, {},
                  _scope_record("revert", of=migration_id), reason, REVERT, migration_id)


def _apply_one(prog: Programme, session: Session, plan: InstancePlan, actor: Actor, mid: int,
               trigger: str, reason: str | None) -> InstanceSnapshot:
    """One region's plan applied; a deadline a revert reopens gets its reminders back."""
    after = prog.engine.migrations.apply(session, plan, actor, migration_id=mid,
                                         trigger=trigger, comment=reason)
    if plan.deadline in REOPENS and plan.deadline_id is not None:
        [row] = Records(session).open_deadlines(ids=[plan.deadline_id])
        reschedule(session, row.id, row.version, prog.engine.clock())
    return after


def _apply(prog: Programme, key: str, to_version: int, result: MigrationResult, actor: Actor,
           mapping: dict[str, str], words: str, reason: str | None, trigger: str,
           reverted_of: int | None) -> MigrationResult:
    mode = result.mode
    skipped: list[Line] = [(p, MigrationOutcome.SKIPPED, None, p.reason)
                           for p in result.plans if p.skipped]
    if mode == ALL_OR_NOTHING:
        with prog.db.transaction() as session:
            mid = record_migration(session, key, to_version, actor.identity,
                                   prog.engine.clock(), mode, mapping, words, reason,
                                   status=MigrationStatus.APPLIED, reverted_of=reverted_of)
            lines: list[Line] = []
            conflicts = []
            for plan in result.plans:
                if not plan.applies:
                    continue
                try:
                    after = _apply_one(prog, session, plan, actor, mid, trigger, reason)
                except ConflictError:
                    conflicts.append(plan.subject)
                    continue
                lines.append((plan, MigrationOutcome.DONE, after.version, None))
            if conflicts:  # rolls the whole batch back
                raise ConflictError("migration.conflicts_nothing_written",
                                    regions=", ".join(conflicts))
            record_migration_lines(session, mid, lines + skipped)
            if reverted_of is not None:
                set_migration_status(session, reverted_of, MigrationStatus.REVERTED)
        return MigrationResult(result.plans, False, mode, mid)
    with prog.db.transaction() as session:
        mid = record_migration(session, key, to_version, actor.identity, prog.engine.clock(),
                               mode, mapping, words, reason, status=MigrationStatus.RUNNING,
                               reverted_of=reverted_of)
        record_migration_lines(session, mid, skipped)
    conflicted: list[InstancePlan] = []
    for plan in result.plans:
        if not plan.applies:
            continue
        try:
            with prog.db.transaction() as session:
                after = _apply_one(prog, session, plan, actor, mid, trigger, reason)
                record_migration_lines(session, mid,
                                       [(plan, MigrationOutcome.DONE, after.version, None)])
        except ConflictError:
            conflicted.append(plan)
    with prog.db.transaction() as session:
        record_migration_lines(session, mid, [(p, MigrationOutcome.CONFLICT, None, "changed")
                                              for p in conflicted])
        set_migration_status(session, mid, MigrationStatus.PARTIAL if conflicted
                             else MigrationStatus.APPLIED)
        if reverted_of is not None:  # the conflicted regions may still be reverted later
            set_migration_status(session, reverted_of, MigrationStatus.PARTLY_REVERTED
                                 if conflicted else MigrationStatus.REVERTED)
    return MigrationResult(result.plans, False, mode, mid, [p.subject for p in conflicted])
