"""The command line loads only what a command needs.

``smartcity --help`` lists every command from the table in ``interfaces/cli/app.py`` without
importing any command's module; a command imports its own module and what that needs, not
the web application. The table must not drift from the commands: every line's help is the
command's own one-line help, and every command a module registers is in the table.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from interfaces.cli.app import COMMANDS, app, load

#: Modules the listing must not load, and the web stack no read command needs.
HEAVY = ("sqlalchemy", "sqlmodel", "engine", "workflows.programme")
WEB = ("fastapi", "uvicorn", "argon2", "interfaces.web", "apscheduler", "transitions")


def loaded_after(argv: list[str]) -> set[str]:
    """The module names loaded by a fresh interpreter running ``smartcity ARGV``."""
    probe = ("import sys; from typer.testing import CliRunner; "
             "from interfaces.cli.app import app; "
             f"result = CliRunner().invoke(app, {argv!r}); "
             "assert result.exit_code == 0, result.output; "
             "print(' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_line_is_the_commands_own_help(name: str) -> None:
    assert load(name).get_short_help_str(limit=1000) == COMMANDS[name][1]


@pytest.mark.parametrize("module", sorted({m for m, _ in COMMANDS.values()}))
def test_every_command_a_module_registers_is_listed(module: str) -> None:
    holder = typer.Typer()
    holder.callback()(lambda: None)
    importlib.import_module(f"interfaces.cli.{module}").register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    assert {n: COMMANDS[n][0] for n in group.commands if n in COMMANDS} == dict.fromkeys(
        group.commands, module)


def test_help_lists_every_command_and_loads_none() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    modules = loaded_after(["--help"])
    assert not {m for m in modules if m.startswith(HEAVY)}
    assert not {m for m in modules if m.startswith("interfaces.cli.") and
                m not in ("interfaces.cli.app", "interfaces.cli.context")}


def test_a_read_command_loads_its_module_and_not_the_web(tmp_path) -> None:
    data = tmp_path / "data"
    modules = loaded_after(["--data-dir", str(data), "init"])
    assert "interfaces.bootstrap" in modules
    modules = loaded_after(["--data-dir", str(data), "status"])
    assert "interfaces.cli.reports" in modules and "workflows.programme" in modules
    assert not {m for m in modules if m.startswith(WEB)}
    assert not {m for m in modules if m.startswith("interfaces.cli.")
                and m not in ("interfaces.cli.app", "interfaces.cli.context",
                              "interfaces.cli.reports")}
