"""One state machine per published definition version, shared by every instance of it.

Proves on both databases: starting and firing 100 instances of one definition builds exactly
one ``transitions`` machine (and firing does not register instances on it); publishing a new
version of the same key gives that version its own machine while instances started on the old
version keep running the old one; republishing the same key and version is a no-op with the
same text and a DefinitionError with different text, writing nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from wfkit import Harness

from engine.contracts import Actor
from engine.errors import DefinitionError
from engine.guards import GuardRegistry
from engine.loading import load_definition
from engine.machine import MachineCache

FLOW_V1 = """\
key: flow
version: 1
title: Flow
initial: a
roles: {clerk: {}}
states:
  a: {}
  b: {}
  z: {final: true}
transitions:
  - {trigger: go, source: a, dest: b, roles: [clerk]}
  - {trigger: stop, source: [a, b], dest: z, roles: [clerk]}
"""

FLOW_V2 = (FLOW_V1.replace("version: 1", "version: 2")
           .replace("  b: {}\n", "  b: {}\n  c: {}\n")
           .replace("dest: b,", "dest: c,")
           .replace("source: [a, b]", "source: [a, b, c]")
           + "  - {trigger: detour, source: c, dest: b, roles: [clerk]}\n")

CLERK = Actor("clerk@example.org", "clerk")


def counting_builds(monkeypatch) -> list[str]:
    built: list[str] = []
    original = MachineCache._build

    def build(self, loaded):
        built.append(f"{loaded.definition.key} v{loaded.definition.version}")
        return original(self, loaded)

    monkeypatch.setattr(MachineCache, "_build", build)
    return built


def test_a_hundred_instances_share_one_machine(workflow, monkeypatch):
    built = counting_builds(monkeypatch)
    wf: Harness = workflow(FLOW_V1, GuardRegistry())
    with wf.db.transaction() as session:
        ids = [wf.engine.start(session, "flow", f"S{n:03d}", CLERK).id for n in range(100)]
    with wf.db.transaction() as session:
        for iid in ids:
            assert wf.engine.fire(session, iid, "go", CLERK).to_state == "b"

    assert built == ["flow v1"]
    assert len(wf.engine._machines) == 1
    machine = wf.engine._machines.get(wf.loaded)
    assert machine is wf.engine._machines.get(wf.loaded)
    assert machine.models == []  # contexts are fired as models, never registered
    assert wf.count("workflow_instance WHERE definition_key = 'flow' AND state = 'b'") == 100


def test_a_new_version_gets_its_own_machine_and_old_instances_keep_theirs(workflow, monkeypatch):
    built = counting_builds(monkeypatch)
    wf: Harness = workflow(FLOW_V1, GuardRegistry())
    old = wf.start("OLD", CLERK)
    with wf.db.transaction() as session:
        assert wf.engine.publish(session, load_definition(FLOW_V2, "v2", wf.engine.guards))
        assert wf.engine.definition_versions(session, "flow") == [1, 2]
    new = wf.start("NEW", CLERK)

    assert wf.instance(old).definition_version == 1
    assert wf.instance(new).definition_version == 2
    assert wf.fire(new, "go", CLERK).to_state == "c"
    assert wf.fire(old, "go", CLERK).to_state == "b"
    assert wf.fire(wf.start("NEWER", CLERK), "go", CLERK).to_state == "c"

    assert sorted(built) == ["flow v1", "flow v2"]
    assert len(wf.engine._machines) == 2


def test_republishing_a_version(workflow):
    wf: Harness = workflow(FLOW_V1, GuardRegistry())
    same = load_definition(FLOW_V1, "again", wf.engine.guards)
    changed = load_definition(FLOW_V1.replace("title: Flow", "title: Flow, edited"), "edited",
                              wf.engine.guards)
    with wf.db.transaction() as session:
        assert wf.engine.publish(session, same) is False

    with pytest.raises(DefinitionError) as info, wf.db.transaction() as session:
        wf.engine.publish(session, changed)
    assert info.value.source == "flow v1"
    assert info.value.problems == [
        "version 1 of 'flow' is already published with different content; running instances "
        "depend on it, so give the change a new version"]

    rows = wf.rows("SELECT version, title, sha256 FROM workflow_definition WHERE key = 'flow'")
    assert [(r["version"], r["title"], r["sha256"]) for r in rows] == [
        (1, "Flow", wf.loaded.sha256)]
    with wf.check.read() as session:
        assert session.execute(text(
            "SELECT source_text FROM workflow_definition WHERE key = 'flow'")).scalar_one() == (
            FLOW_V1)
