"""The ``smartcity evaluation`` group through Typer's CliRunner, for the evaluation and the
edition command tests: the group on a root app with the real error boundary, bound to a
programme, with helpers that assert the exit code and strip terminal colours."""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.testing import CliRunner, Result

from interfaces.cli import evaluation as evaluation_cli
from interfaces.cli.app import ErrorBoundary
from interfaces.cli.context import state

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Cli:
    def __init__(self, prog: Any) -> None:
        self.app = typer.Typer(cls=ErrorBoundary, pretty_exceptions_enable=False,
                               rich_markup_mode=None)

        @self.app.callback()
        def root() -> None:
            state.use(prog)

        evaluation_cli.register(self.app)
        self.runner = CliRunner()

    def run(self, *args: str) -> Result:
        return self.runner.invoke(self.app, ["evaluation", *args])

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
        return ANSI.sub("", result.stdout)

    def fail(self, *args: str, code: int = 1) -> str:
        """The one ``error:`` line of a refused command that exited with ``code``."""
        result = self.run(*args)
        assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
        lines = ANSI.sub("", result.stderr).strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), lines
        return lines[0]


def squash(text: str) -> str:
    """``text`` without any white space: table cells compared whatever their wrapping."""
    return re.sub(r"\s+", "", text)
