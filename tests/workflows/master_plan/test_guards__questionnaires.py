"""Bimtek I closes only when every registered OPD of the region has sent its questionnaire.

The refusal (``GuardFailed`` from ``all_parties_submitted``) names the OPDs still
missing, by name and code, so the coordinator knows whom to chase; questionnaires count per
OPD (party), whether the OPD sent it or a coordinator entered it for the OPD. On SQLite and
PostgreSQL, one database per module in which every test seeds its own real region.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine import GuardFailed, InvalidInputError, NotFoundError
from workflows.directory import imports, registration

COORDINATOR = "koordinator@komdigi.go.id"
FOUR = ("DISKOMINFO", "BAPPEDA", "DINKES", "DISHUB")


def _close(world: Any, code: str) -> Any:
    return world.fire(code, "close_bimtek_1", COORDINATOR)


def test_every_missing_opd_is_named(module_world: Any) -> None:
    world = module_world
    r = world.region("64.71", opds=FOUR)  # Kota Balikpapan
    world.drive(r, "bimtek_1")
    world.submit(r.code, "questionnaire", r.opds["DINKES"])
    with world.unchanged(r.code), pytest.raises(GuardFailed) as caught:
        _close(world, r.code)
    assert [str(reason) for reason in caught.value.reasons] == [
        "3 of 4 OPDs have not submitted the questionnaire: "
        "Badan Perencanaan Pembangunan Daerah (BAPPEDA), Dinas Perhubungan (DISHUB), "
        "Dinas Komunikasi dan Informatika (DISKOMINFO)"]
    assert str(caught.value).lower().startswith("cannot close bimtek i: 3 of 4 opds")


def test_the_last_questionnaire_opens_bimtek_2(module_world: Any) -> None:
    world = module_world
    r = world.region("64.72", opds=FOUR)  # Kota Samarinda
    world.drive(r, "bimtek_1")
    for code in ("DISKOMINFO", "BAPPEDA", "DINKES"):
        world.submit(r.code, "questionnaire", r.opds[code])
    with pytest.raises(GuardFailed, match=r": 1 of 4 OPDs .*: Dinas Perhubungan \(DISHUB\)$"):
        _close(world, r.code)
    result = world.submit(r.code, "questionnaire", r.opds["DISHUB"])
    assert (result.party, result.version) == ("DISHUB", 1)
    assert _close(world, r.code).to_state == "bimtek_2"


def test_a_coordinator_may_enter_a_questionnaire_for_an_opd(module_world: Any) -> None:
    world = module_world
    r = world.region("73.71")  # Kota Makassar
    world.drive(r, "bimtek_1")
    world.submit(r.code, "questionnaire", r.opds["DISKOMINFO"])
    entered = world.submit(r.code, "questionnaire", COORDINATOR, party="bappeda")
    assert (entered.party, entered.version) == ("BAPPEDA", 1)
    assert _close(world, r.code).to_state == "bimtek_2"


def test_a_second_questionnaire_is_a_new_version_of_the_same_party(module_world: Any) -> None:
    world = module_world
    r = world.region("35.10")  # Kabupaten Banyuwangi
    world.drive(r, "bimtek_1")
    first = world.submit(r.code, "questionnaire", r.opds["BAPPEDA"])
    second = world.submit(r.code, "questionnaire", r.opds["BAPPEDA"])
    assert (first.party, first.version, second.party, second.version) == (
        "BAPPEDA", 1, "BAPPEDA", 2)
    with pytest.raises(GuardFailed, match=r"1 of 2 OPDs .*\(DISKOMINFO\)$"):
        _close(world, r.code)


def test_more_than_five_missing_are_summarised(module_world: Any) -> None:
    world = module_world
    r = world.region("51.71", opds=())  # Kota Denpasar
    registration.upsert_opds(world.prog, imports.parse_opds(
        "region,code,name,email\n" + "".join(
            f"{r.code},OPD{i},Dinas {i},opd{i}@denpasarkota.go.id\n" for i in range(1, 9)),
        world.prog.dimensions))
    world.drive(r, "bimtek_1")
    world.submit(r.code, "questionnaire", "opd1@denpasarkota.go.id")
    with world.unchanged(r.code), pytest.raises(GuardFailed) as caught:
        _close(world, r.code)
    assert [str(reason) for reason in caught.value.reasons] == [
        "7 of 8 OPDs have not submitted the questionnaire: Dinas 2 (OPD2), Dinas 3 (OPD3), "
        "Dinas 4 (OPD4), Dinas 5 (OPD5), Dinas 6 (OPD6) and 2 more"]


def test_with_no_questionnaire_at_all_the_deliverable_is_named(module_world: Any) -> None:
    world = module_world
    r = world.region("61.71")  # Kota Pontianak
    world.drive(r, "bimtek_1")
    with world.unchanged(r.code), pytest.raises(GuardFailed) as caught:
        _close(world, r.code)
    assert [str(reason) for reason in caught.value.reasons] == [
        "still to be submitted: OPD questionnaire",
        "2 of 2 OPDs have not submitted the questionnaire: Badan Perencanaan Pembangunan "
        "Daerah (BAPPEDA), Dinas Komunikasi dan Informatika (DISKOMINFO)"]


def test_a_region_without_opds_cannot_close_bimtek_1(module_world: Any) -> None:
    world = module_world
    r = world.region("33.74", opds=())  # Kota Semarang
    world.drive(r, "bimtek_1")
    with world.unchanged(r.code), pytest.raises(GuardFailed, match=r"OPD questionnaire"):
        _close(world, r.code)
    assert world.state(r.code) == "bimtek_1"


def test_an_opd_registered_late_must_also_submit(module_world: Any) -> None:
    world = module_world
    r = world.region("12.71")  # Kota Medan
    world.drive(r, "bimtek_1")
    for email in r.opds.values():
        world.submit(r.code, "questionnaire", email)
    registration.add_opd(world.prog, r.code, "DINKES", "Dinas Kesehatan",
                      "dinkes.late@medan.go.id", "living")
    with pytest.raises(GuardFailed, match=r"1 of 3 OPDs .*: Dinas Kesehatan \(DINKES\)$"):
        _close(world, r.code)


def test_questionnaires_of_another_region_do_not_count(module_world: Any) -> None:
    world = module_world
    r = world.region("14.71")  # Kota Pekanbaru
    other = world.region("94.04")  # Kabupaten Mimika, same OPD codes
    world.drive(r, "bimtek_1")
    world.drive(other, "bimtek_1")
    for email in other.opds.values():
        world.submit(other.code, "questionnaire", email)
    world.submit(r.code, "questionnaire", r.opds["DISKOMINFO"])
    with pytest.raises(GuardFailed) as caught:
        _close(world, r.code)
    assert [str(reason) for reason in caught.value.reasons] == [
        "1 of 2 OPDs have not submitted the questionnaire: "
        "Badan Perencanaan Pembangunan Daerah (BAPPEDA)"]
    assert _close(world, other.code).to_state == "bimtek_2"


def test_a_questionnaire_for_an_unregistered_opd_is_refused(module_world: Any) -> None:
    world = module_world
    r = world.region("81.71")  # Kota Ambon
    world.drive(r, "bimtek_1")
    with world.unchanged(r.code), pytest.raises(
            (InvalidInputError, NotFoundError), match=r"DISKOMNFO.*DISKOMINFO"):
        world.submit(r.code, "questionnaire", COORDINATOR, party="DISKOMNFO")
