"""Subjects by kind: a province by code or by name (any case, any spacing), a miss naming the
kind and the closest names; any subject code named with its own zone (Papua's is WIT); a
definition whose subject kind the programme does not know is refused with a problem line."""

from __future__ import annotations

from typing import Any

import pytest
from provincekit import TEXT  # type: ignore[import-not-found]

from config import language
from engine import DefinitionError, NotFoundError, load_definition
from workflows.directory.subjects import find_subject, kind_of, subjects
from workflows.shipped import checked


def test_provinces_and_regions_are_found_by_code_or_name(prog: Any) -> None:
    with prog.db.read() as session:
        for ref in ("32", "Jawa Barat", "  jawa   BARAT "):
            found = find_subject(session, "province", ref)
            assert (found.code, found.name, found.kind, found.zone) == (
                "32", "Jawa Barat", "province", "WIB")
        assert find_subject(session, "province", "Papua").zone == "WIT"
        assert find_subject(session, "region", "64.71").kind == "region"
        with pytest.raises(NotFoundError, match=r"no province “Jawa Barta”.*Jawa Barat"):
            find_subject(session, "province", "Jawa Barta")
        with language.using("id"), pytest.raises(NotFoundError,
                                                  match="Provinsi “X” tidak dikenal"):
            find_subject(session, "province", "X")
        # A province where a kabupaten/kota is meant says so, by code or by name.
        for ref in ("32", "jawa barat"):
            with pytest.raises(NotFoundError, match=r"is a province \(Jawa Barat\), not a "
                                                    r"kabupaten/kota"):
                find_subject(session, "region", ref)
        with pytest.raises(NotFoundError, match="unknown region"):
            find_subject(session, "region", "Atlantis")
        named = subjects(session, ["91", "64.71", "test-subject"])
    assert (named["91"].name, named["91"].tz) == ("Papua", "Asia/Jayapura")
    assert named["64.71"].zone == "WITA"
    assert (named["test-subject"].name, named["test-subject"].zone) == ("test-subject", "WIB")
    assert (kind_of("32"), kind_of("32.73")) == ("province", "region")


def test_an_unknown_subject_kind_is_refused_at_load() -> None:
    loaded = load_definition(TEXT, "province.yaml")
    assert checked(loaded, "province.yaml") is loaded
    village = load_definition(TEXT.replace("kind: province", "kind: village"), "v.yaml")
    with pytest.raises(DefinitionError) as refused:
        checked(village, "v.yaml")
    assert refused.value.problems == [
        "subject.kind: unknown subject kind 'village'; the programme knows region, province"]
