"""``smartcity backup [--output FILE]`` and ``smartcity restore FILE [--yes] [--check]``.

The work is :mod:`workflows.operations`; this module adds what belongs to the command line:
the program's version and the schema revisions it knows (for the manifest and the restore's
refusal of a newer archive), the question before a database holding data is replaced (asked
on a terminal; refused without ``--yes`` when nobody can answer), progress bars, and the
migrations to head after a restore (:func:`interfaces.bootstrap.initialise`, as
``smartcity init``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from config.messages import plural, text
from engine import InvalidInputError
from interfaces.cli import oserrors, progress
from interfaces.cli.context import console, programme, state
from workflows.operations.archive import Manifest


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("smartcity-workflow")
    except PackageNotFoundError:
        return "unknown"


def known_revisions() -> frozenset[str]:
    """Every schema revision this program's migrations know (an archive's must be one)."""
    from alembic.script import ScriptDirectory

    import migrations

    return frozenset(s.revision for s in
                     ScriptDirectory.from_config(migrations.config()).walk_revisions())


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _summary(manifest: Manifest) -> str:
    c = manifest.counts
    return text("backup.summary", created=manifest.created_at,
                backend=manifest.database_backend, revision=str(manifest.alembic_revision),
                regions=c.get("regions", 0), history=c.get("history_entries", 0),
                submissions=c.get("submissions", 0), outbox=c.get("outbox", 0),
                files=sum(1 for f in manifest.files if f["path"].startswith("uploads/")))


def backup(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write the archive here (default: DATA_DIR/backups/smartcity-<UTC time>.tar.gz)."
    )] = None,
) -> None:
    """Archive the database and the uploads (.tar.gz with a checksummed manifest)."""
    from workflows.operations.backup import backup as make_backup

    prog = programme()
    try:
        report = make_backup(prog, output, app_version=app_version(), progress=progress.task)
    except OSError as exc:
        raise InvalidInputError(text("backup.cannot_write", path=str(output or "backups"),
                                     problem=oserrors.describe(exc))) from None
    console.print(text("backup.written", path=str(report.path),
                       size=_size(report.path.stat().st_size)), soft_wrap=True)
    console.print(_summary(report.manifest), soft_wrap=True)


def restore(
    archive: Annotated[Path, typer.Argument(metavar="FILE", help="An archive made by "
                                            "'smartcity backup'.")],
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Replace a database that holds data without asking.")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Only check the archive against this database and program; "
                        "change nothing.")] = False,
) -> None:
    """Check an archive whole, then put back its database and uploads, and migrate."""
    from interfaces.bootstrap import initialise
    from workflows.operations import restore as restoring

    prog = state.programme(database_needed=False)  # a new machine has no database yet
    if check:
        manifest = restoring.verify(prog, archive, known_revisions=known_revisions(),
                                    progress=progress.task)
        console.print(text("backup.checked", path=str(archive)), soft_wrap=True)
        console.print(_summary(manifest), soft_wrap=True)
        return

    def confirm(manifest: Manifest) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            raise InvalidInputError(text("backup.needs_yes", url=prog.db.safe_url))
        console.print(_summary(manifest), soft_wrap=True)
        return typer.confirm(text("backup.confirm", url=prog.db.safe_url), default=False)

    report = restoring.restore(prog, archive, known_revisions=known_revisions(),
                               confirm=confirm, progress=progress.task)
    with progress.task(text("backup.progress.migrate")):
        initialise(prog)
    console.print(text("backup.restored", path=str(archive), url=prog.db.safe_url,
                       created=report.manifest.created_at), soft_wrap=True)
    console.print(_summary(report.manifest), soft_wrap=True)
    console.print(plural("backup.restored_uploads", report.uploads), soft_wrap=True)
