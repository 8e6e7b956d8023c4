"""Through the command line, on SQLite and on PostgreSQL alike: a 10,806-character OPD, person
or cohort name, and an empty cohort name, are refused in one ``error:`` line with exit 1 and
nothing written (PostgreSQL used to refuse them as an internal error, SQLite to store them).

The command-line tests run on SQLite only (conftest.py); this module asks for both backends,
as the refusal must come before the database, whichever it is."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

LONG = "x" * 10_806
PG_ADMIN_URL = os.environ.get(
    "SMARTCITY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, initialised database of each backend (a copy of the session's template)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_database_url")
        return
    template: str = request.getfixturevalue("pg_template")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"sc_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def rows(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_long_names_are_refused_with_exit_1(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    assert cli.fail("opd", "add", "64.71", "DISKOMINFO", LONG, "kominfo@balikpapan.go.id") == (
        "error: The OPD's name is too long: 10,806 characters; at most 200")
    assert cli.fail("person", "add", "ayu@kominfo.go.id", "--name", LONG,
                    "--role", "coordinator") == (
        "error: The name is too long: 10,806 characters; at most 200")
    assert cli.fail("mentor", "add", "sari@itb.ac.id", "--name", LONG) == (
        "error: The name is too long: 10,806 characters; at most 200")
    assert cli.fail("cohort", "create", LONG, "--year", "2026") == (
        "error: The cohort's name is too long: 10,806 characters; at most 100")
    assert (rows(database_url, "opd"), rows(database_url, "person"),
            rows(database_url, "cohort")) == (0, 0, 0)


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_cohort_name_is_refused(cli, database_url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert cli.fail("cohort", "create", name, "--year", "2026") == (
        "error: The cohort's name must not be empty")
    assert rows(database_url, "cohort") == 0


def test_the_indonesian_reader_reads_indonesian_numbers(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli.run("opd", "add", "64.71", "DISKOMINFO", LONG, "kominfo@balikpapan.go.id",
                     env={"SMARTCITY_LANG": "id"})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "kesalahan: Nama OPD terlalu panjang: 10.806 karakter; paling banyak 200"]


def test_an_import_with_control_characters_in_a_name_is_refused(cli, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """A terminal escape in a CSV name would be replayed raw by ``opd list``; a NUL failed on
    PostgreSQL naming no field. Both are refused, the row and field named, nothing echoed."""
    path = cli.write("opds.csv", "region,code,name,email\n"
                                 "64.71,DISKOMINFO,Dinas Kominfo,kominfo@balikpapan.go.id\n"
                                 "64.71,DINKES,Dinas\x01\x1b[31m Merah,dinkes@balikpapan.go.id\n"
                                 "64.71,BAPPEDA,Bappeda\x00,bappeda@balikpapan.go.id\n")
    result = cli.run("opd", "import", path)
    assert "\x1b" not in result.stderr and "\x01" not in result.stderr
    line = cli.error_line(result)
    assert line.startswith("error: opds.csv: 2 bad row(s), nothing imported: ")
    assert ("row 3: The OPD's name contains a control character (U+0001, character 6), "
            "which cannot be stored: remove it") in line
    assert "row 4: The OPD's name contains a control character (U+0000, character 8)" in line
    assert rows(database_url, "opd") == 0
