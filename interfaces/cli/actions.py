"""``smartcity advance|submit|review|actions``: what coordinators, OPDs and mentors do."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from config.messages import text
from engine import FireResult
from interfaces.cli.context import (
    AsOption,
    CommentOption,
    VersionOption,
    WorkflowOption,
    console,
    programme,
    subject_named,
    table,
)
from workflows import instances
from workflows.directory.actors import actor_for
from workflows.master_plan import MASTER_PLAN, actions
from workflows.obligations import owed_by
from workflows.zones import local

review_group = typer.Typer(help="Mentor review of the quick-win plan.", no_args_is_help=True)
#: How each kind of duty (submit, review, act) reads after "You owe:": cli.actions.verb.<kind>.
RegionArg = Annotated[str, typer.Argument(metavar="REGION", help="Region code or name.")]


def register(app: typer.Typer) -> None:
    app.command()(advance)
    app.command("actions")(list_actions)
    app.command()(submit)
    app.add_typer(review_group, name="review")


def _report(region: str, result: FireResult) -> None:
    console.print(text("cli.actions.moved", region=region, from_stage=str(result.from_stage),
                       to_stage=str(result.to_stage), version=result.instance.version))
    if result.successor_id:
        console.print(text("cli.actions.cycle_started", region=region,
                           cycle=result.instance.cycle + 1))


def advance(
    region: RegionArg,
    trigger: Annotated[str, typer.Argument(help="The action, e.g. close_bimtek_1.")],
    as_email: AsOption,
    comment: CommentOption = None,
    expect_version: VersionOption = None,
    workflow: WorkflowOption = MASTER_PLAN,
) -> None:
    """Fire a workflow action on a region (see 'smartcity actions REGION')."""
    result = actions.advance(programme(), region, trigger, as_email, comment=comment,
                             expected_version=expect_version, key=workflow)
    _report(region, result)


def list_actions(region: RegionArg, as_email: AsOption,
                 workflow: WorkflowOption = MASTER_PLAN) -> None:
    """What you may do on a region now, and why not where you may not.

    What you owe is listed for every workflow the region runs."""
    prog = programme()
    with prog.db.read() as session:
        r = instances.subject_of(prog, session, workflow, region)
        actor = actor_for(session, as_email)
        region_named = f"{r.code} {r.name}"
        if workflow != MASTER_PLAN:
            d = instances.workflow(prog, session, workflow)
            title = str(d.title)
            region_named = subject_named(d, region_named)
        instance = prog.current_instance(session, r.code, workflow)
        available = prog.engine.available(session, instance.id, actor)
        definition = prog.definition_of(session, instance)
        mine = owed_by(prog, session, actor.identity, [r.code])
    heading = text("cli.actions.title", region=region_named, state=instance.state,
                   stage=definition.state_label(instance.state), version=instance.version)
    if workflow != MASTER_PLAN:
        heading = text("instances.cli.of_workflow", heading=heading, workflow=title)
    grid = table(*(text(f"cli.actions.{c}") for c in ("action", "what", "leads_to", "possible")),
                 title=heading)
    for a in available:
        grid.add_row(a.trigger, str(a.label), ", ".join(a.dests),
                     text("cli.actions.yes") if a.allowed else text(
                         "cli.actions.no", reasons="; ".join(str(x) for x in a.reasons)))
    console.print(grid)
    if not mine:
        console.print(text("cli.actions.owe_nothing"))
    for o in mine:
        due = (text("cli.actions.due", due=local(o.deadline.due_at, o.deadline.tz or r.tz))
               if o.deadline is not None else "")
        what = text(f"cli.actions.verb.{o.kind}", what=o.label)
        if o.key != MASTER_PLAN:
            what = text("instances.in_workflow", what=what, workflow=str(o.workflow))
        console.print(text("cli.actions.owe", what=what, due=due))


def submit(
    region: RegionArg,
    deliverable: Annotated[str, typer.Argument(help="e.g. questionnaire, buku_1, quick_win_plan.")],
    file: Annotated[Path, typer.Argument(help="PDF, Word, Excel, PowerPoint or image.")],
    as_email: AsOption,
    party: Annotated[str | None, typer.Option(
        help="The OPD a coordinator submits for (per-OPD deliverables).")] = None,
    quick_wins: Annotated[Path | None, typer.Option(
        help="CSV of the plan's quick wins: title, dimension, element[, opd, description].")]
    = None,
    note: Annotated[str | None, typer.Option(help="A note for the history.")] = None,
    expect_version: VersionOption = None,
    workflow: WorkflowOption = MASTER_PLAN,
) -> None:
    """Submit a new version of a deliverable."""
    result = actions.submit(programme(), region, deliverable, file, as_email, party=party,
                            quick_wins=quick_wins, note=note, expected_version=expect_version,
                            key=workflow)
    who = text("cli.actions.for_party", party=result.party) if result.party else ""
    wins = (text("cli.actions.with_quick_wins", count=result.quick_wins)
            if result.quick_wins else "")
    console.print(text("cli.actions.received", region=result.region, deliverable=deliverable,
                       who=who, version=result.version, wins=wins, sha=result.sha256[:12]))


@review_group.command()
def approve(region: RegionArg, as_email: AsOption, comment: CommentOption = None,
            expect_version: VersionOption = None) -> None:
    """Approve the quick-win plan under review."""
    _report(region, actions.review(programme(), region, "approve", as_email, comment=comment,
                                   expected_version=expect_version))


@review_group.command()
def reject(
    region: RegionArg, as_email: AsOption,
    comment: Annotated[str, typer.Option("--comment", "-m", help="What must be revised.")],
    expect_version: VersionOption = None,
) -> None:
    """Reject the quick-win plan with comments; the region revises and resubmits."""
    _report(region, actions.review(programme(), region, "reject", as_email, comment=comment,
                                   expected_version=expect_version))
