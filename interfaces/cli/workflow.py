"""``smartcity workflow ...``: list, show, validate, publish and draw workflow definitions.

Migrating running regions to another version is :mod:`interfaces.cli.workflow_migrations`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from config.messages import text
from engine import (
    DefinitionError,
    WorkflowDefinition,
    mermaid,
    spell,
)
from interfaces.cli import workflow_migrations
from interfaces.cli.context import (
    AsOption,
    console,
    error,
    errors,
    programme,
    state,
    subject_named,
    table,
)
from workflows import instances
from workflows.master_plan import MASTER_PLAN
from workflows.shipped import definition_file

group = typer.Typer(help="Workflow definitions: show, validate, publish, diagram, start; "
                         "migrate running regions to another version.",
                    no_args_is_help=True)

KeyArg = Annotated[str, typer.Argument(help="Workflow key.")]
VersionOpt = Annotated[int | None, typer.Option("--version", "-v", help="Default: latest.")]


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="workflow")


workflow_migrations.register(group)


@group.command("list")
def list_() -> None:
    """Published workflows and their versions."""
    prog = programme()
    with prog.db.read() as session:
        keys = prog.engine.definition_keys(session)
        if not keys:
            console.print(text("cli.workflow.none"))
            return
        grid = table(*(text(f"cli.workflow.{c}") for c in ("key", "versions", "title")))
        for key in keys:
            versions = prog.engine.definition_versions(session, key)
            title = prog.engine.workflow(session, key).title
            grid.add_row(key, ", ".join(map(str, versions)), str(title))
    console.print(grid)


@group.command()
def show(key: KeyArg = MASTER_PLAN, version: VersionOpt = None) -> None:
    """States (with required deliverables and deadlines) and transitions (with roles, guards)."""
    prog = programme()
    with prog.db.read() as session:
        d = prog.engine.workflow(session, key, version)
    _print_definition(d)


def _print_definition(d: WorkflowDefinition) -> None:
    console.print(text("cli.workflow.heading", title=str(d.title), key=d.key, version=d.version,
                       initial=d.initial), style="bold")
    states = table(*(text(f"cli.workflow.{c}") for c in ("state", "label", "requires",
                                                          "deadline")),
                   title=text("cli.workflow.states"))
    for name, s in d.states.items():
        deadline = (text("cli.workflow.days", days=s.deadline.days) if s.deadline
                    else (text("cli.workflow.final") if s.final else ""))
        states.add_row(name, str(s.label or ""), ", ".join(s.requires), deadline)
    console.print(states)
    moves = table(*(text(f"cli.workflow.{c}") for c in ("trigger", "from", "to", "roles",
                                                         "guards")),
                  title=text("cli.workflow.transitions"))
    for t in d.transitions:
        guards = ", ".join([spell(g) for g in t.guards]
                           + [text("cli.workflow.not", guard=spell(u)) for u in t.unless])
        if t.comment == "required":
            guards = ", ".join(filter(None, [guards, text("cli.workflow.comment_required")]))
        moves.add_row(t.trigger, ", ".join(t.sources), t.dest, ", ".join(t.roles), guards)
    console.print(moves)


@group.command()
def validate(file: Annotated[Path, typer.Argument(help="A workflow definition (YAML).")]) -> None:
    """Check a definition file; every problem is listed with its path."""
    prog = state.programme(database_needed=False)  # reads the file only
    try:
        loaded = definition_file(file, prog.guards)
    except DefinitionError as exc:
        error(text("cli.workflow.problems", source=exc.source, count=len(exc.problems)),
              prefix=text("cli.error_prefix"))
        for problem in exc.problems:
            errors.print(f"  {exc.source}: {problem}")
        raise typer.Exit(1) from None
    d = loaded.definition
    console.print(text("cli.workflow.valid", file=str(file), key=d.key, version=d.version,
                       states=len(d.states), transitions=len(d.transitions)))


@group.command()
def publish(file: Annotated[Path, typer.Argument(help="A workflow definition (YAML).")]) -> None:
    """Publish a new definition version; running instances keep the version they started on."""
    prog = programme()
    loaded = definition_file(file, prog.guards)
    with prog.db.transaction() as session:
        new = prog.engine.publish(session, loaded)
    d = loaded.definition
    console.print(text("cli.workflow.published" if new else "cli.workflow.already_published",
                       key=d.key, version=d.version))


@group.command()
def diagram(
    key: KeyArg = MASTER_PLAN,
    version: VersionOpt = None,
    region: Annotated[str | None, typer.Option(
        "--region", "-r", "--subject",
        help="Highlight the state of this region's (or province's, for a province workflow) "
             "instance of KEY (and use its version).")]
    = None,
) -> None:
    """The workflow as Mermaid text (paste into any Mermaid renderer)."""
    prog = programme()
    with prog.db.read() as session:
        current = None
        if region:
            code = instances.subject_of(prog, session, key, region).code
            instance = prog.current_instance(session, code, key)
            current, version = instance.state, instance.definition_version
        d = prog.engine.workflow(session, key, version)
    typer.echo(mermaid(d, current), nl=False)  # exact text for Mermaid tools, never wrapped


@group.command()
def start(
    key: Annotated[str, typer.Argument(help="The workflow to start, e.g. award_round.")],
    region: Annotated[str, typer.Argument(
        metavar="SUBJECT", help="Region code or name; a province's (\"32\", \"Jawa Barat\") "
                                "for a workflow whose subjects are provinces.")],
    as_email: AsOption,
) -> None:
    """Start a workflow for a region, or a province when the workflow's subjects are
    provinces (coordinators; the master plan starts by joining a cohort). A workflow that
    ended starts again as its next round."""
    prog = programme()
    instance = instances.start(prog, key, region, as_email)
    with prog.db.read() as session:
        d = prog.definition_of(session, instance)
        named = subject_named(d, instance.subject, in_sentence=True)
        stage = d.state_label(instance.state)
    console.print(text("instances.cli.started", workflow=str(d.title), key=key,
                       region=named, stage=stage, cycle=instance.cycle))
