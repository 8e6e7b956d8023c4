"""Bringing a database into service: schema migrations to head, then the shipped data.

``smartcity init``, ``smartcity serve`` and the demo call :func:`initialise`; it is idempotent
(a database already at head gains nothing, regions and definitions already there are kept).
It lives above the programme because the migrations know every package's tables, and the
programme must not depend on them.

The command line shows each step on a terminal by passing its progress bars
(:func:`interfaces.cli.progress.task`) as ``step``; the default draws nothing, so ``serve`` and
the tests initialise as silently as before. Taking the bars as a parameter keeps this module
free of the command line, which imports it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import migrations
from config.messages import text
from workflows.programme import InitReport, Programme

#: ``step(label, total)`` opens a step of ``total`` parts (``None``: of unknown size) and
#: yields ``advance(parts=1)``: the shape of :func:`interfaces.cli.progress.task`.
Step = Callable[[str, int | None], AbstractContextManager[Callable[..., None]]]


@contextlib.contextmanager
def quiet(label: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """A step that shows nothing."""
    yield lambda steps=1: None


def initialise(prog: Programme, step: Step = quiet) -> InitReport:
    """Migrate the schema to head, load the regions, publish the shipped definitions."""
    with prog.db.errors_mapped():
        to_apply = pending(prog.db.engine)
        if to_apply:
            with step(text("cli.progress.migrations"), len(to_apply)) as advance:
                # One revision at a time, so the bar moves; each is its own transaction,
                # and a failed one leaves the schema at the last revision that went through.
                for revision in to_apply:
                    migrations.upgrade(prog.db.engine, revision)
                    advance()
    with step(text("cli.progress.regions"), None):
        return prog.load_shipped()


def pending(engine: Engine) -> list[str]:
    """The migrations the database at ``engine`` still lacks, oldest first (none at head)."""
    script = ScriptDirectory.from_config(migrations.config())
    newest_first = script.iterate_revisions("heads", migrations.current(engine) or "base")
    return [r.revision for r in reversed(list(newest_first))]
