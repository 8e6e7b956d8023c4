"""Own dates for many regions at once (the board's bulk action): each region's date for the
stage it is in, or for a chosen one, entered in each region's zone; all or nothing, one
region refused refuses the whole action with a sentence naming it, and nothing is written.

Kota Balikpapan (64.71) is in WITA (UTC+8), Kabupaten Mimika (94.04) in WIT (UTC+9), Kota
Bandung (32.73) in WIB (UTC+7). The simulated clock starts on 5 Jan 2026 09:00 WIB.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from engine import InvalidInputError, NotFoundError, PermissionDenied, Records
from workflows.deadlines import setting
from workflows.directory import imports, registration

BALIKPAPAN, MIMIKA, BANDUNG = "64.71", "94.04", "32.73"


@pytest.fixture
def w(world: Any) -> Any:
    a = world.region(BALIKPAPAN, opds=("DISKOMINFO",))
    b = world.region(MIMIKA, opds=("DINKES",))
    c = world.region(BANDUNG, opds=("DISHUB",))
    world.drive(a, "bimtek_1")
    world.drive(b, "mou")
    world.drive(c, "mou")
    return world


def deadline(w: Any, code: str) -> tuple[str, datetime, str, int] | None:
    with w.prog.db.read() as session:
        instance = w.prog.current_instance(session, code)
        found = Records(session).open_deadline(instance.id, instance.state)
        return None if found is None else (instance.state, found.due_at, found.origin,
                                           found.version)


def test_each_region_gets_its_own_date_for_the_stage_it_is_in(w: Any) -> None:
    done = setting.set_region_deadlines(w.prog, [BALIKPAPAN, MIMIKA], None, date(2026, 3, 31),
                                        actor=w.COORDINATOR, comment="Percepatan")
    assert [(r.region, r.state) for r in done] == [(BALIKPAPAN, "bimtek_1"), (MIMIKA, "mou")]
    # 23:59 on 31 March where each region is.
    assert deadline(w, BALIKPAPAN) == ("bimtek_1", datetime(2026, 3, 31, 15, 59, tzinfo=UTC),
                                       "region", 2)
    assert deadline(w, MIMIKA) == ("mou", datetime(2026, 3, 31, 14, 59, tzinfo=UTC),
                                   "region", 2)
    with w.prog.db.read() as session:
        notes = [h for h in Records(session).history(MIMIKA) if h.trigger == "set_deadline"]
    assert notes[-1].comment == "Percepatan"


def test_a_chosen_stage_and_zone_apply_to_every_region(w: Any) -> None:
    setting.set_region_deadlines(w.prog, [MIMIKA, BANDUNG], "mou",
                                 datetime(2026, 4, 1, 12, 0), zone="WIB",
                                 actor=w.COORDINATOR)
    noon_wib = datetime(2026, 4, 1, 5, 0, tzinfo=UTC)
    assert deadline(w, MIMIKA)[1:3] == (noon_wib, "region")  # type: ignore[index]
    assert deadline(w, BANDUNG)[1:3] == (noon_wib, "region")  # type: ignore[index]


def test_one_region_in_another_stage_refuses_the_whole_action(w: Any) -> None:
    before = {code: deadline(w, code) for code in (BALIKPAPAN, MIMIKA, BANDUNG)}
    with (w.unchanged(MIMIKA), w.unchanged(BANDUNG),
          pytest.raises(InvalidInputError) as refused):
        setting.set_region_deadlines(w.prog, [MIMIKA, BANDUNG, BALIKPAPAN], "mou",
                                     date(2026, 3, 31), actor=w.COORDINATOR)
    said = str(refused.value)
    assert refused.value.code == "deadlines.bulk_refused"
    assert said.startswith("Kota Balikpapan (64.71): ") and "Nothing was changed" in said
    assert {code: deadline(w, code) for code in before} == before


def test_a_withdrawn_region_is_refused_by_its_stages_name(w: Any) -> None:
    w.fire(MIMIKA, "withdraw", w.COORDINATOR, comment="Mundur dari program")
    with w.unchanged(BALIKPAPAN), pytest.raises(InvalidInputError) as refused:
        setting.set_region_deadlines(w.prog, [BALIKPAPAN, MIMIKA], None, date(2026, 3, 31),
                                     actor=w.COORDINATOR)
    said = str(refused.value)
    assert said.startswith("Kabupaten Mimika (94.04): ") and "final stage" in said
    assert "withdrawn" not in said.replace("Withdrawn", "")  # the stage's name, not its key


def test_a_date_in_the_past_refuses_it_whole(w: Any) -> None:
    with w.unchanged(BALIKPAPAN), pytest.raises(InvalidInputError) as refused:
        setting.set_region_deadlines(w.prog, [BALIKPAPAN, MIMIKA], None, date(2025, 12, 31),
                                     actor=w.COORDINATOR)
    assert "Kota Balikpapan (64.71)" in str(refused.value)


def test_a_regions_own_coordinator_acts_only_on_its_regions(w: Any) -> None:
    own = "setda.6471@pemda.go.id"
    registration.upsert_people(w.prog, imports.parse_people(
        f"email,name,role,region\n{own},Sekretariat Balikpapan,coordinator,64.71\n"))
    with w.unchanged(BALIKPAPAN), pytest.raises(PermissionDenied) as refused:
        setting.set_region_deadlines(w.prog, [BALIKPAPAN, MIMIKA], None, date(2026, 3, 31),
                                     actor=own)
    assert "Kabupaten Mimika (94.04)" in str(refused.value)
    done = setting.set_region_deadlines(w.prog, [BALIKPAPAN], None, date(2026, 3, 31),
                                        actor=own)
    assert [r.region for r in done] == [BALIKPAPAN]


def test_nothing_chosen_or_an_unknown_region_is_refused(w: Any) -> None:
    with pytest.raises(InvalidInputError) as refused:
        setting.set_region_deadlines(w.prog, [" "], None, date(2026, 3, 31),
                                     actor=w.COORDINATOR)
    assert refused.value.code == "deadlines.bulk_none_chosen"
    with w.unchanged(BALIKPAPAN), pytest.raises(NotFoundError) as unknown:
        setting.set_region_deadlines(w.prog, [BALIKPAPAN, "99.99"], None, date(2026, 3, 31),
                                     actor=w.COORDINATOR)
    assert "99.99" in str(unknown.value)
