"""The Mermaid diagram shows every state and transition and marks the current state.

Proves that ``mermaid()`` emits a ``stateDiagram-v2`` with one ``state`` line per state (its
label, quotes made safe), the initial arrow, one arrow per (source, transition) with trigger,
roles and guards, an end arrow per final state, and -- only when asked -- a class that
highlights exactly the current state. Checked on a small definition and on the shipped master
plan.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import workflows
from engine.diagram import mermaid
from engine.loading import load_definition

DEFINITION = """\
key: door
version: 1
title: Door
initial: closed
roles: {keeper: {}, guest: {}}
states:
  closed: {label: Closed}
  open: {label: 'Wide "open"'}
  locked: {}
  gone: {final: true}
transitions:
  - {trigger: open_it, source: closed, dest: open, roles: [keeper, guest]}
  - {trigger: close_it, source: open, dest: closed, roles: [guest]}
  - {trigger: lock, source: closed, dest: locked, roles: [keeper], guards: [has_key]}
  - {trigger: unlock, source: locked, dest: closed, roles: [keeper]}
  - {trigger: demolish, source: [closed, locked], dest: gone, roles: [keeper]}
"""

# Found next to the programme module: importlib.resources.files("workflows") resolves to
# tests/workflows when pytest has put tests/ on sys.path (a namespace package shadows it).
MASTER_PLAN = Path(workflows.__file__).parent / "definitions" / "master_plan.yaml"


@pytest.fixture(scope="module")
def door():
    return load_definition(DEFINITION, "door.yaml", None).definition


def test_every_state_and_transition_is_drawn(door):
    lines = mermaid(door).splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert '    state "Closed" as closed' in lines
    assert "    state \"Wide 'open'\" as open" in lines
    assert '    state "locked" as locked' in lines
    assert '    state "gone" as gone' in lines
    assert "    [*] --> closed" in lines
    assert "    closed --> open: open_it (keeper, guest)" in lines
    assert "    closed --> locked: lock (keeper) [has_key]" in lines
    assert "    closed --> gone: demolish (keeper)" in lines
    assert "    locked --> gone: demolish (keeper)" in lines
    assert "    gone --> [*]" in lines
    assert sum(" --> " in line and "[*]" not in line for line in lines) == 6
    assert not any("class " in line or "classDef" in line for line in lines)


@pytest.mark.parametrize("current", ["closed", "locked", "gone"])
def test_the_current_state_is_highlighted(door, current):
    lines = mermaid(door, current=current).splitlines()
    class_lines = [line for line in lines if line.strip().startswith("class ")]
    assert class_lines == [f"    class {current} current"]
    assert any(line.strip().startswith("classDef current ") for line in lines)


def test_the_master_plan_diagram_has_every_state():
    text = MASTER_PLAN.read_text("utf-8")
    d = load_definition(text, "master_plan.yaml", None).definition
    diagram = mermaid(d, current="mentor_review")
    for name, spec in d.states.items():
        assert f'state "{str(spec.label or name).replace(chr(34), chr(39))}" as {name}\n' in diagram
    assert ("    mentor_review --> revision: reject (mentor) "
            "[rounds_left(deliverable=quick_win_plan, decision=rejected, "
            "allowed=max_review_rounds, granted_by=grant_extra_round)]\n"
            in diagram)
    assert diagram.count(" --> [*]") == 2
    assert diagram.endswith("    class mentor_review current\n")
