"""The root ``smartcity`` command: global options, sub-commands, and the error boundary.

Every expected failure (:class:`engine.WorkflowError`) is printed as one line on stderr with a
non-zero exit; an unexpected one too, with a hint to rerun with ``SMARTCITY_DEBUG=1`` for the
traceback. No traceback reaches a user by default.

Sub-commands load on demand: :data:`COMMANDS` names each one with the module that defines it
and its one-line help, so ``smartcity --help`` lists them all without importing any, and
``smartcity status`` imports the status command's module (and what it needs) only. A test
checks that every line here matches the help of the command it stands for.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from config import language
from config.messages import text
from interfaces.cli.context import error, state

EXIT_ERROR = 1
EXIT_INTERNAL = 70

#: Every sub-command: name -> (module defining it, its one-line help), in the order listed.
COMMANDS: dict[str, tuple[str, str]] = {
    "advance": ("actions", "Fire a workflow action on a region (see 'smartcity actions REGION')."),
    "actions": ("actions", "What you may do on a region now, and why not where you may not."),
    "submit": ("actions", "Submit a new version of a deliverable."),
    "status": ("reports", "Progress table: every region of a cohort by stage, with its deadline "
                          "in its own zone."),
    "history": ("reports", "A region's timeline: who did what, when (in the region's zone), "
                           "with comments."),
    "calendar": ("calendar", "Deadlines as iCalendar (.ics), to import or subscribe to in any "
                             "calendar."),
    "worker": ("worker", "Run the scheduler's jobs and deliver email until stopped."),
    "serve": ("serve", "Serve the web pages and the REST API (with the clock and email "
                       "delivery)."),
    "workflow": ("workflow", "Workflow definitions: show, validate, publish, diagram, start; "
                             "migrate running regions to another version."),
    "cohort": ("directory", "Cohorts: the regions selected in a year."),
    "region": ("directory", "The 514 kabupaten/kota."),
    "opd": ("directory", "Regional agencies (OPDs) with their email addresses."),
    "person": ("directory", "Coordinators, assessors and heads of region."),
    "mentor": ("directory", "Mentors and the regions assigned to them."),
    "review": ("actions", "Mentor review of the quick-win plan."),
    "evaluation": ("evaluation", "Twice-yearly evaluation: windows, returns, extensions, "
                                 "scores, ranking."),
    "deadlines": ("deadlines", "Deadlines, cohort dates, overrides, extensions."),
    "reminders": ("reminders", "Reminder digests and escalations: what the sweep will send."),
    "outbox": ("outbox", "Email waiting, sent and dead-lettered; re-queue dead letters."),
    "account": ("account", "Accounts that sign in to the web pages and the API."),
    "backup": ("backup", "Archive the database and the uploads (.tar.gz with a checksummed "
                         "manifest)."),
    "restore": ("backup", "Check an archive whole, then put back its database and uploads, "
                          "and migrate."),
    "audit": ("audit", "The history of every region for auditors: export a period."),
}


class LazyCommands(TyperGroup):
    """A group whose sub-commands are imported when one of them runs, not to list them."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return [*self.commands, *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]
        found = self.commands.get(cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        # Listed, not run: a stand-in with the one-line help, so listing imports nothing.
        return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])

    def resolve_command(self, ctx: typer.Context, args: list[str]  # type: ignore[override]
                        ) -> Any:
        if args and args[0] in COMMANDS and args[0] not in self.commands:
            self.commands[args[0]] = load(args[0])
        return super().resolve_command(ctx, args)


def load(name: str) -> Any:
    """The real command ``name`` (a Click command), from the module that defines it."""
    module = importlib.import_module(f"interfaces.cli.{COMMANDS[name][0]}")
    holder = typer.Typer(rich_markup_mode=None)
    holder.callback()(lambda: None)  # a group even when the module adds one command
    module.register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return group.commands[name]


class ErrorBoundary(LazyCommands):
    """Turns exceptions from any sub-command into one line and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        # The whole run speaks SMARTCITY_LANG, else the locale's language, else Indonesian;
        # set here, for this run only, so errors below are worded in it too.
        with language.using(language.from_environment()):
            return self._invoke(ctx)

    def _invoke(self, ctx: typer.Context) -> Any:
        from pydantic import ValidationError
        from pydantic_settings import SettingsError

        from engine import WorkflowError

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except BrokenPipeError:
            # The reader went away (`smartcity status | head -1`): stop writing, as Unix
            # tools do, without a word on stderr.
            from interfaces.cli.oserrors import stdout_closed

            stdout_closed()
            raise typer.Exit(0) from None
        except WorkflowError as exc:
            error(str(exc), prefix=text("cli.error_prefix"))
            raise typer.Exit(EXIT_ERROR) from None
        except ValidationError as exc:  # settings from the environment or the options
            from config.setting_problems import describe

            error(describe(exc, state.setting_names()), prefix=text("cli.error_prefix"))
            raise typer.Exit(EXIT_ERROR) from None
        except SettingsError as exc:  # a value pydantic-settings could not even decode
            from config.setting_problems import describe_unreadable

            error(describe_unreadable(str(exc)), prefix=text("cli.error_prefix"))
            raise typer.Exit(EXIT_ERROR) from None
        except Exception as exc:
            if os.environ.get("SMARTCITY_DEBUG"):
                raise
            first_line = (str(exc).strip().splitlines() or [""])[0]
            error(text("cli.internal_error", kind=type(exc).__name__, detail=first_line),
                  prefix=text("cli.internal_error_prefix"))
            raise typer.Exit(EXIT_INTERNAL) from None
        finally:
            state.close()


app = typer.Typer(
    cls=ErrorBoundary,
    name="smartcity",
    help="Workflow and approval engine for Gerakan Menuju 100 Smart City.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def root(
    database_url: Annotated[str | None, typer.Option(
        "--database-url", metavar="URL",
        help="SQLAlchemy URL (default: SQLite in the data directory; or SMARTCITY_DATABASE_URL).",
    )] = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", metavar="DIR", help="Where SQLite and uploads live (default ./var).",
    )] = None,
) -> None:
    state.overrides = {}
    state.options_refused = False
    if database_url:
        state.overrides["database_url"] = database_url
    if data_dir:
        state.overrides["data_dir"] = data_dir


@app.command()
def init() -> None:
    """Create or upgrade the database, load the 514 regions, publish the shipped workflows."""
    from interfaces.bootstrap import initialise
    from interfaces.cli import progress
    from interfaces.cli.context import console

    prog = state.programme(database_needed=False)
    report = initialise(prog, progress.task)
    console.print(text("cli.init.ready", url=prog.db.safe_url))
    console.print(text("cli.init.regions", count=report.regions_added))
    published = ", ".join(report.definitions_published) or text("cli.init.none_new")
    console.print(text("cli.init.published", names=published))


@app.command()
def demo() -> None:
    """Seed a cohort across WIB, WITA and WIT and drive two years of the programme, ending today.

    It runs on its own SQLite database in DATA_DIR (default var/demo), wiped first. Its story
    ends on today's date (SMARTCITY_NOW when set), so 'smartcity serve' agrees with it.
    """
    from datetime import UTC, datetime

    from config.settings import get_settings
    from engine import InvalidInputError
    from interfaces.cli.demo.command import run_demo

    settings = get_settings()
    if "database_url" in state.overrides or settings.database_url:
        raise InvalidInputError(text("cli.demo.own_sqlite"))
    directory = state.overrides.get("data_dir")
    run_demo(directory if isinstance(directory, Path) else Path("var/demo"),
             settings.now or datetime.now(UTC))


def main() -> None:
    app(prog_name="smartcity")
