"""Who acts: an email address resolves to one actor with a role and the regions it acts for.

OPDs act for their own region and speak for themselves (their code is the party); mentors for
the regions assigned to them; a head of region and a regional coordinator for their region; a
ministry coordinator or assessor programme-wide. Addresses are matched case-insensitively, an
address belongs to one actor only, and unknown or malformed addresses are refused saying how to
register. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine import Actor, ConflictError, InvalidInputError, NotFoundError, PermissionDenied
from workflows.directory import actors, agencies, people, registration

BALIKPAPAN = "64.71"  # Kota Balikpapan, WITA
MIMIKA = "94.04"  # Kabupaten Mimika, WIT
KOTIM = "62.02"  # Kabupaten Kotawaringin Timur, WIB


def _actor(prog: Any, email: str) -> Actor:
    with prog.db.read() as session:
        return actors.actor_for(session, email)


def test_each_kind_of_actor_gets_its_role_and_regions(prog: Any) -> None:
    registration.add_opd(prog, BALIKPAPAN, "dinkes", "Dinas Kesehatan, Kota Balikpapan",
                      "dinkes@balikpapan.go.id", "living")
    registration.add_person(prog, "koordinator@komdigi.go.id", "Tim Koordinator", "coordinator",
                         None)
    registration.add_person(prog, "diskominfo@balikpapan.go.id", "Sekretariat Smart City",
                         "coordinator", BALIKPAPAN)
    registration.add_person(prog, "walikota@balikpapan.go.id", "Wali Kota Balikpapan",
                         "head_of_region", BALIKPAPAN)
    registration.add_person(prog, "penilai@komdigi.go.id", "Tim Penilai", "assessor", None)
    registration.add_person(prog, "andi@itb.ac.id", "Dr. Andi", "mentor", None)
    assert registration.assign_mentor(prog, "andi@itb.ac.id", [BALIKPAPAN, "Kabupaten Mimika"]) == 2

    assert _actor(prog, "dinkes@balikpapan.go.id") == Actor(
        "dinkes@balikpapan.go.id", "opd", frozenset({BALIKPAPAN}), party="DINKES",
        name="Dinas Kesehatan, Kota Balikpapan")
    assert _actor(prog, "koordinator@komdigi.go.id") == Actor(
        "koordinator@komdigi.go.id", "coordinator", None, name="Tim Koordinator")
    assert _actor(prog, "diskominfo@balikpapan.go.id").subjects == frozenset({BALIKPAPAN})
    assert _actor(prog, "walikota@balikpapan.go.id") == Actor(
        "walikota@balikpapan.go.id", "head_of_region", frozenset({BALIKPAPAN}),
        name="Wali Kota Balikpapan")
    assert _actor(prog, "penilai@komdigi.go.id").subjects is None
    assert _actor(prog, "andi@itb.ac.id") == Actor(
        "andi@itb.ac.id", "mentor", frozenset({BALIKPAPAN, MIMIKA}), name="Dr. Andi")


def test_addresses_are_matched_case_insensitively(prog: Any) -> None:
    registration.add_person(prog, "Koordinator@KOMDIGI.go.id", "Tim Koordinator", "coordinator",
                         None)
    assert _actor(prog, "  koordinator@komdigi.GO.ID ").identity == "koordinator@komdigi.go.id"


def test_unknown_and_malformed_addresses_are_refused(prog: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        _actor(prog, "siapa@example.org")
    assert str(caught.value) == (
        "nobody is registered as siapa@example.org; a coordinator registers people and OPDs in "
        "the directory")
    with pytest.raises(InvalidInputError, match=r"^--as: email “siapa” is not a valid address"):
        _actor(prog, "siapa")


def test_an_address_belongs_to_one_actor(prog: Any) -> None:
    registration.add_opd(prog, BALIKPAPAN, "DINKES", "Dinas Kesehatan", "dinkes@balikpapan.go.id")
    with pytest.raises(ConflictError, match=r"^dinkes@balikpapan\.go\.id already belongs to "
                                            r"someone else"):
        registration.add_person(prog, "DINKES@balikpapan.go.id", "Dr. Rina", "mentor", None)
    with pytest.raises(ConflictError, match=r"already belongs to someone else"):
        registration.add_opd(prog, MIMIKA, "DINKES", "Dinas Kesehatan", "dinkes@balikpapan.go.id")
    with prog.db.read() as session:
        assert [(o.region_code, o.code) for o in agencies.opds(session)] == [
            (BALIKPAPAN, "DINKES")]
        assert list(people.people(session)) == []


def test_a_regional_coordinator_acts_only_for_its_region(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    other = world.region(KOTIM)
    registration.add_person(world.prog, "smartcity@kotimkab.go.id", "Sekretariat Kotim",
                         "coordinator", KOTIM)
    world.drive(r, "institutions")
    world.drive(other, "institutions")
    with world.unchanged(r.code), pytest.raises(PermissionDenied) as caught:
        world.submit(r.code, "council_decree", "smartcity@kotimkab.go.id")
    assert str(caught.value).startswith("Sekretariat Kotim is not assigned to 64.71; only the ")
    assert str(caught.value).lower().endswith("coordinator of 64.71 may act for it")
    assert world.submit(other.code, "council_decree", "smartcity@kotimkab.go.id").version == 1


def test_a_mentor_reviews_only_assigned_regions_until_assigned(world: Any) -> None:
    r = world.region(BALIKPAPAN)
    world.drive(r, "mentor_review")
    registration.add_person(world.prog, "sari@ugm.ac.id", "Dr. Sari", "mentor", None)
    with world.unchanged(r.code), pytest.raises(
            PermissionDenied, match=r"^Dr\. Sari is not assigned to 64\.71"):
        world.fire(r.code, "approve", "sari@ugm.ac.id")
    assert registration.assign_mentor(world.prog, "SARI@ugm.ac.id", ["Kota Balikpapan"]) == 1
    assert registration.assign_mentor(world.prog, "sari@ugm.ac.id", [BALIKPAPAN]) == 0
    assert world.fire(r.code, "approve", "sari@ugm.ac.id").to_state == "presentation"


def test_only_registered_mentors_are_assigned(prog: Any) -> None:
    registration.add_person(prog, "penilai@komdigi.go.id", "Tim Penilai", "assessor", None)
    for email in ("penilai@komdigi.go.id", "nobody@itb.ac.id"):
        with pytest.raises(NotFoundError, match=r"is not a registered mentor; add it with "
                                                r"'smartcity mentor add'$"):
            registration.assign_mentor(prog, email, [BALIKPAPAN])
    registration.add_person(prog, "andi@itb.ac.id", "Dr. Andi", "mentor", None)
    with pytest.raises(NotFoundError, match=r"^unknown region “Kota Balikpapn”; did you mean "
                                            r"Kota Balikpapan"):
        registration.assign_mentor(prog, "andi@itb.ac.id", [MIMIKA, "Kota Balikpapn"])
    with prog.db.read() as session:
        andi = people.people(session, "mentor")[0]
        assert actors.mentor_regions(session, andi.id) == []  # one transaction: none kept


def test_a_head_of_region_needs_a_known_region(prog: Any) -> None:
    with pytest.raises(InvalidInputError, match=r"^a head_of_region needs a region$"):
        registration.add_person(prog, "bupati@mimikakab.go.id", "Bupati Mimika", "head_of_region",
                             None)
    with pytest.raises(NotFoundError, match=r"^unknown region code\(s\): 94\.99$"):
        registration.add_person(prog, "bupati@mimikakab.go.id", "Bupati Mimika", "head_of_region",
                             "94.99")
    with prog.db.read() as session:
        assert list(people.people(session)) == []
