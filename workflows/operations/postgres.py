"""PostgreSQL's own tools for a backup and a restore: ``pg_dump`` and ``pg_restore``.

They, not SQL run from Python, read and write a PostgreSQL database whole: ``pg_dump`` takes
one consistent snapshot while the service keeps writing, and its custom format (``-Fc``) is
compressed and restores in dependency order. They speak libpq, not SQLAlchemy, so the
configured URL (``postgresql+psycopg://user:secret@host:5432/db?sslmode=require``) is
translated into a libpq connection string; the password goes in ``PGPASSWORD`` (the
environment of the child only), never on a command line that ``ps`` shows.

A ``pg_dump`` older than the server refuses to dump it, so the newest one installed is chosen
(``PATH`` and Debian's ``/usr/lib/postgresql/<major>/bin``), and none at least as new as the
server is refused in one line naming the package to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from engine import InvalidInputError

#: Where Debian and Ubuntu install each major version's client programs.
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Connection:
    """What a libpq program needs: its ``--dbname`` argument and its environment."""

    conninfo: str
    env: dict[str, str]


def _quoted(value: str) -> str:
    """A libpq connection-string value: quoted, with backslashes and quotes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def libpq(url: str) -> Connection:
    """The SQLAlchemy ``url`` as a libpq connection string and environment (the password)."""
    parsed = make_url(url)
    parts: dict[str, str] = {}
    if parsed.host:
        parts["host"] = parsed.host
    if parsed.port:
        parts["port"] = str(parsed.port)
    if parsed.username:
        parts["user"] = parsed.username
    if parsed.database:
        parts["dbname"] = parsed.database
    for key, value in parsed.query.items():  # sslmode, host (a socket folder), ...
        parts[key] = value if isinstance(value, str) else value[-1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return Connection(" ".join(f"{k}={_quoted(v)}" for k, v in parts.items()), env)


def _major(program: Path) -> int | None:
    """The major version ``program --version`` reports, or None when it does not run."""
    try:
        done = subprocess.run([str(program), "--version"], capture_output=True, text=True,
                              timeout=30, check=False)
    except OSError:
        return None
    found = _VERSION.search(done.stdout)
    return int(found[1]) if done.returncode == 0 and found else None


def candidates(name: str) -> list[Path]:
    """Every installed ``name`` (``pg_dump``, ``pg_restore``): on PATH, then Debian's."""
    found: list[Path] = []
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    if DEBIAN_BINARIES.is_dir():
        found += sorted(p for p in DEBIAN_BINARIES.glob(f"*/bin/{name}") if p.is_file())
    return found


def find_tool(name: str, server_major: int) -> Path:
    """The newest installed ``name`` whose major version is at least the server's."""
    versions = [(major, path) for path in candidates(name)
                if (major := _major(path)) is not None]
    if not versions:
        raise InvalidInputError("backup.tool_missing", tool=name, major=server_major)
    major, path = max(versions, key=lambda v: v[0])
    if major < server_major:
        raise InvalidInputError("backup.tool_too_old", tool=name, found=major,
                                major=server_major)
    return path


def run(program: Path, args: list[str], connection: Connection, *,
        refusal: str = "backup.tool_failed", **facts: str) -> None:
    """Run a libpq program; its own first error line becomes the refusal (``refusal``'s
    message, given ``tool``, ``detail`` and ``facts``)."""
    done = subprocess.run([str(program), *args], env=connection.env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        detail = next((line for line in lines if "error" in line.lower()),
                      lines[0] if lines else f"exit {done.returncode}")
        raise InvalidInputError(refusal, tool=program.name, detail=detail.strip(), **facts)
