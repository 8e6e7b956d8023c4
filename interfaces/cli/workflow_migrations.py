"""``smartcity workflow migrate``, ``migrations``, ``migration`` and ``revert-migration``.

Moving running regions to another version of a workflow (see :mod:`workflows.migrations`):
the plan is printed first, region by region; a dry run stops there, a plan that refuses any
region writes nothing and exits 1. The workflow group registers these commands with
``workflow_migrations.register(group)``. Exit codes: 0 done, 1 refused or conflicts, 2 the
command was not used right (no scope or two, a mapping that is not OLD=NEW).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from config.messages import plural, text
from engine import (
    InstancePlan,
    InvalidInputError,
    migration_lines,
    recorded_migration,
    recorded_migrations,
)
from interfaces.cli.context import AsOption, console, error, programme, table
from workflows import instances, migrations
from workflows.zones import local

#: The deadline actions whose due date the plan shows.
DATED = ("open", "close+open", "carry", "reopen", "close+reopen")
EXIT_REFUSED = 1
EXIT_USAGE = 2

ReasonOpt = Annotated[str | None, typer.Option("--reason", "-m",
                                               help="Why, for the history of each region.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show the plan; write nothing.")]
AllOrNothingOpt = Annotated[bool, typer.Option(
    "--all-or-nothing", help="One transaction for the whole batch: any conflict writes "
                             "nothing (default: one transaction per region).")]


def register(group: typer.Typer) -> None:
    group.command("migrate")(migrate)
    group.command("migrations")(list_migrations)
    group.command("migration")(show_migration)
    group.command("revert-migration")(revert_migration)


def _deadline(plan: InstancePlan) -> str:
    """What the plan does to deadlines: nothing shown for a region it does not move."""
    if not plan.applies:
        return ""
    words = text(f"migration.deadline.{plan.deadline}")
    if plan.due is not None and plan.deadline in DATED:
        return f"{words}: {local(plan.due.due_at, plan.due.tz or 'Asia/Jakarta')}"
    return words


def _outcome(plan: InstancePlan, result: migrations.MigrationResult) -> str:
    if plan.refused:
        return text("migration.outcome.refused", why=str(plan.refusal))
    if plan.skipped:
        return text(f"migration.skipped.{plan.reason}")
    if plan.subject in result.conflicts:
        return text("migration.outcome.conflict")
    # A plan (a dry run, or one refused for other regions) is not applied yet.
    return text("migration.outcome.apply" if result.migration_id is not None
                else "migration.outcome.will_apply")


def _plan_table(title: str) -> Any:
    """The plan's columns, shared by a plan and a recorded migration."""
    return table(*(text(f"migration.col.{c}") for c in (
        "region", "from", "to", "required", "orphaned", "deadline", "outcome")), title=title)


def print_plan(result: migrations.MigrationResult) -> None:
    grid = _plan_table(text("migration.plan_title"))
    for p in result.plans:
        grid.add_row(f"{p.subject} ({p.cycle})", f"v{p.from_version} {p.from_state}",
                     f"v{p.to_version} {p.to_state}", ", ".join(p.required),
                     ", ".join(p.orphaned), _deadline(p), _outcome(p, result))
    console.print(grid)


def _report(result: migrations.MigrationResult) -> None:
    """The outcome after the plan; exits 1 when refused or conflicted."""
    print_plan(result)
    counts = {"apply": sum(p.applies for p in result.plans),
              "skip": sum(p.skipped for p in result.plans), "refuse": len(result.refused)}
    if result.refused:
        error(plural("migration.refused_nothing_written", counts["refuse"]),
              prefix=text("cli.error_prefix"))
        raise typer.Exit(EXIT_REFUSED)
    if result.dry_run:
        console.print(text("migration.dry_run_done", apply=counts["apply"],
                           skip=counts["skip"]))
        return
    console.print(text("migration.applied", id=result.migration_id,
                       applied=len(result.applied), skip=counts["skip"]))
    if result.conflicts:
        error(text("migration.conflicts", regions=", ".join(result.conflicts)),
              prefix=text("cli.error_prefix"))
        raise typer.Exit(EXIT_REFUSED)


def _usage(problem: InvalidInputError) -> typer.Exit:
    error(str(problem), prefix=text("cli.error_prefix"))
    return typer.Exit(EXIT_USAGE)


