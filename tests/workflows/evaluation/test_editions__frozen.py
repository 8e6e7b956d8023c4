"""Done when: the scores of an earlier edition are unchanged after the weights of a new edition
are set.

Edition 2026 is created from the shipped instrument ``smart-city-2023`` (10/20/30/30/10 %,
scale 1-4); three regions are scored in its window 2026-H1 and the index, the index per
dimension and the ranking are recorded. Edition 2027 is then created from an instrument file
with the ministry letter's weights (10/20/30/20/20 %) and a scale of 0-10; the file is edited
afterwards, and the settings' weights are changed too. The 2026 results stay exactly as they
were (compared by ``repr``, every digit), while the 2027 windows are scored on the new scale
with the new weights. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from evaluationkit import (  # type: ignore[import-not-found]
    BALIKPAPAN,
    DENPASAR,
    JAYAPURA,
    at,
    implementing,
)

from engine import InvalidInputError
from workflows.evaluation import editions, returns, scores, windows
from workflows.evaluation.instrument import load_instrument

COHORT = "Smart City 2026"
MINISTRY_0_10 = """\
key: kemendagri
version: 2027
title: {id: Instrumen 2027, en: Instrument 2027}
scale: {low: 0, high: 10}
parts: {baseline: 0.1, output: 0.2, outcome: 0.3, impact: 0.2, quick_win: 0.2}
dimensions: shipped
"""


def score_all(prog: Any, code: str, window: str, values: Mapping[str, float], who: str,
              dimension: str | None = None) -> None:
    for part, value in values.items():
        scores.score(prog, code, window, part, value, who, dimension=dimension)


def results(prog: Any, window: str) -> str:
    """Everything a reader sees of a window's scores, as one exact text."""
    return repr(([scores.index(prog, window, c) for c in (BALIKPAPAN, JAYAPURA, DENPASAR)],
                 scores.ranking(prog, COHORT, window)))


def test_scores_of_an_earlier_edition_are_unchanged_after_a_new_editions_weights(
        world: Any, clock: Any, tmp_path: Path) -> None:
    prog = world.prog
    seeded = implementing(world, BALIKPAPAN, JAYAPURA, DENPASAR)
    at(clock, datetime(2026, 1, 5, 3, 0, tzinfo=UTC))
    made = editions.create_edition(prog, "2026", load_instrument("smart-city-2023"),
                                   world.COORDINATOR)
    assert (made.edition.starts_on.isoformat(), made.edition.weights["impact"]) == (
        "2026-01-01", 0.3)
    windows.ensure_windows(prog, 2026)
    at(clock, datetime(2026, 6, 10, tzinfo=UTC))
    for code, r in seeded.items():
        returns.submit_return(prog, code, "2026-H1", r.opd)
    score_all(prog, BALIKPAPAN, "2026-H1", {"baseline": 3, "output": 4, "outcome": 3,
                                            "impact": 2, "quick_win": 4}, world.ASSESSOR)
    score_all(prog, JAYAPURA, "2026-H1", {"baseline": 4, "output": 4, "outcome": 4,
                                          "impact": 4, "quick_win": 1}, world.ASSESSOR)
    score_all(prog, DENPASAR, "2026-H1", {"baseline": 2, "output": 3, "outcome": 4,
                                          "impact": 4, "quick_win": 4}, world.ASSESSOR)
    score_all(prog, BALIKPAPAN, "2026-H1", {"baseline": 4, "output": 4, "outcome": 4,
                                            "impact": 1, "quick_win": 2}, world.ASSESSOR,
              dimension="governance")
    # 2026 weights 10/20/30/30/10:
    # Balikpapan 0.1*3 + 0.2*4 + 0.3*3 + 0.3*2 + 0.1*4 = 3.0
    # Jayapura   0.1*4 + 0.2*4 + 0.3*4 + 0.3*4 + 0.1*1 = 3.7
    # Denpasar   0.1*2 + 0.2*3 + 0.3*4 + 0.3*4 + 0.1*4 = 3.6
    # Balikpapan's governance 0.1*4 + 0.2*4 + 0.3*4 + 0.3*1 + 0.1*2 = 2.9
    # (With 10/20/30/20/20 they would be 3.2, 3.4, 3.6 and governance 3.0: Denpasar first.)
    before = results(prog, "2026-H1")
    ranked = scores.ranking(prog, COHORT, "2026-H1")
    assert [(r.rank, r.region, r.result.index) for r in ranked] == [
        (1, JAYAPURA, 3.7), (2, DENPASAR, 3.6), (3, BALIKPAPAN, 3.0)]
    assert scores.index(prog, "2026-H1", BALIKPAPAN).per_dimension["governance"].index == 2.9

    file = tmp_path / "kemendagri-2027.yaml"
    file.write_text(MINISTRY_0_10, encoding="utf-8")
    at(clock, datetime(2026, 12, 1, tzinfo=UTC))
    new = editions.create_edition(prog, "2027", load_instrument(str(file)), world.COORDINATOR)
    assert (new.edition.starts_on.isoformat(), new.edition.scale) == ("2027-01-01", (0.0, 10.0))
    assert new.moved == []  # 2026's windows start before 2027
    # The file edited after the edition was created, and the settings changed: neither counts.
    file.write_text(MINISTRY_0_10.replace("impact: 0.2, quick_win: 0.2",
                                          "impact: 0.4, quick_win: 0.0"), encoding="utf-8")
    prog.settings = prog.settings.model_copy(update={"evaluation_weights": {
        "baseline": 0.2, "output": 0.2, "outcome": 0.2, "impact": 0.2, "quick_win": 0.2},
        "evaluation_scale": (0.0, 100.0)})

    assert results(prog, "2026-H1") == before
    # The 2026 scale still holds for 2026's window: 7 is refused there.
    with pytest.raises(InvalidInputError, match=r"outside the evaluation scale 1 to 4"):
        scores.score(prog, BALIKPAPAN, "2026-H1", "output", 7, world.ASSESSOR)

    created = windows.ensure_windows(prog, 2027)
    with prog.db.read() as session:
        keys = {e.id: e.key for e in editions.all_editions(session)}
        old = windows.windows(session, 2026)
    assert [keys[w.edition_id] for w in created] == ["2027", "2027"]
    assert [keys[w.edition_id] for w in old] == ["2026", "2026"]
    at(clock, datetime(2027, 6, 10, tzinfo=UTC))
    for code in (BALIKPAPAN, JAYAPURA):
        returns.submit_return(prog, code, "2027-H1", seeded[code].opd)
    score_all(prog, BALIKPAPAN, "2027-H1", {"baseline": 6, "output": 8, "outcome": 7,
                                            "impact": 5, "quick_win": 10}, world.ASSESSOR)
    score_all(prog, JAYAPURA, "2027-H1", {"baseline": 10, "output": 10, "outcome": 10,
                                          "impact": 10, "quick_win": 0}, world.ASSESSOR)
    # 2027 weights 10/20/30/20/20 on 0-10:
    # Balikpapan 0.1*6 + 0.2*8 + 0.3*7 + 0.2*5 + 0.2*10 = 7.3
    # Jayapura   0.1*10 + 0.2*10 + 0.3*10 + 0.2*10 + 0.2*0 = 8.0
    assert [(r.rank, r.region, r.result.index)
            for r in scores.ranking(prog, COHORT, "2027-H1")] == [
        (1, JAYAPURA, 8.0), (2, BALIKPAPAN, 7.3), (None, DENPASAR, None)]
    assert results(prog, "2026-H1") == before
