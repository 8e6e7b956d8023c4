"""``smartcity demo``: the main job on the embedded defaults.

It wipes its own demo directory (only one it created, marked by a file), initialises SQLite
there, runs :class:`workflows.demo.Demo` and prints the cohort's status table and one region's
history with the same renderers as ``smartcity status`` and ``smartcity history``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from config.settings import Settings
from engine.errors import InvalidInputError
from interfaces.cli import reports
from interfaces.cli.context import console, state
from workflows.demo import Demo, SimulatedClock
from workflows.programme import Programme

MARKER = ".smartcity-demo"
SHOWN_REGION = "64.71"


def _prepare(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise InvalidInputError(
            f"{directory} is not empty and was not made by 'smartcity demo'; "
            "pass --data-dir with a new or empty directory"
        )
    if directory.exists() and not directory.is_dir():
        raise InvalidInputError(f"{directory} is a file; pass --data-dir with a directory")
    shutil.rmtree(directory, ignore_errors=True)
    try:
        directory.mkdir(parents=True)
        (directory / MARKER).write_text("made by smartcity demo; wiped on every run\n")
    except OSError as exc:
        raise InvalidInputError(f"cannot create {directory}: {exc.strerror or exc}") from None


def run_demo(directory: Path) -> None:
    _prepare(directory)
    clock = SimulatedClock()
    prog = Programme(Settings(data_dir=directory, database_url=None), clock=clock)
    state.use(prog)
    report = prog.init()
    console.print(f"smartcity demo: {prog.db.safe_url} "
                  f"({report.regions_added} regions loaded), simulated clock from "
                  f"{clock.now:%Y-%m-%d}")
    demo = Demo(prog, clock, directory / "inputs")
    result = demo.run()
    for line in result.log:
        console.print(f"  {line}")
    console.print(f"\n{result.transitions} transitions and {result.submissions} submissions "
                  f"through the engine; {len(result.refusals)} action(s) refused, e.g.:")
    for refusal in result.refusals[:3]:
        console.print(f"  refused: {refusal}", soft_wrap=True)
    console.print()
    reports.status(result.cohort)
    console.print()
    reports.history(SHOWN_REGION)
    console.print(f"\nExplore it: smartcity --data-dir {directory} status | history 94.04 | "
                  f"region show 72.01 | workflow diagram --region 72.01")