def migrate(
    key: Annotated[str, typer.Argument(help="Workflow key, e.g. master_plan.")],
    to: Annotated[int, typer.Option("--to", min=1, help="The version to move to.")],
    as_email: AsOption,
    state_map: Annotated[list[str] | None, typer.Option(
        "--map", metavar="OLD=NEW", help="Where regions in a state the new version does "
                                         "not have go (repeatable).")] = None,
    region: Annotated[list[str] | None, typer.Option(
        "--region", "--subject", "-r",
        help="A region by code or name, or a province for a province workflow "
             "(repeatable).")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort", help="Every region of a cohort.")]
    = None,
    all_: Annotated[bool, typer.Option("--all", help="Every region running the workflow.")]
    = False,
    dry_run: DryRunOpt = False,
    all_or_nothing: AllOrNothingOpt = False,
    reason: ReasonOpt = None,
) -> None:
    """Move running regions to another version of a workflow (coordinators); the plan first."""
    scope = migrations.Scope(tuple(region or ()), cohort, all_)
    try:
        scope.check()
    except InvalidInputError:  # the domain's words name the three ways; here, the options
        error(text("migration.cli.scope_one"), prefix=text("cli.error_prefix"))
        raise typer.Exit(EXIT_USAGE) from None
    try:
        mapping = migrations.parse_map(state_map or [])
    except InvalidInputError as exc:
        raise _usage(exc) from None
    result = migrations.migrate(programme(), key, to, scope, as_email, state_map=mapping,
                                dry_run=dry_run, all_or_nothing=all_or_nothing,
                                reason=reason)
    _report(result)


def revert_migration(
    migration_id: Annotated[int, typer.Argument(min=1, help="The migration's number.")],
    as_email: AsOption,
    dry_run: DryRunOpt = False,
    all_or_nothing: AllOrNothingOpt = False,
    reason: ReasonOpt = None,
) -> None:
    """Return every region a migration moved to the version and state it came from."""
    result = migrations.revert(programme(), migration_id, as_email, dry_run=dry_run,
                               all_or_nothing=all_or_nothing, reason=reason)
    _report(result)


def list_migrations(
    key: Annotated[str | None, typer.Argument(help="Only this workflow's.")] = None,
) -> None:
    """Past migrations, newest first: who, when, to which version, how many regions."""
    prog = programme()
    with prog.db.read() as session:
        if key is not None:
            instances.workflow(prog, session, key)  # an unknown key names the published
        found = recorded_migrations(session, key)
    if not found:
        console.print(text("migration.none"))
        return
    grid = table(*(text(f"migration.col.{c}") for c in (
        "id", "workflow", "versions", "who", "at", "scope", "status", "regions")),
        title=text("migration.list_title"))
    for m in found:
        versions = ", ".join(f"v{v}" for v in m.from_versions) or "-"
        grid.add_row(f"#{m.id}" + (f" ↩ #{m.reverted_of}" if m.reverted_of else ""),
                     m.definition_key, f"{versions} -> v{m.to_version}", m.actor,
                     local(m.at, "Asia/Jakarta"), str(migrations.scope_words(m.scope)),
                     text(f"migration.status.{m.status}"),
                     text("migration.counts", applied=m.counts.get("applied", 0),
                          skipped=m.counts.get("skipped", 0),
                          conflict=m.counts.get("conflict", 0)))
    console.print(grid)


def show_migration(
    migration_id: Annotated[int, typer.Argument(min=1, help="The migration's number.")],
) -> None:
    """One migration, region by region: where each was, where it went, how it ended."""
    prog = programme()
    with prog.db.read() as session:
        recorded_migration(session, migration_id)  # an unknown number: one error line
        lines = migration_lines(session, migration_id)
    grid = _plan_table(text("migration.show_title", id=migration_id))
    for line in lines:
        outcome = text(f"migration.line.{line.outcome}")
        grid.add_row(line.subject, f"v{line.from_version} {line.from_state}",
                     f"v{line.to_version} {line.to_state}", ", ".join(line.required),
                     ", ".join(line.orphaned), text(f"migration.deadline.{line.deadline}"),
                     outcome)
    console.print(grid)

