"""Migrating running regions of the master plan to another version, and reverting it.

Regions run on version 3 (the shipped text of that version, in
tests/workflows/master_plan/data) or 4, and a version 5 made here from the shipped version 4
renames the state ``revision`` to ``revising``. What a dry run plans is what is then applied
(state, version, history entry, deadlines, reminder schedule, the migration's record); a plan
that refuses any region writes nothing anywhere; a region migrated from version 3 walks on to
the end of version 4; a revert puts version and state back and the history holds both
entries; submissions and review rounds stay; one region changed while the batch runs
conflicts alone in per-instance mode and stops everything in all-or-nothing mode. On SQLite
and PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from engine import (
    ConflictError,
    InvalidInputError,
    PermissionDenied,
    Records,
    load_definition,
    migration_lines,
    recorded_migration,
)
from engine.migrating import Migrations
from engine.models import WorkflowInstance
from workflows import migrations
from workflows.deadlines import setting
from workflows.deadlines.models import ReminderSchedule
from workflows.directory.actors import SYSTEM
from workflows.master_plan import MASTER_PLAN
from workflows.migrations import Scope

V3 = Path(__file__).parent / "master_plan" / "data" / "master_plan_v3.yaml"
V4 = Path(__file__).parents[2] / "workflows" / "definitions" / "master_plan.yaml"
TABLES = ("workflow_instance", "workflow_history", "deadline", "reminder_schedule",
          "workflow_migration", "workflow_migration_item", "submission", "review_decision")


def publish_v3(world: Any) -> None:
    prog = world.prog
    with prog.db.transaction() as session:
        prog.engine.publish(session, load_definition(V3.read_text("utf-8"), "v3", prog.guards))


def publish_v5(world: Any) -> None:
    """Version 4 with the state ``revision`` renamed ``revising`` (regions that join later
    start on it: the tests publish it once their regions run)."""
    source = V4.read_text("utf-8").replace("\nversion: 4\n", "\nversion: 5\n")
    source = re.sub(r"\brevision\b", "revising", source)
    prog = world.prog
    with prog.db.transaction() as session:
        prog.engine.publish(session, load_definition(source, "v5", prog.guards))


def on_version(world: Any, code: str, version: int) -> None:
    """Put the region's running instance on ``version``, as a region that started before
    the next version was published would be."""
    prog = world.prog
    with prog.db.transaction() as session:
        instance = prog.current_instance(session, code)
        session.execute(update(WorkflowInstance).where(WorkflowInstance.id == instance.id)
                        .values(definition_version=version))


def counts(world: Any) -> dict[str, Any]:
    with world.prog.db.read() as session:
        found: dict[str, Any] = {t: session.execute(text(f"SELECT count(*) FROM {t}"))
                                 .scalar_one() for t in TABLES}
        found["versions"] = sorted(session.execute(text(
            "SELECT id, definition_version, state, version FROM workflow_instance")).all())
        found["open"] = session.execute(text(
            "SELECT count(*) FROM deadline WHERE closed_at IS NULL")).scalar_one()
    return found


def current(world: Any, code: str) -> Any:
    with world.prog.db.read() as session:
        return world.prog.current_instance(session, code)


def in_revision(world: Any, clock: Any, code: str = "64.71") -> Any:
    r = world.region(code)
    world.drive(r, "mentor_review")
    clock.advance(days=2)
    world.reject(r, "Quick win 2 needs baseline figures")
    assert world.state(code) == "revision"
    return r


def test_dry_run_plan_is_what_is_applied(world: Any, clock: Any) -> None:
    a = in_revision(world, clock, "64.71")
    b = world.region("91.71")
    world.drive(b, "bimtek_2")
    publish_v5(world)
    clock.advance(days=1)
    scope = Scope(regions=(a.code, b.code))
    before = counts(world)
    dry = migrations.migrate(world.prog, MASTER_PLAN, 5, scope, world.COORDINATOR,
                             state_map={"revision": "revising"}, dry_run=True)
    assert counts(world) == before  # a dry run writes nothing
    by = {p.subject: p for p in dry.plans}
    assert (by[a.code].from_state, by[a.code].to_state, by[a.code].deadline) == (
        "revision", "revising", "carry")
    assert (by[b.code].from_state, by[b.code].to_state, by[b.code].deadline) == (
        "bimtek_2", "bimtek_2", "keep")
    assert by[a.code].due is not None

    done = migrations.migrate(world.prog, MASTER_PLAN, 5, scope, world.COORDINATOR,
                              state_map={"revision": "revising"}, reason="v5 renames revision")
    assert done.ok and done.migration_id is not None
    assert [(p.subject, p.to_state, p.deadline, p.due) for p in done.plans] == [
        (p.subject, p.to_state, p.deadline, p.due) for p in dry.plans]
    with world.prog.db.read() as session:
        records = Records(session)
        for plan in dry.plans:
            instance = records.instance(plan.instance_id)
            assert (instance.definition_version, instance.state, instance.version) == (
                5, plan.to_state, plan.instance_version + 1)
            entry = records.history(plan.subject)[-1]
            assert (entry.kind, entry.trigger, entry.from_state, entry.to_state) == (
                "migration", "migrate", plan.from_state, plan.to_state)
            assert entry.detail is not None
            assert entry.detail.startswith(f"v4->v5 #{done.migration_id}: ")
            assert entry.comment == "v5 renames revision"
            opened = records.open_deadline(plan.instance_id, plan.to_state)
            if plan.deadline == "carry":  # the same row, under the state's new name
                assert opened is not None and opened.id == plan.deadline_id
                assert records.open_deadline(plan.instance_id, plan.from_state) is None
                assert plan.due is not None and opened.due_at == plan.due.due_at
            elif plan.deadline == "close+open":
                assert records.open_deadline(plan.instance_id, plan.from_state) is None \
                    or plan.from_state == plan.to_state
                assert opened is not None and opened.due_at == plan.due.due_at
                assert session.execute(select(ReminderSchedule).where(
                    ReminderSchedule.deadline_id == opened.id)).scalar_one() is not None
            else:
                assert opened is not None  # kept
        lines = {line.subject: line for line in
                 migration_lines(session, done.migration_id)}
    assert {s: (line.from_state, line.to_state, line.outcome, line.deadline)
            for s, line in lines.items()} == {
        p.subject: (p.from_state, p.to_state, "applied", p.deadline) for p in dry.plans}
    # Applying the same plan again skips every region: they are on version 5 already.
    again = migrations.migrate(world.prog, MASTER_PLAN, 5, scope, world.COORDINATOR,
                               dry_run=True)
    assert all(p.skipped and p.reason == "same_version" for p in again.plans)


def test_a_refused_plan_writes_nothing(world: Any, clock: Any) -> None:
    a = in_revision(world, clock, "64.71")
    b = world.region("91.71")
    world.drive(b, "bimtek_1")
    publish_v5(world)
    before = counts(world)
    for kw in ({}, {"all_or_nothing": True}):
        result = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(all=True),
                                    world.COORDINATOR, **kw)
        [refused] = result.refused
        assert refused.subject == a.code and "revision" in str(refused.refusal)
        assert "revision=NEW_STAGE" in str(refused.refusal)
        assert result.migration_id is None
        assert counts(world) == before
    # A mapping into a state whose way in needs documents the region does not have.
    result = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(regions=(b.code,)),
                                world.COORDINATOR, state_map={"bimtek_1": "bimtek_3"})
    [refused] = result.refused
    assert "not met" in str(refused.refusal) and "Buku 1" in str(refused.refusal)
    # A mapping into a state version 5 does not have.
    result = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(regions=(a.code,)),
                                world.COORDINATOR, state_map={"revision": "revisi"})
    assert "is not a state of version 5" in str(result.refused[0].refusal)
    assert counts(world) == before


def test_a_region_migrated_from_version_3_walks_to_the_end_of_version_4(
        world: Any, clock: Any) -> None:
    publish_v3(world)
    r = world.region()
    world.drive(r, "bimtek_2")
    on_version(world, r.code, 3)
    done = migrations.migrate(world.prog, MASTER_PLAN, 4, Scope(cohort=world.COHORT),
                              world.COORDINATOR)
    assert done.ok and [p.subject for p in done.applied] == [r.code]
    assert current(world, r.code).definition_version == 4
    world.drive(r, "implementation")
    clock.advance(days=round(365.25 * 5) + 1)
    world.fire(r.code, "renew", world.COORDINATOR)
    with world.prog.db.read() as session:
        every = Records(session).history(r.code, MASTER_PLAN)
        cycle_1 = [h for h in every if h.cycle == 1]
        assert cycle_1[-1].to_state == "renewed"
        assert [h.kind for h in cycle_1].count("migration") == 1
        first = session.execute(select(WorkflowInstance).where(
            WorkflowInstance.subject == r.code, WorkflowInstance.cycle == 1)).scalar_one()
        assert (first.definition_version, first.state) == (4, "renewed")


def test_a_revert_restores_version_state_and_keeps_submissions(
        world: Any, clock: Any) -> None:
    r = in_revision(world, clock)
    publish_v5(world)
    before = current(world, r.code)
    with world.prog.db.read() as session:
        records = Records(session)
        sent, reviews = (len(records.submissions(before.id)), len(records.reviews(before.id)))
    clock.advance(days=1)
    done = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(regions=(r.code,)),
                              world.COORDINATOR, state_map={"revision": "revising"})
    assert (current(world, r.code).definition_version, current(world, r.code).state) == (
        5, "revising")
    clock.advance(days=1)
    assert done.migration_id is not None
    dry = migrations.revert(world.prog, done.migration_id, world.COORDINATOR, dry_run=True)
    assert [(p.to_version, p.to_state) for p in dry.plans] == [(4, "revision")]
    back = migrations.revert(world.prog, done.migration_id, world.COORDINATOR,
                             reason="back to v4")
    assert back.ok
    after = current(world, r.code)
    assert (after.definition_version, after.state, after.entered_at) == (
        4, "revision", before.entered_at)
    with world.prog.db.read() as session:
        records = Records(session)
        assert len(records.submissions(after.id)) == sent
        assert len(records.reviews(after.id)) == reviews
        kinds = [(h.kind, h.trigger, h.to_state) for h in records.history(r.code)[-2:]]
        assert records.open_deadline(after.id, "revision") is not None
        assert records.open_deadline(after.id, "revising") is None
    assert kinds == [("migration", "migrate", "revising"), ("migration", "revert", "revision")]
    # The revised plan goes on to the mentors on version 4.
    world.revise(r)
    assert world.state(r.code) == "mentor_review"
    with pytest.raises(ConflictError, match="already reverted"):
        migrations.revert(world.prog, done.migration_id, world.COORDINATOR)


def _open_deadline(world: Any, code: str) -> Any:
    with world.prog.db.read() as session:
        [found] = Records(session).open_deadlines(subjects=[code])
        return found


def test_a_rename_carries_the_deadline_and_its_revert_carries_it_back(
        world: Any, clock: Any) -> None:
    r = in_revision(world, clock)
    setting.set_region_deadline(world.prog, r.code, "revision", clock() + timedelta(days=40),
                                actor=world.COORDINATOR)
    publish_v5(world)
    before, entered = _open_deadline(world, r.code), current(world, r.code).entered_at
    clock.advance(days=3)
    done = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(regions=(r.code,)),
                              world.COORDINATOR, state_map={"revision": "revising"})
    moved = _open_deadline(world, r.code)
    assert (moved.id, moved.state, moved.due_at, moved.origin, moved.tz, moved.version) == (
        before.id, "revising", before.due_at, before.origin, before.tz, before.version)
    assert current(world, r.code).entered_at == entered
    assert done.migration_id is not None
    migrations.revert(world.prog, done.migration_id, world.COORDINATOR)
    back = _open_deadline(world, r.code)
    assert (back.id, back.state, back.due_at, back.origin) == (
        before.id, "revision", before.due_at, before.origin)
    assert current(world, r.code).entered_at == entered


def test_a_revert_of_a_move_reopens_the_deadline_it_closed(world: Any, clock: Any) -> None:
    """A real move into another stage closes the coordinator's date and opens the policy's;
    its revert reopens that very row (the date survives the round trip)."""
    r = in_revision(world, clock)
    setting.set_region_deadline(world.prog, r.code, "revision", clock() + timedelta(days=40),
                                actor=world.COORDINATOR)
    publish_v5(world)
    before = _open_deadline(world, r.code)
    clock.advance(days=3)
    done = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(regions=(r.code,)),
                              world.COORDINATOR, state_map={"revision": "mentor_review"})
    [plan] = done.applied
    assert plan.deadline in ("close+open", "close") and plan.deadline_id == before.id
    assert done.migration_id is not None
    dry = migrations.revert(world.prog, done.migration_id, world.COORDINATOR, dry_run=True)
    assert dry.plans[0].due is not None and dry.plans[0].due.due_at == before.due_at
    migrations.revert(world.prog, done.migration_id, world.COORDINATOR)
    back = _open_deadline(world, r.code)
    assert (back.id, back.state, back.due_at, back.origin) == (
        before.id, "revision", before.due_at, before.origin)
    with world.prog.db.read() as session:
        assert session.execute(select(ReminderSchedule).where(
            ReminderSchedule.deadline_id == before.id)).scalar_one().next_at is not None


def test_a_revert_refuses_a_region_changed_since(world: Any, clock: Any) -> None:
    r = in_revision(world, clock)
    publish_v5(world)
    done = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(regions=(r.code,)),
                              world.COORDINATOR, state_map={"revision": "revising"})
    world.submit_plan(r)  # a new version of the plan: the region changed
    before = counts(world)
    assert done.migration_id is not None
    result = migrations.revert(world.prog, done.migration_id, world.COORDINATOR)
    [refused] = result.refused
    assert "changed since migration" in str(refused.refusal)
    assert counts(world) == before


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_a_region_changed_while_the_batch_runs(world: Any, clock: Any,
                                               monkeypatch: pytest.MonkeyPatch,
                                               all_or_nothing: bool) -> None:
    publish_v3(world)
    regions = [world.region(code) for code in ("64.71", "91.71", "32.73")]
    for r in regions:
        on_version(world, r.code, 3)
    planned = Migrations.plan

    def plan_then_change(self: Any, session: Any, *args: Any) -> Any:
        plans = planned(self, session, *args)
        with world.prog.db.transaction() as other:  # someone acts meanwhile
            instance = world.prog.current_instance(other, "91.71")
            world.prog.engine.note(other, instance.id, SYSTEM, "set_deadline", "meanwhile")
        return plans

    monkeypatch.setattr(Migrations, "plan", plan_then_change)
    before = counts(world)
    if all_or_nothing:
        with pytest.raises(ConflictError, match=r"91\.71"):
            migrations.migrate(world.prog, MASTER_PLAN, 4, Scope(all=True),
                               world.COORDINATOR, all_or_nothing=True)
        after = counts(world)
        assert after["workflow_migration"] == before["workflow_migration"]
        assert [v[1] for v in after["versions"]] == [3, 3, 3]
        return
    result = migrations.migrate(world.prog, MASTER_PLAN, 4, Scope(all=True),
                                world.COORDINATOR)
    assert result.conflicts == ["91.71"]
    assert sorted(p.subject for p in result.applied) == ["32.73", "64.71"]
    assert {current(world, r.code).definition_version for r in regions if r.code != "91.71"} \
        == {4}
    assert current(world, "91.71").definition_version == 3
    with world.prog.db.read() as session:
        summary = recorded_migration(session, result.migration_id or 0)
        assert summary.status == "partial" and summary.counts == {"applied": 2, "conflict": 1}


def test_only_programme_wide_coordinators_migrate(world: Any, clock: Any) -> None:
    r = world.region()
    with pytest.raises(PermissionDenied):
        migrations.migrate(world.prog, MASTER_PLAN, 4, Scope(all=True), r.head, dry_run=True)


def test_the_scope_is_exactly_one_of_regions_cohort_all(world: Any) -> None:
    for scope in (Scope(), Scope(regions=("64.71",), all=True)):
        with pytest.raises(InvalidInputError, match="exactly one"):
            migrations.migrate(world.prog, MASTER_PLAN, 4, scope, world.COORDINATOR,
                               dry_run=True)


def test_a_revert_returns_each_region_to_its_own_version(world: Any) -> None:
    publish_v3(world)
    a, b = world.region("64.71"), world.region("91.71")
    for r in (a, b):
        world.drive(r, "bimtek_2")
    on_version(world, a.code, 3)
    publish_v5(world)
    done = migrations.migrate(world.prog, MASTER_PLAN, 5, Scope(all=True), world.COORDINATOR)
    assert done.migration_id is not None
    assert {current(world, r.code).definition_version for r in (a, b)} == {5}
    migrations.revert(world.prog, done.migration_id, world.COORDINATOR)
    assert (current(world, a.code).definition_version,
            current(world, b.code).definition_version) == (3, 4)


def test_a_revert_with_a_conflict_leaves_the_rest_revertible(
        world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    publish_v3(world)
    regions = [world.region(code) for code in ("64.71", "91.71")]
    for r in regions:
        on_version(world, r.code, 3)
    done = migrations.migrate(world.prog, MASTER_PLAN, 4, Scope(all=True), world.COORDINATOR)
    assert done.migration_id is not None
    planned = Migrations.plan_revert

    def plan_then_change(self: Any, session: Any, *args: Any) -> Any:
        found = planned(self, session, *args)
        with world.prog.db.transaction() as other:  # someone acts meanwhile
            instance = world.prog.current_instance(other, "91.71")
            world.prog.engine.note(other, instance.id, SYSTEM, "set_deadline", "meanwhile")
        return found

    monkeypatch.setattr(Migrations, "plan_revert", plan_then_change)
    back = migrations.revert(world.prog, done.migration_id, world.COORDINATOR)
    assert back.conflicts == ["91.71"]
    monkeypatch.undo()
    with world.prog.db.read() as session:
        assert recorded_migration(session, done.migration_id).status == "partly_reverted"
    # The region that conflicted is still planned back (refused: it changed since).
    again = migrations.revert(world.prog, done.migration_id, world.COORDINATOR, dry_run=True)
    assert [p.subject for p in again.plans] == ["91.71"]
    assert current(world, "64.71").definition_version == 3
    with pytest.raises(ConflictError, match="a revert is not reverted"):
        migrations.revert(world.prog, back.migration_id or 0, world.COORDINATOR)
