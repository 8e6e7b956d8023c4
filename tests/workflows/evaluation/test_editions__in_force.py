"""Which edition a window belongs to: the latest starting on or before its first day (WIB),
fixed when the window is created -- by ``ensure_windows`` or the scheduler's ``run_due``;
without any edition, a ``default`` one frozen from the settings. A new edition takes over the
windows not yet opened and without returns; names and first days are unique; only
coordinators create editions. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from evaluationkit import BALIKPAPAN, at, implementing  # type: ignore[import-not-found]

from engine import ConflictError, InvalidInputError, PermissionDenied
from workflows.evaluation import editions, returns, windows
from workflows.evaluation.instrument import load_instrument


def edition_of(prog: Any) -> dict[str, str]:
    with prog.db.read() as session:
        keys = {e.id: e.key for e in editions.all_editions(session)}
        return {w.name: keys[w.edition_id] for w in windows.windows(session)}


def test_without_editions_the_settings_make_the_default_one(make_prog: Any) -> None:
    prog = make_prog(evaluation_weights={"baseline": 0.2, "output": 0.2, "outcome": 0.2,
                                         "impact": 0.2, "quick_win": 0.2},
                     evaluation_scale=(0, 5))
    windows.ensure_windows(prog, 2026)
    assert edition_of(prog) == {"2026-H1": "default", "2026-H2": "default"}
    with prog.db.read() as session:
        [used] = editions.editions_in_use(session)
    assert used.edition.starts_on == date(2017, 1, 1)
    assert (used.edition.instrument.key, used.edition.scale) == ("settings", (0.0, 5.0))
    assert used.edition.weights["impact"] == 0.2
    assert (used.windows, used.returns) == (["2026-H1", "2026-H2"], 0)


def test_windows_belong_to_the_edition_in_force_when_they_open(world: Any, clock: Any) -> None:
    prog = world.prog
    seeded = implementing(world, BALIKPAPAN)
    at(clock, datetime(2026, 1, 5, tzinfo=UTC))
    editions.create_edition(prog, "2026", load_instrument("smart-city-2023"), world.COORDINATOR)
    # The second half of 2026 and 2027 planned before their editions exist.
    windows.ensure_windows(prog, 2026)
    windows.ensure_windows(prog, 2027)
    at(clock, datetime(2026, 6, 10, tzinfo=UTC))
    returns.submit_return(prog, BALIKPAPAN, "2026-H1", seeded[BALIKPAPAN].opd)
    # From 1 June: 2026-H1 has a return and stays; 2026-H2 and 2027's have not opened.
    made = editions.create_edition(prog, "2026b", load_instrument("kemendagri-2024"),
                                   world.COORDINATOR, starts_on=date(2026, 6, 1))
    assert made.moved == ["2026-H2", "2027-H1", "2027-H2"]
    made = editions.create_edition(prog, "2027", load_instrument("smart-city-2023"),
                                   world.COORDINATOR)
    assert made.moved == ["2027-H1", "2027-H2"]
    assert edition_of(prog) == {"2026-H1": "2026", "2026-H2": "2026b", "2027-H1": "2027",
                                "2027-H2": "2027"}
    # The scheduler creates 2028's windows in the edition then in force.
    windows.run_due(prog, datetime(2028, 1, 2, tzinfo=UTC))
    assert edition_of(prog)["2028-H1"] == "2027"


def test_a_new_edition_is_refused_when_it_would_clash(world: Any, clock: Any) -> None:
    prog = world.prog
    at(clock, datetime(2026, 3, 1, tzinfo=UTC))
    guide = load_instrument("smart-city-2023")
    editions.create_edition(prog, "2026", guide, world.COORDINATOR)
    with pytest.raises(ConflictError, match=r"“2026” exists already and never changes"):
        editions.create_edition(prog, "2026", guide, world.COORDINATOR,
                                starts_on=date(2026, 7, 1))
    with pytest.raises(ConflictError, match=r"“2026” already starts on 2026-01-01; choose "
                                            r"another first day for “guide”"):
        editions.create_edition(prog, "guide", guide, world.COORDINATOR,
                                starts_on=date(2026, 1, 1))
    with pytest.raises(InvalidInputError, match=r"edition name “two words” cannot be used"):
        editions.create_edition(prog, "two words", guide, world.COORDINATOR)
    with pytest.raises(InvalidInputError, match=r"“default” is kept for the edition from the "
                                                r"settings"):
        editions.create_edition(prog, "default", guide, world.COORDINATOR)
    with pytest.raises(PermissionDenied):
        editions.create_edition(prog, "2027", guide, world.ASSESSOR)
    # A name that is not a year starts today (WIB).
    made = editions.create_edition(prog, "mid-2026", None, world.COORDINATOR)
    assert (made.edition.starts_on, made.edition.instrument.key) == (date(2026, 3, 1),
                                                                      "settings")
    with prog.db.read() as session:
        assert [e.key for e in editions.all_editions(session)] == ["2026", "mid-2026"]
