"""What every command shares: the programme (opened once, lazily), consoles, common options."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from config.settings import Settings, get_settings
from workflows.programme import Programme

# Piped output (logs, CI) gets a fixed width wide enough for the status table.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

AsOption = Annotated[
    str,
    typer.Option("--as", envvar="SMARTCITY_AS", metavar="EMAIL",
                 help="Act as this registered person or OPD (or set SMARTCITY_AS)."),
]
CommentOption = Annotated[str | None, typer.Option("--comment", "-m", help="Why, for the history.")]
VersionOption = Annotated[
    int | None,
    typer.Option("--expect-version", metavar="N",
                 help="Refuse if the region changed since you saw version N."),
]


class State:
    """Holds the programme for one invocation; commands open it only when they need it."""

    def __init__(self) -> None:
        self.overrides: dict[str, object] = {}
        self._programme: Programme | None = None

    def settings(self) -> Settings:
        base = get_settings()
        return base.model_copy(update=self.overrides) if self.overrides else base

    def programme(self) -> Programme:
        if self._programme is None:
            self._programme = Programme(self.settings())
        return self._programme

    def use(self, prog: Programme) -> None:
        """Let commands print from a programme opened elsewhere (the demo's simulated clock)."""
        self.close()
        self._programme = prog

    def close(self) -> None:
        if self._programme is not None:
            self._programme.close()
            self._programme = None


state = State()


def programme() -> Programme:
    return state.programme()
