"""Mermaid ``stateDiagram-v2`` text for a definition, optionally marking an instance's state.

Written here rather than through ``transitions``' GraphMachine because the diagram should show
what people act on (state labels, the roles that fire each trigger) and mark the current state
without registering a model on a shared machine.
"""

from __future__ import annotations

from engine.conditions import spell
from engine.definition import WorkflowDefinition


def mermaid(definition: WorkflowDefinition, current: str | None = None) -> str:
    """The diagram as Mermaid text; ``current`` is highlighted when given."""
    d = definition
    lines = ["stateDiagram-v2", "    direction TB"]
    for name, spec in d.states.items():
        label = str(spec.label or name).replace('"', "'")
        lines.append(f'    state "{label}" as {name}')
    lines.append(f"    [*] --> {d.initial}")
    for t in d.transitions:
        roles = ", ".join(t.roles)
        conditions = [spell(g) for g in t.guards] + [f"not {spell(g)}" for g in t.unless]
        guard = f" [{', '.join(conditions)}]" if conditions else ""
        for source in t.sources:
            lines.append(f"    {source} --> {t.dest}: {t.trigger} ({roles}){guard}")
    for name, spec in d.states.items():
        if spec.final:
            lines.append(f"    {name} --> [*]")
    if current is not None:
        lines.append("    classDef current fill:#f96,stroke:#333,stroke-width:3px")
        lines.append(f"    class {current} current")
    return "\n".join(lines) + "\n"
