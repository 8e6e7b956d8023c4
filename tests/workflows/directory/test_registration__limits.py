"""Names longer than their column, or empty, are refused before the database, on SQLite as
on PostgreSQL: one sentence naming the field, its limit and the length given, in the reader's
language, and nothing written. SQLite used to store a 10,806-character OPD name (PostgreSQL
refused it as an internal error) and the board then showed it; an empty cohort name was
accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from config import language
from engine import InvalidInputError
from workflows.directory import cohorts, imports, registration
from workflows.directory.models import Cohort, Opd, Person
from workflows.programme import Programme

LONG = "x" * 10_806


def count(prog: Programme, model: type) -> int:
    with prog.db.read() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_the_limits_are_the_columns() -> None:
    assert (imports.OPD_NAME_MAX, imports.PERSON_NAME_MAX) == (200, 200)


def test_a_long_opd_name_is_refused_and_nothing_written(prog: Programme) -> None:
    before = count(prog, Opd)
    with pytest.raises(InvalidInputError) as refused:
        registration.add_opd(prog, "64.71", "DISKOMINFO", LONG, "kominfo@balikpapan.go.id")
    assert str(refused.value) == (
        "The OPD's name is too long: 10,806 characters; at most 200")
    with language.using("id"):
        assert str(refused.value) == "Nama OPD terlalu panjang: 10.806 karakter; paling banyak 200"
    assert count(prog, Opd) == before


def test_a_name_of_exactly_the_limit_is_taken(prog: Programme) -> None:
    registration.add_opd(prog, "64.71", "DISKOMINFO", "n" * 200, "kominfo@balikpapan.go.id")
    with pytest.raises(InvalidInputError, match="201 characters; at most 200"):
        registration.add_opd(prog, "64.71", "DINKES", "n" * 201, "dinkes@balikpapan.go.id")


@pytest.mark.parametrize("add", [
    lambda prog, name: registration.add_person(prog, "ayu@kominfo.go.id", name, "coordinator",
                                               None),
    lambda prog, name: registration.add_mentor(prog, "sari@itb.ac.id", name, ["64.71"]),
])
def test_a_long_or_empty_person_name_is_refused(prog: Programme, add) -> None:  # type: ignore[no-untyped-def]
    before = count(prog, Person)
    with pytest.raises(InvalidInputError, match="The name is too long: 10,806 characters"):
        add(prog, LONG)
    with pytest.raises(InvalidInputError, match="empty"):
        add(prog, "   ")
    assert count(prog, Person) == before


@pytest.mark.parametrize(("name", "says"), [
    (LONG, "The cohort's name is too long: 10,806 characters; at most 100"),
    ("", "The cohort's name must not be empty"),
    ("  \t ", "The cohort's name must not be empty"),
])
def test_a_cohort_name_long_or_empty_is_refused(prog: Programme, name: str, says: str) -> None:
    before = count(prog, Cohort)
    with pytest.raises(InvalidInputError) as refused:
        cohorts.create_cohort(prog, name, 2026)
    assert str(refused.value) == says
    assert count(prog, Cohort) == before


def test_a_cohort_name_is_kept_without_the_spaces_around_it(prog: Programme) -> None:
    assert cohorts.create_cohort(prog, "  Smart City 2026 ", 2026).name == "Smart City 2026"


def test_a_csv_import_names_the_row_and_writes_nothing(prog: Programme, tmp_path: Path) -> None:
    source = tmp_path / "opds.csv"
    source.write_text("region,code,name,email\n"
                      "64.71,DISKOMINFO,Dinas Kominfo,kominfo@balikpapan.go.id\n"
                      f"64.71,DINKES,{LONG},dinkes@balikpapan.go.id\n", encoding="utf-8")
    before = count(prog, Opd)
    with pytest.raises(InvalidInputError) as refused:
        registration.upsert_opds(prog, imports.parse_opds(source, prog.dimensions))
    assert "row 3" in str(refused.value)
    assert "The OPD's name is too long: 10,806 characters; at most 200" in str(refused.value)
    assert count(prog, Opd) == before


def test_rows_made_in_code_are_checked_too(prog: Programme) -> None:
    with pytest.raises(InvalidInputError, match="10,806 characters"):
        registration.upsert_opds(prog, [imports.OpdRow("64.71", "DISKOMINFO", LONG,
                                                       "kominfo@balikpapan.go.id", None)])
    assert count(prog, Opd) == 0


def test_a_long_address_is_refused_by_its_length(prog: Programme) -> None:
    address = "a" * 60 + "@" + "b" * 10_000 + ".go.id"
    with pytest.raises(InvalidInputError) as refused:
        registration.add_person(prog, address, "Ayu", "coordinator", None)
    assert "The email address is too long: 10,067 characters; at most 254" in str(refused.value)
    assert count(prog, Person) == 0
