"""A province workflow's running instances migrate by province, named by code or name.

The test-only province definition (tests/provincekit.py) runs for Papua (91); a version 2 of
it is published, and ``Scope(regions=("Papua",))`` or ``("91",)`` finds Papua's instance
(a region lookup would not know a province) and moves it.
"""

from __future__ import annotations

from typing import Any

import pytest
from provincekit import KEY, TEXT, publish  # type: ignore[import-not-found]

from engine import load_definition
from workflows import instances, migrations
from workflows.directory import registration
from workflows.migrations import Scope

PAPUA = "diskominfo@papua.go.id"


@pytest.mark.parametrize("ref", ["Papua", "91"])
def test_a_province_workflow_migrates_by_province(world: Any, ref: str) -> None:
    prog = world.prog
    publish(prog)
    registration.add_person(prog, PAPUA, "Diskominfo Papua", "coordinator", None, "papua")
    instances.start(prog, KEY, "Papua", PAPUA)
    with prog.db.transaction() as session:
        prog.engine.publish(session, load_definition(
            TEXT.replace("\nversion: 1\n", "\nversion: 2\n"), "v2", prog.guards))
    done = migrations.migrate(prog, KEY, 2, Scope(regions=(ref,)), world.COORDINATOR)
    assert done.ok and [p.subject for p in done.applied] == ["91"]
    with prog.db.read() as session:
        assert prog.current_instance(session, "91", KEY).definition_version == 2
