"""PostgreSQL's tools as a backup calls them: the URL in libpq's words, the right pg_dump.

Proves: a SQLAlchemy URL becomes a libpq connection string (host, port, user, database and
query options such as ``sslmode``, values quoted) with the password only in the child's
``PGPASSWORD``, never on its command line; the newest installed tool at least as new as the
server is chosen (PATH and /usr/lib/postgresql/<major>/bin); none installed, or only older
ones, is refused in one line naming postgresql-client; a failing tool's own error is the
refusal; and the tools really installed here are found (PostgreSQL 15 on this machine).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from engine import InvalidInputError
from workflows.operations import postgres


def test_a_url_becomes_a_libpq_connection_string_with_the_password_apart() -> None:
    found = postgres.libpq("postgresql+psycopg://app:s3cr%27t@db.example:6543/smart city"
                           "?sslmode=require")
    assert found.conninfo == ("host='db.example' port='6543' user='app' "
                              "dbname='smart city' sslmode='require'")
    assert "s3cr" not in found.conninfo
    assert found.env["PGPASSWORD"] == "s3cr't"
    socket = postgres.libpq("postgresql+psycopg://postgres@/test?host=/var/run/postgresql")
    assert socket.conninfo == "user='postgres' dbname='test' host='/var/run/postgresql'"
    assert "PGPASSWORD" not in socket.env


def _fake_tool(folder: Path, name: str, major: int, fails: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    body = (f'echo "{name} (PostgreSQL) {major}.3"' if fails is None
            else f'if [ "$1" = --version ]; then echo "{name} (PostgreSQL) {major}.3"; '
                 f'exit 0; fi; echo "{fails}" >&2; exit 1')
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_newest_tool_at_least_as_new_as_the_server_is_chosen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tools = [_fake_tool(tmp_path / str(n), "pg_dump", n) for n in (13, 16, 15)]
    monkeypatch.setattr(postgres, "candidates", lambda name: tools)
    assert postgres.find_tool("pg_dump", 15) == tools[1]
    with pytest.raises(InvalidInputError) as caught:
        postgres.find_tool("pg_dump", 17)
    assert str(caught.value) == (
        "the newest pg_dump installed is version 16, older than the PostgreSQL server's "
        "version 17; install postgresql-client-17, then try again")


def test_no_tool_installed_is_refused_naming_the_package(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "candidates", lambda name: [])
    with pytest.raises(InvalidInputError) as caught:
        postgres.find_tool("pg_restore", 15)
    assert str(caught.value) == (
        "pg_restore was not found (PostgreSQL server version 15); install postgresql-client "
        "(version 15 or newer), then try again")


def test_a_failing_tool_says_its_own_error(tmp_path: Path) -> None:
    tool = _fake_tool(tmp_path, "pg_dump", 15,
                      fails='pg_dump: error: connection to server failed: no such database')
    with pytest.raises(InvalidInputError) as caught:
        postgres.run(tool, ["--dbname=x"], postgres.Connection("x", dict(os.environ)))
    assert str(caught.value) == (
        "pg_dump failed: pg_dump: error: connection to server failed: no such database")


def test_the_installed_tools_are_found() -> None:
    if not postgres.candidates("pg_dump"):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("pg_dump is required under CI=true (apt-get install postgresql-client)")
        pytest.skip("no PostgreSQL client tools installed")
    for name in ("pg_dump", "pg_restore"):
        assert postgres.find_tool(name, 12).name == name
