"""What every command shares: the programme (opened once, lazily), consoles, common options.

Nothing here imports the programme at module level: ``smartcity --help`` and a command's own
help load only the command line, and a command loads the programme when it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from config.messages import InSentence

if TYPE_CHECKING:
    from config.settings import Settings
    from engine import WorkflowDefinition
    from workflows.programme import Programme

# Piped output (logs, CI) gets a fixed width wide enough for the status table.
# Markup is off: region names, comments and file names come from users, and "[/x]" in them
# must print as typed, not be read as styling.
console = Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 150)
errors = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)


def table(*headers: str, title: str | None = None) -> Table:
    """A table whose long cells wrap instead of being cut off with an ellipsis."""
    return Table(*(Column(h, overflow="fold") for h in headers), title=title)


def error(message: str, prefix: str = "error:") -> None:
    """One line on stderr: the styled prefix, then the message as typed."""
    errors.print(Text.assemble((prefix, "red"), " ", message))


def subject_named(d: WorkflowDefinition, region: str, *, in_sentence: bool = False) -> str:
    """``region`` after what workflow ``d`` calls its subjects ("Daerah 64.71 Kota
    Balikpapan", "provinsi 64 ..." inside a sentence), or alone when it names none."""
    label = d.subject_label()
    if not label:
        return region
    return f"{InSentence(label) if in_sentence else label} {region}"


AsOption = Annotated[
    str,
    typer.Option("--as", envvar="SMARTCITY_AS", metavar="EMAIL",
                 help="Act as this registered person or OPD (or set SMARTCITY_AS)."),
]
CommentOption = Annotated[str | None, typer.Option("--comment", "-m", help="Why, for the history.")]
#: Which of a region's workflows a command is about (the master plan unless named).
WorkflowOption = Annotated[
    str,
    typer.Option("--workflow", "-w", metavar="KEY",
                 help="The workflow's key (see 'smartcity workflow list'); default: the "
                      "master plan."),
]
VersionOption = Annotated[
    int | None,
    typer.Option("--expect-version", metavar="N",
                 help="Refuse if the region changed since you saw version N."),
]


#: The options that set a setting for one run, by the setting they set: a bad value given
#: there is refused naming the option, not the environment variable.
OPTIONS = {"database_url": "--database-url", "data_dir": "--data-dir", "now": "--now"}


class State:
    """Holds the programme for one invocation; commands open it only when they need it."""

    def __init__(self) -> None:
        self.overrides: dict[str, object] = {}
        #: Set when the options' values, not the environment, were refused.
        self.options_refused = False
        self._programme: Programme | None = None

    def settings(self) -> Settings:
        from pydantic import ValidationError

        from config.settings import Settings, get_settings

        base = get_settings()
        if not self.overrides:
            return base
        # Validated like the environment is, so a bad --database-url is refused the same way.
        try:
            return Settings.model_validate(
                {**base.model_dump(exclude_unset=True), **self.overrides})
        except ValidationError:
            self.options_refused = True
            raise

    def setting_names(self) -> dict[str, str]:
        """How the person gave each setting whose value was refused, when not by the
        environment: ``{"database_url": "--database-url"}``."""
        if not self.options_refused:
            return {}
        return {field: OPTIONS[field] for field in self.overrides if field in OPTIONS}

    def programme(self, *, database_needed: bool = True) -> Programme:
        """The programme of this invocation. A SQLite database that is not there is refused
        before anything is written (a data directory mistyped, or relative to another working
        directory, must not quietly become a new, empty database), unless the command creates
        it (``smartcity init``) or uses none (``smartcity workflow validate``)."""
        if self._programme is None:
            from workflows.programme import Programme

            settings = self.settings()
            if database_needed:
                require_database(settings)
            self._programme = Programme(settings)
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


def require_database(settings: Settings) -> None:
    """Refuse, in one line naming ``smartcity init``, a SQLite database file that does not
    exist (the default one in the data directory, or a ``sqlite:///`` URL's file)."""
    from sqlalchemy.engine import make_url

    from config.messages import text
    from engine import DatabaseUnavailable

    if settings.database_url is None:
        path = settings.data_dir / "smartcity.db"
    else:
        url = make_url(settings.database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return
        path = Path(url.database)
    if path.exists():
        return
    full = path.resolve()
    if path.is_absolute():
        raise DatabaseUnavailable(text("cli.no_database", path=str(full)))
    raise DatabaseUnavailable(text("cli.no_database_relative", path=str(full),
                                   given=str(path.parent), cwd=str(Path.cwd())))


def programme() -> Programme:
    return state.programme()
