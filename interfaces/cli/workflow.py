"""``smartcity workflow ...``: list, show, validate, publish and draw workflow definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engine import DefinitionError, WorkflowDefinition, load_definition_file, mermaid
from interfaces.cli.context import console, error, errors, programme, table
from workflows.directory.regions import find_region
from workflows.master_plan import MASTER_PLAN

group = typer.Typer(help="Workflow definitions: show, validate, publish, diagram.",
                    no_args_is_help=True)

KeyArg = Annotated[str, typer.Argument(help="Workflow key.")]
VersionOpt = Annotated[int | None, typer.Option("--version", "-v", help="Default: latest.")]


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="workflow")


@group.command("list")
def list_() -> None:
    """Published workflows and their versions."""
    prog = programme()
    with prog.db.read() as session:
        keys = prog.engine.definition_keys(session)
        if not keys:
            console.print("No workflow is published yet: run 'smartcity init'.")
            return
        grid = table("key", "versions", "title")
        for key in keys:
            versions = prog.engine.definition_versions(session, key)
            title = prog.engine.workflow(session, key).title
            grid.add_row(key, ", ".join(map(str, versions)), title)
    console.print(grid)


@group.command()
def show(key: KeyArg = MASTER_PLAN, version: VersionOpt = None) -> None:
    """States (with required deliverables and deadlines) and transitions (with roles, guards)."""
    prog = programme()
    with prog.db.read() as session:
        d = prog.engine.workflow(session, key, version)
    _print_definition(d)


def _print_definition(d: WorkflowDefinition) -> None:
    console.print(f"{d.title}  ({d.key} v{d.version}, starts in {d.initial})", style="bold")
    states = table("state", "label", "requires", "deadline", title="States")
    for name, s in d.states.items():
        deadline = f"{s.deadline.days} days" if s.deadline else ("final" if s.final else "")
        states.add_row(name, s.label or "", ", ".join(s.requires), deadline)
    console.print(states)
    moves = table("trigger", "from", "to", "roles", "guards", title="Transitions")
    for t in d.transitions:
        guards = ", ".join(t.guards + [f"not {u}" for u in t.unless])
        if t.comment == "required":
            guards = ", ".join(filter(None, [guards, "comment required"]))
        moves.add_row(t.trigger, ", ".join(t.sources), t.dest, ", ".join(t.roles), guards)
    console.print(moves)


@group.command()
def validate(file: Annotated[Path, typer.Argument(help="A workflow definition (YAML).")]) -> None:
    """Check a definition file; every problem is listed with its path."""
    prog = programme()
    try:
        loaded = load_definition_file(file, prog.guards)
    except DefinitionError as exc:
        error(f"{exc.source}: {len(exc.problems)} problem(s)")
        for problem in exc.problems:
            errors.print(f"  {exc.source}: {problem}")
        raise typer.Exit(1) from None
    d = loaded.definition
    console.print(f"{file}: valid: {d.key} v{d.version}, {len(d.states)} states, "
                  f"{len(d.transitions)} transitions")


@group.command()
def publish(file: Annotated[Path, typer.Argument(help="A workflow definition (YAML).")]) -> None:
    """Publish a new definition version; running instances keep the version they started on."""
    prog = programme()
    loaded = load_definition_file(file, prog.guards)
    with prog.db.transaction() as session:
        new = prog.engine.publish(session, loaded)
    d = loaded.definition
    console.print(f"{d.key} v{d.version} " + ("published" if new else "was already published"))


@group.command()
def diagram(
    key: KeyArg = MASTER_PLAN,
    version: VersionOpt = None,
    region: Annotated[str | None, typer.Option(
        "--region", "-r", help="Highlight this region's current state (and use its version).")]
    = None,
) -> None:
    """The workflow as Mermaid text (paste into any Mermaid renderer)."""
    prog = programme()
    with prog.db.read() as session:
        current = None
        if region:
            instance = prog.current_instance(session, find_region(session, region).code)
            current, version = instance.state, instance.definition_version
        d = prog.engine.workflow(session, key, version)
    typer.echo(mermaid(d, current), nl=False)  # exact text for Mermaid tools, never wrapped
