"""The definitions that ship with the programme, validated against its guards.

Every ``*.yaml`` file of this package is a workflow definition; ``smartcity init`` publishes
those not published yet. A published version never changes: a change to a file gets a new
``version`` in it.
"""

from __future__ import annotations

from importlib import resources

from engine import GuardRegistry, LoadedDefinition, load_definition


def shipped_definitions(guards: GuardRegistry) -> list[LoadedDefinition]:
    """The shipped definitions, in file-name order."""
    folder = resources.files("workflows.master_plan")
    return [
        load_definition(f.read_text("utf-8"), f"workflows/master_plan/{f.name}", guards)
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith((".yaml", ".yml"))
    ]
