"""Cohort membership: a region is selected into one cohort only, and joining starts its plan.

Joining (``cohorts.add_members``) puts the region's master plan, cycle 1, in 'assessment' with
a history row by the system and no deadline; a batch joins whole or not at all, so one region
already selected elsewhere (``ConflictError`` naming the cohort) keeps the others out too.
Cohorts are found by name or by a year with one cohort. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import ConflictError, InvalidInputError, NotFoundError
from engine.models import Deadline
from workflows.directory import cohorts
from workflows.directory.models import CohortMember
from workflows.reporting import timeline

BALIKPAPAN = "64.71"  # Kota Balikpapan, WITA
MIMIKA = "94.04"  # Kabupaten Mimika, WIT
KOTIM = "62.02"  # Kabupaten Kotawaringin Timur, WIB
BANGGAI = "72.01"  # Kabupaten Banggai, WITA
CLOCK_START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # the SimClock of tests/conftest.py


def _members(prog: Any) -> list[tuple[str, int]]:
    with prog.db.read() as session:
        return [tuple(r) for r in session.execute(
            select(CohortMember.region_code, CohortMember.cohort_id)
            .order_by(CohortMember.region_code)).all()]


def _instances(prog: Any) -> int:
    with prog.db.read() as session:
        return prog.instance_count(session)


def test_joining_starts_the_master_plan_at_assessment(prog: Any) -> None:
    cohort = cohorts.create_cohort(prog, "Smart City 2026", 2026)
    joined = cohorts.add_members(prog, "Smart City 2026", ["Kota Balikpapan", MIMIKA])
    assert [(r.code, r.name, r.zone) for r in joined] == [
        (BALIKPAPAN, "Kota Balikpapan", "WITA"), (MIMIKA, "Kabupaten Mimika", "WIT")]
    assert _members(prog) == [(BALIKPAPAN, cohort.id), (MIMIKA, cohort.id)]
    with prog.db.read() as session:
        instance = prog.current_instance(session, BALIKPAPAN)
        assert (instance.definition_key, instance.definition_version, instance.cycle,
                instance.state, instance.version, instance.predecessor_id) == (
            "master_plan", 4, 1, "assessment", 1, None)
        assert instance.entered_at == CLOCK_START
        _, history = timeline.history(session, BALIKPAPAN)
        assert [(h.seq, h.kind, h.trigger, h.from_state, h.to_state, h.actor, h.role)
                for h in history] == [
            (1, "start", "start", None, "assessment", "system", "coordinator")]
        assert session.execute(select(func.count()).select_from(Deadline)).scalar_one() == 0
        assert [(c.name, n) for c, n in cohorts.cohorts(session)] == [("Smart City 2026", 2)]


def test_a_region_cannot_join_two_cohorts(prog: Any) -> None:
    cohorts.create_cohort(prog, "Smart City 2025", 2025)
    cohorts.create_cohort(prog, "Smart City 2026", 2026)
    cohorts.add_members(prog, "2025", [BALIKPAPAN])
    before = (_members(prog), _instances(prog))
    with pytest.raises(ConflictError) as caught:
        cohorts.add_members(prog, "Smart City 2026", [KOTIM, BALIKPAPAN, BANGGAI])
    assert str(caught.value) == "already selected: 64.71 (in Smart City 2025)"
    assert (_members(prog), _instances(prog)) == before  # Kotim and Banggai did not join either
    with pytest.raises(ConflictError, match=r"^already selected: 64\.71 \(in Smart City 2025\)$"):
        cohorts.add_members(prog, "Smart City 2025", [BALIKPAPAN])


def test_the_same_region_twice_in_one_batch_joins_nothing(prog: Any) -> None:
    cohorts.create_cohort(prog, "Smart City 2026", 2026)
    with pytest.raises(InvalidInputError, match=r"^listed more than once: 64\.71$"):
        cohorts.add_members(prog, "Smart City 2026", [MIMIKA, BALIKPAPAN, "kota balikpapan"])
    assert (_members(prog), _instances(prog)) == ([], 0)


def test_an_unknown_region_keeps_the_whole_batch_out(prog: Any) -> None:
    cohorts.create_cohort(prog, "Smart City 2026", 2026)
    with pytest.raises(NotFoundError, match=r"^unknown region “Kabupaten Mimka”; did you mean "
                                            r"Kabupaten Mimika"):
        cohorts.add_members(prog, "Smart City 2026", [BALIKPAPAN, "Kabupaten Mimka"])
    assert (_members(prog), _instances(prog)) == ([], 0)


def test_cohorts_are_named_once_and_found_by_name_or_year(prog: Any) -> None:
    cohorts.create_cohort(prog, "Smart City 2023", 2023)
    with pytest.raises(ConflictError, match=r"^cohort “Smart City 2023” already exists$"):
        cohorts.create_cohort(prog, "Smart City 2023", 2024)
    with pytest.raises(InvalidInputError, match=r"^year 2016 is outside the programme"):
        cohorts.create_cohort(prog, "Pilot", 2016)
    cohorts.create_cohort(prog, "Smart City 2023 (provinsi)", 2023)
    with pytest.raises(InvalidInputError, match=r"^2023 has several cohorts \(Smart City 2023, "
                                                r"Smart City 2023 \(provinsi\)\); name one$"):
        cohorts.add_members(prog, "2023", [BALIKPAPAN])
    with pytest.raises(NotFoundError, match=r"^no cohort “2030”; choose one of the existing "
                                            r"cohorts, or ask the programme's administrator"):
        cohorts.add_members(prog, "2030", [BALIKPAPAN])
    cohorts.add_members(prog, "Smart City 2023 (provinsi)", [BALIKPAPAN])
    with prog.db.read() as session:
        assert [(c.name, c.year, n) for c, n in cohorts.cohorts(session)] == [
            ("Smart City 2023", 2023, 0), ("Smart City 2023 (provinsi)", 2023, 1)]
