"""How long the command line takes to start, beside a bare Typer app, in the same run.

Every command is run as a fresh process (what a person typing it pays) ``--runs`` times, and
the median wall time is reported with its ratio to the bare Typer app's ``--help``:

* ``python``: the interpreter alone (``python -c pass``);
* ``bare typer``: a two-command Typer app's ``--help``, the command line's own floor;
* ``libraries``: importing only what any command that reads the database cannot avoid
  (Typer and Rich, SQLModel with SQLAlchemy's ORM, pydantic-settings, PyYAML);
* ``smartcity --help``, ``smartcity status`` and ``smartcity history 64.71`` on a scratch
  SQLite database holding a cohort of two regions.

Targets (issue 8): ``--help`` within 2x of the bare Typer app; a read command under 0.5 s.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
SMARTCITY = str(Path(PYTHON).parent / "smartcity")
BARE_APP = '''\
import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    print(name)


@app.command()
def bye() -> None:
    """Say goodbye."""


app()
'''
LIBRARIES = "import typer, rich.table, sqlmodel, sqlalchemy.orm, pydantic_settings, yaml"


def median_seconds(argv: list[str], runs: int, env: dict[str, str]) -> float:
    """The median wall time of ``runs`` fresh processes of ``argv`` (each must succeed)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): "
                             f"{done.stderr.decode(errors='replace')[-500:]}")
    return statistics.median(times)


def scratch_database(folder: Path, env: dict[str, str]) -> None:
    """A SQLite database with the shipped data and a cohort of two regions."""
    for args in (["init"], ["cohort", "create", "Smart City 2026", "--year", "2026"],
                 ["cohort", "add", "2026", "64.71", "94.04"]):
        subprocess.run([SMARTCITY, "--data-dir", str(folder), *args], env=env, check=True,
                       capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per command")
    runs = parser.parse_args().runs
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCITY_")}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare = folder / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        data = folder / "data"
        scratch_database(data, env)
        commands = {
            "python": [PYTHON, "-c", "pass"],
            "bare typer --help": [PYTHON, str(bare), "--help"],
            "libraries": [PYTHON, "-c", LIBRARIES],
            "smartcity --help": [SMARTCITY, "--help"],
            "smartcity status": [SMARTCITY, "--data-dir", str(data), "status"],
            "smartcity history": [SMARTCITY, "--data-dir", str(data), "history", "64.71"],
        }
        measured = {name: median_seconds(argv, runs, env) for name, argv in commands.items()}
    bare_time = measured["bare typer --help"]
    print(f"median of {runs} fresh processes each, on this machine ({os.cpu_count()} cores)")
    print(f"{'command':<20} {'seconds':>8} {'x bare typer':>13}")
    for name, seconds in measured.items():
        print(f"{name:<20} {seconds:>8.3f} {seconds / bare_time:>13.2f}")
    help_ok = measured["smartcity --help"] <= 2 * bare_time
    reads = max(measured["smartcity status"], measured["smartcity history"])
    print(f"--help within 2x of bare typer: {'yes' if help_ok else 'NO'}; "
          f"slowest read command {reads:.3f} s (target 0.5 s; the libraries alone take "
          f"{measured['libraries']:.3f} s here)")


if __name__ == "__main__":
    main()
