"""Imported rows are written all or nothing, updated in place, and unknown codes refused.

What the parsers of ``workflows.directory.imports`` accept is written by
``workflows.directory.registration`` (OPDs, people, mentors) and ``workflows.directory.cohorts``
(members) in one transaction or not at all: one bad row, an unknown region code (named in the
refusal) or an address already taken by someone else leaves the database as it was.
Re-importing a file updates the rows it keys (OPD by region and code, person by email) instead
of duplicating them, and adds only new mentor assignments. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import ConflictError, InvalidInputError, NotFoundError
from workflows.directory import actors, agencies, cohorts, imports, registration
from workflows.directory import people as directory_people
from workflows.directory.models import CohortMember, MentorAssignment, Opd, Person
from workflows.directory.reference import load_dimensions

DIMENSIONS = load_dimensions()
OPD_HEADER = "region,code,name,email,dimension\n"
BALIKPAPAN_OPDS = (
    OPD_HEADER
    + "64.71,DISKOMINFO,Dinas Komunikasi dan Informatika,diskominfo@balikpapan.go.id,governance\n"
    + "64.71,DINKES,Dinas Kesehatan,dinkes@balikpapan.go.id,living\n"
)


def _csv(tmp_path: Path, text: str, name: str = "opds.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(prog: Any, model: Any) -> int:
    with prog.db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_one_bad_row_imports_nothing(prog: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path, BALIKPAPAN_OPDS
                + "64.71,DISHUB,Dinas Perhubungan,dishub@balikpapan,living\n")
    with pytest.raises(InvalidInputError, match=r"^opds\.csv: 1 bad row\(s\), nothing imported: "
                                                r"row 4: email “dishub@balikpapan”"):
        registration.upsert_opds(prog, imports.parse_opds(path, DIMENSIONS))
    assert _count(prog, Opd) == 0


def test_an_unknown_region_code_is_refused_naming_it(prog: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path, BALIKPAPAN_OPDS
                + "99.98,DINKES,Dinas Kesehatan,dinkes@x.go.id,living\n"
                + "99.99,DINKES,Dinas Kesehatan,dinkes@y.go.id,living\n")
    rows = imports.parse_opds(path, DIMENSIONS)  # well-formed codes
    with pytest.raises(NotFoundError, match=r"^unknown region code\(s\): 99\.98, 99\.99$"):
        registration.upsert_opds(prog, rows)
    assert _count(prog, Opd) == 0


def test_an_email_taken_by_a_person_refuses_the_whole_file(prog: Any, tmp_path: Path) -> None:
    registration.add_person(prog, "dinkes@balikpapan.go.id", "Dr. Rina", "mentor", None)
    path = _csv(tmp_path, BALIKPAPAN_OPDS)
    with pytest.raises(ConflictError, match=r"^dinkes@balikpapan\.go\.id already belongs to "
                                            r"someone else; each actor needs its own$"):
        registration.upsert_opds(prog, imports.parse_opds(path, DIMENSIONS))
    assert _count(prog, Opd) == 0


def test_re_import_updates_instead_of_duplicating(prog: Any, tmp_path: Path) -> None:
    first = _csv(tmp_path, BALIKPAPAN_OPDS)
    assert registration.upsert_opds(prog, imports.parse_opds(first, DIMENSIONS)) == 2
    second = _csv(tmp_path, OPD_HEADER
                  + "64.71,dinkes,Dinas Kesehatan Kota Balikpapan,kesehatan@balikpapan.go.id,"
                  "society\n"
                  + "64.71,DISHUB,Dinas Perhubungan,dishub@balikpapan.go.id,living\n",
                  "opds-2.csv")
    assert registration.upsert_opds(prog, imports.parse_opds(second, DIMENSIONS)) == 1
    with prog.db.read() as session:
        rows = [(o.code, o.name, o.email, o.dimension) for o in agencies.opds(session, "64.71")]
    assert rows == [
        ("DINKES", "Dinas Kesehatan Kota Balikpapan", "kesehatan@balikpapan.go.id", "society"),
        ("DISHUB", "Dinas Perhubungan", "dishub@balikpapan.go.id", "living"),
        ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "diskominfo@balikpapan.go.id",
         "governance"),
    ]
    # people re-imported by email: the role and name change, no second row
    people = "email,name,role,region\nrina@ui.ac.id,Rina,assessor,\n"
    assert registration.upsert_people(prog, imports.parse_people(people)) == 1
    assert registration.upsert_people(prog, imports.parse_people(
        "email,name,role,region\nRINA@ui.ac.id,Dr. Rina Wijaya,mentor,\n")) == 0
    with prog.db.read() as session:
        assert [(p.email, p.name, p.role) for p in directory_people.people(session)] == [
            ("rina@ui.ac.id", "Dr. Rina Wijaya", "mentor")]


def test_a_members_file_with_an_unknown_code_adds_no_region(prog: Any, tmp_path: Path) -> None:
    cohorts.create_cohort(prog, "Smart City 2026", 2026)
    path = _csv(tmp_path, "region\n64.71\n99.99\n94.04\n", "anggota-2026.csv")
    with pytest.raises(InvalidInputError,
                       match=r"^anggota-2026\.csv: 1 bad row\(s\), nothing imported: "
                             r"row 3: unknown region code 99\.99$"):
        cohorts.import_members(prog, "Smart City 2026", path)
    assert _count(prog, CohortMember) == 0
    with prog.db.read() as session:
        assert prog.instance_count(session) == 0
    path.write_text("region\n64.71\n94.04\n", encoding="utf-8")
    assert [r.code for r in cohorts.import_members(prog, "2026", path)] == ["64.71", "94.04"]


def test_a_mentors_file_with_an_unknown_code_is_refused_naming_it(prog: Any,
                                                                  tmp_path: Path) -> None:
    path = _csv(tmp_path, "email,name,regions\nandi@itb.ac.id,Dr. Andi,64.71;99.99\n",
                "mentors.csv")
    with pytest.raises(NotFoundError, match=r"99\.99"):
        registration.import_mentors(prog, imports.parse_mentors(path))


def test_a_mentors_file_with_an_unknown_code_imports_nothing(prog: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path, "email,name,regions\n"
                "andi@itb.ac.id,Dr. Andi,64.71\n"
                "sari@ugm.ac.id,Dr. Sari,72.01;99.99\n", "mentors.csv")
    with pytest.raises(NotFoundError, match=r"99\.99"):
        registration.import_mentors(prog, imports.parse_mentors(path))
    assert (_count(prog, Person), _count(prog, MentorAssignment)) == (0, 0)


def test_a_mentors_file_assigns_and_re_import_adds_only_new_assignments(
    prog: Any, tmp_path: Path,
) -> None:
    path = _csv(tmp_path, "email,name,regions\n"
                "andi@itb.ac.id,Dr. Andi,64.71;94.04\n"
                "sari@ugm.ac.id,Dr. Sari,72.01\n", "mentors.csv")
    assert registration.import_mentors(prog, imports.parse_mentors(path)) == 3
    path.write_text("email,name,regions\nandi@itb.ac.id,Dr. Andi Prasetyo,64.71 62.02\n",
                    encoding="utf-8")
    assert registration.import_mentors(prog, imports.parse_mentors(path)) == 1
    with prog.db.read() as session:
        andi = next(p for p in directory_people.people(session, "mentor")
                    if p.email.startswith("andi"))
        assert andi.name == "Dr. Andi Prasetyo"
        assert actors.mentor_regions(session, andi.id) == ["62.02", "64.71", "94.04"]
    assert _count(prog, Person) == 2
