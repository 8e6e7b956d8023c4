"""``initialise`` reports its steps to the ``step`` it is given, and applies every migration
the database lacks, one revision at a time, oldest first.

The command line passes its progress bars as ``step``; here a recorder stands in for them. The
default step shows nothing (``serve`` and the tests call ``initialise`` without one).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from alembic.script import ScriptDirectory

import migrations
from config.settings import Settings
from interfaces.bootstrap import initialise, pending
from workflows.programme import Programme

REVISIONS = [r.revision for r in
             reversed(list(ScriptDirectory.from_config(migrations.config()).walk_revisions()))]


class Recorder:
    """A ``step`` that writes down each step's label, size and how far it got."""

    def __init__(self) -> None:
        self.steps: list[list[object]] = []

    @contextlib.contextmanager
    def __call__(self, label: str, total: int | None = None) -> Iterator[Callable[..., None]]:
        record: list[object] = [label, total, 0]
        self.steps.append(record)

        def advance(steps: int = 1) -> None:
            record[2] = int(str(record[2])) + steps

        yield advance


def _programme(tmp_path: Path) -> Programme:
    return Programme(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}"))


def test_a_new_database_gets_every_revision_as_a_step(tmp_path: Path) -> None:
    prog = _programme(tmp_path)
    try:
        assert pending(prog.db.engine) == REVISIONS
        steps = Recorder()
        report = initialise(prog, steps)
        assert steps.steps == [
            ["Applying the database schema migrations", len(REVISIONS), len(REVISIONS)],
            ["Loading the 514 regions and publishing the shipped workflows", None, 0],
        ]
        assert report.regions_added == 514
        assert migrations.current(prog.db.engine) == REVISIONS[-1]
        assert pending(prog.db.engine) == []
    finally:
        prog.close()


def test_a_database_part_way_gets_only_what_it_lacks(tmp_path: Path) -> None:
    prog = _programme(tmp_path)
    try:
        migrations.upgrade(prog.db.engine, REVISIONS[1])
        assert pending(prog.db.engine) == REVISIONS[2:]
        steps = Recorder()
        initialise(prog, steps)
        assert steps.steps[0][1:] == [len(REVISIONS) - 2, len(REVISIONS) - 2]
        assert migrations.current(prog.db.engine) == REVISIONS[-1]
        again = Recorder()
        assert initialise(prog, again).regions_added == 0
        assert [label for label, _, _ in again.steps] == [
            "Loading the 514 regions and publishing the shipped workflows"]
    finally:
        prog.close()
