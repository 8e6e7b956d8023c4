"""The root ``smartcity`` command: global options, sub-commands, and the error boundary.

Every expected failure (:class:`engine.errors.SmartCityError`) is printed as one line on
stderr with a non-zero exit; an unexpected one too, with a hint to rerun with
``SMARTCITY_DEBUG=1`` for the traceback. No traceback reaches a user by default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from config.settings import get_settings
from engine.errors import InvalidInputError, SmartCityError
from interfaces.cli import (
    account,
    actions,
    calendar,
    deadlines,
    directory,
    evaluation,
    outbox,
    reports,
    serve,
    worker,
    workflow,
)
from interfaces.cli.context import console, error, state

EXIT_ERROR = 1
EXIT_INTERNAL = 70


class ErrorBoundary(TyperGroup):
    """Turns exceptions from any sub-command into one line and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except SmartCityError as exc:
            error(str(exc))
            raise typer.Exit(EXIT_ERROR) from None
        except ValidationError as exc:  # settings from the environment or the options
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            error(f"setting SMARTCITY_{where.upper()}: {first['msg']}")
            raise typer.Exit(EXIT_ERROR) from None
        except Exception as exc:
            if os.environ.get("SMARTCITY_DEBUG"):
                raise
            first_line = (str(exc).strip().splitlines() or [""])[0]
            error(f"{type(exc).__name__}: {first_line}. This is a bug; rerun with "
                  "SMARTCITY_DEBUG=1 to see the traceback and report it.",
                  prefix="internal error:")
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
    if database_url:
        state.overrides["database_url"] = database_url
    if data_dir:
        state.overrides["data_dir"] = data_dir


@app.command()
def init() -> None:
    """Create or upgrade the database, load the 514 regions, publish the shipped workflows."""
    prog = state.programme()
    report = prog.init()
    console.print(f"Database ready at {prog.db.safe_url}")
    console.print(f"Regions added: {report.regions_added}")
    published = ", ".join(report.definitions_published) or "none new"
    console.print(f"Workflows published: {published}")


@app.command()
def demo() -> None:
    """Seed a cohort across WIB, WITA and WIT and drive a year of the programme.

    It runs on its own SQLite database in DATA_DIR (default var/demo), wiped first.
    """
    from interfaces.cli.demo import run_demo

    if "database_url" in state.overrides or get_settings().database_url:
        raise InvalidInputError("the demo runs on its own SQLite file; drop --database-url "
                                "(and SMARTCITY_DATABASE_URL) and choose a place with --data-dir")
    directory = state.overrides.get("data_dir")
    run_demo(directory if isinstance(directory, Path) else Path("var/demo"))


workflow.register(app)
directory.register(app)
actions.register(app)
reports.register(app)
calendar.register(app)
evaluation.register(app)
deadlines.register(app)
outbox.register(app)
worker.register(app)
serve.register(app)
account.register(app)


def main() -> None:
    app(prog_name="smartcity")
