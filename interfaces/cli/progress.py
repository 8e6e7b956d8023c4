"""Progress on long work (``init``, imports, ``backup``/``restore``, migrations, the demo).

A Rich progress bar on a terminal, so nobody waits in front of a silent prompt; nothing at all
when the output is piped or redirected (a cron job, CI, a test capturing it), so logs carry only
the one-line results the commands print anyway. One module owns the decision, so every command
shows progress the same way.

Use::

    with progress.task(text("cli.progress.regions"), total=len(rows)) as advance:
        for row in rows:
            ...
            advance()          # one step; advance(n) for n

``total=None`` shows a spinner for work whose size is not known in advance.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from interfaces.cli.context import console


def shown() -> bool:
    """Whether progress is drawn: only on an interactive terminal."""
    return console.is_terminal and sys.stdout.isatty()


@contextlib.contextmanager
def task(label: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """A progress bar labelled ``label`` while inside; yields ``advance(steps=1)``.

    The bar is transient (it disappears when the work is done), so what stays on the
    terminal is the command's own result line.
    """
    if not shown():
        yield lambda steps=1: None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}", markup=False)]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        handle = bar.add_task(label, total=total)

        def advance(steps: int = 1) -> None:
            bar.advance(handle, steps)

        yield advance
