"""The cohort board's data for a coordinator watching many regions: filtered by deadline
status, stage, province (code or name), zone and mentor, searched by name or code (case and
accents forgiven), sorted both ways, paged; counts that follow every filter but their own; a
wrong parameter refused with a sentence; the same handful of queries whatever the filters.

Four regions on the simulated clock (5 Jan 2026): Kota Balikpapan (64.71, WITA) in bimtek I
with a definition deadline 45 days out (on time), Kota Samarinda (64.72, WITA) in the MoU
with its own deadline in 3 days (due soon), Kota Bandung (32.73, WIB) in the MoU, overdue,
and Kota Jayapura (91.71, WIT) in the assessment (no deadline).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine import InvalidInputError
from workflows.deadlines import setting
from workflows.directory import registration
from workflows.reporting import board
from workflows.reporting.board import BoardFilters, board_data

BALIKPAPAN, SAMARINDA, BANDUNG, JAYAPURA = "64.71", "64.72", "32.73", "91.71"


@pytest.fixture
def w(world: Any, clock: Any) -> Any:
    balikpapan = world.region(BALIKPAPAN, opds=("DISKOMINFO",))
    samarinda = world.region(SAMARINDA, opds=("DINKES",))
    bandung = world.region(BANDUNG, opds=("DISHUB",))
    world.region(JAYAPURA, opds=())
    world.drive(balikpapan, "bimtek_1")
    world.drive(samarinda, "mou")
    world.drive(bandung, "mou")
    setting.set_region_deadline(world.prog, BANDUNG, "mou", clock.now + timedelta(days=1),
                                actor=world.COORDINATOR)
    setting.set_region_deadline(world.prog, SAMARINDA, "mou", clock.now + timedelta(days=10),
                                actor=world.COORDINATOR)
    clock.advance(days=7)  # Bandung's day has passed, Samarinda's is 3 days away
    # Balikpapan's mentor also mentors Jayapura.
    registration.assign_mentor(world.prog, balikpapan.mentor, [JAYAPURA])
    return world


def load(w: Any, scope: frozenset[str] | None = None, **given: str) -> board.BoardData:
    filters = BoardFilters.parse(given.pop("province", None), given.pop("zone", None),
                                 **given)
    with w.prog.db.read() as session:
        return board_data(w.prog, session, None, filters, scope)


def codes(data: board.BoardData) -> list[str]:
    return [r.code for r in data.rows]


def test_each_filter_narrows_the_rows(w: Any) -> None:
    assert set(codes(load(w))) == {BALIKPAPAN, SAMARINDA, BANDUNG, JAYAPURA}
    assert codes(load(w, status="late")) == [BANDUNG]
    assert codes(load(w, status="SOON")) == [SAMARINDA]  # any case
    assert codes(load(w, status="ok")) == [BALIKPAPAN]
    assert codes(load(w, status="none")) == [JAYAPURA]
    assert sorted(codes(load(w, stage="mou"))) == [BANDUNG, SAMARINDA]
    assert sorted(codes(load(w, province="64"))) == [BALIKPAPAN, SAMARINDA]
    assert sorted(codes(load(w, province="kalimantan timur"))) == [BALIKPAPAN, SAMARINDA]
    assert load(w, province="Kalimantan Timur").province_code == "64"
    assert codes(load(w, zone="wit")) == [JAYAPURA]
    mentor = f"mentor.{BALIKPAPAN.replace('.', '')}@itb.ac.id"
    assert codes(load(w, mentor=mentor.upper())) == [JAYAPURA, BALIKPAPAN]  # by stage
    # Filters combine.
    assert codes(load(w, stage="mou", province="32")) == [BANDUNG]
    assert codes(load(w, stage="mou", status="ok")) == []


def test_search_by_name_or_code_forgives_case_and_accents(w: Any) -> None:
    assert codes(load(w, q="bandung")) == [BANDUNG]
    assert codes(load(w, q="  BÀNDUNG ")) == [BANDUNG]  # accents and spaces forgiven
    assert codes(load(w, q="64.72")) == [SAMARINDA]
    assert codes(load(w, q="6471")) == [BALIKPAPAN]  # without the dot
    assert sorted(codes(load(w, q="64"))) == [BALIKPAPAN, SAMARINDA]  # a province's codes
    assert sorted(codes(load(w, q="kota"))) == sorted([BALIKPAPAN, SAMARINDA, BANDUNG,
                                                       JAYAPURA])
    assert codes(load(w, q="Makassar")) == []


def test_sorts_both_ways_with_undated_regions_last(w: Any) -> None:
    assert codes(load(w)) == [JAYAPURA, BANDUNG, SAMARINDA, BALIKPAPAN]  # stage, then code
    assert codes(load(w, sort="name")) == [BALIKPAPAN, BANDUNG, JAYAPURA, SAMARINDA]
    assert codes(load(w, sort="-name")) == [SAMARINDA, JAYAPURA, BANDUNG, BALIKPAPAN]
    assert codes(load(w, sort="code")) == [BANDUNG, BALIKPAPAN, SAMARINDA, JAYAPURA]
    assert codes(load(w, sort="due")) == [BANDUNG, SAMARINDA, BALIKPAPAN, JAYAPURA]
    assert codes(load(w, sort="-due")) == [BALIKPAPAN, SAMARINDA, BANDUNG, JAYAPURA]
    # Time in the stage: Jayapura has been in the assessment since it joined (longest).
    assert codes(load(w, sort="-time"))[0] == JAYAPURA
    assert codes(load(w, sort="time"))[-1] == JAYAPURA


def test_counts_follow_every_filter_but_their_own(w: Any) -> None:
    everything = load(w)
    assert everything.tone_counts == {"late": 1, "soon": 1, "ok": 1, "none": 1}
    assert (everything.stage_counts["mou"], everything.stage_counts["bimtek_1"]) == (2, 1)
    late = load(w, status="late")
    # With "late" chosen the other statuses still say what their link would show...
    assert late.tone_counts == everything.tone_counts
    # ... and the stages count the late regions only.
    assert (late.stage_counts["mou"], late.stage_counts["bimtek_1"]) == (1, 0)
    in_mou = load(w, stage="mou")
    assert in_mou.tone_counts == {"late": 1, "soon": 1, "ok": 0, "none": 0}
    assert in_mou.stage_counts == everything.stage_counts
    in_kaltim = load(w, province="64")
    assert in_kaltim.tone_counts == {"late": 0, "soon": 1, "ok": 1, "none": 0}
    assert (in_kaltim.matched, in_kaltim.total) == (2, 4)


def test_pages_of_rows_and_a_page_past_the_end_shows_the_last(
        w: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board, "PER_PAGE", 3)
    first = load(w)
    assert (codes(first), first.page, first.pages) == ([JAYAPURA, BANDUNG, SAMARINDA], 1, 2)
    assert (first.first, first.last, first.matched) == (1, 3, 4)
    second = load(w, page="2")
    assert (codes(second), second.first, second.last) == ([BALIKPAPAN], 4, 4)
    assert [r.code for r in second.matching] == codes(first) + codes(second)  # the map's
    assert load(w, page="9").page == 2
    empty = load(w, q="Makassar")
    assert (empty.page, empty.pages, empty.first, empty.last) == (1, 1, 0, 0)


def test_a_scoped_viewer_counts_only_its_regions(w: Any) -> None:
    data = load(w, frozenset({BALIKPAPAN}))
    assert codes(data) == [BALIKPAPAN] and data.total == 1
    assert sum(data.tone_counts.values()) == 1


@pytest.mark.parametrize(("given", "key", "words"), [
    ({"status": "overdue"}, "board.unknown_status", "late, soon, ok, none"),
    ({"sort": "size"}, "board.unknown_sort", "-due"),
    ({"page": "0"}, "board.bad_page", "page number"),
    ({"page": "two"}, "board.bad_page", "“two”"),
    ({"q": "x" * 101}, "board.query_too_long", "100"),
    ({"zone": "CET"}, "reporting.unknown_zone", "WIB, WITA or WIT"),
])
def test_a_wrong_parameter_is_refused_with_what_is_accepted(
        given: dict[str, str], key: str, words: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        BoardFilters.parse(**given)  # type: ignore[arg-type]
    assert refused.value.code == key and words in str(refused.value)


@pytest.mark.parametrize(("given", "key", "words"), [
    ({"stage": "bimtek_9"}, "board.unknown_stage", "bimtek_1"),
    ({"province": "Atlantis"}, "reporting.unknown_province", "Atlantis"),
    ({"mentor": "nobody@itb.ac.id"}, "board.unknown_mentor", "nobody@itb.ac.id"),
])
def test_a_stage_province_or_mentor_that_does_not_exist_is_refused(
        w: Any, given: dict[str, str], key: str, words: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        load(w, **given)
    assert refused.value.code == key and words in str(refused.value)


def test_the_same_queries_whatever_the_filters(w: Any) -> None:
    def queries(**given: str) -> int:
        with w.statements() as seen:
            load(w, **given)
        return len(seen)

    queries()  # the definition's text is read once, then cached
    plain = queries()
    mentor = f"mentor.{BALIKPAPAN.replace('.', '')}@itb.ac.id"
    assert queries(mentor=mentor, status="late", q="kota", sort="-due") == plain <= 7
