"""``smartcity audit export --from DATE --to DATE [--format csv|jsonl] [--output FILE]``.

Every history entry of the period (dates in WIB, both included; see
:mod:`workflows.reporting.audit`), streamed: to standard output for a pipe, or to a file
written under a temporary name and renamed when complete (a CSV file starts with a
byte-order mark, so a spreadsheet reads its UTF-8; standard output gets none). A reader
that stops early (``| head``) ends the export quietly, exit 0 (:mod:`interfaces.cli.oserrors`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from config.messages import plural, text
from engine import InvalidInputError
from interfaces.cli import oserrors, progress
from interfaces.cli.context import console, programme

audit_app = typer.Typer(help="The history of every region for auditors: export a period.",
                        no_args_is_help=True, rich_markup_mode=None)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command()
def export(
    first: Annotated[str, typer.Option("--from", metavar="YYYY-MM-DD",
                                       help="First day (WIB), included.")],
    last: Annotated[str, typer.Option("--to", metavar="YYYY-MM-DD",
                                      help="Last day (WIB), included.")],
    fmt: Annotated[str, typer.Option("--format", metavar="csv|jsonl",
                                     help="CSV for a spreadsheet, JSON lines for tools.")]
    = "csv",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write here (default: standard output).")]
    = None,
) -> None:
    """Every history entry of a period: when (UTC), region, workflow, action, from, to, who."""
    from workflows.reporting import audit

    chosen = audit.period(first, last)
    if fmt not in audit.FORMATS:
        raise InvalidInputError(text("audit.bad_format", given=fmt,
                                     known=", ".join(audit.FORMATS)))
    prog = programme()
    write = audit.WRITERS[fmt]
    if output is None:
        try:
            write(audit.entries(prog, chosen), sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            oserrors.stdout_closed()
        return
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                          newline="") as out, \
                progress.task(text("audit.progress")) as advance:
            count = write(audit.entries(prog, chosen), out, advance)
        os.replace(partial, output)
    except OSError as exc:
        raise InvalidInputError(text("audit.cannot_write", path=str(output),
                                     problem=oserrors.describe(exc))) from None
    finally:
        partial.unlink(missing_ok=True)
    console.print(plural("audit.written", count, first=chosen.first.isoformat(),
                         last=chosen.last.isoformat(), path=str(output)), soft_wrap=True)
