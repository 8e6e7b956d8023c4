"""Instrument files: the shipped ones load with their weights; a wrong one is refused with one
sentence naming the file and the problem (weights not adding up to 1, an unknown part, a bad
scale, a missing or unknown field, broken YAML, unknown dimensions), and what is frozen reads
back as the same instrument."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import InvalidInputError
from workflows.evaluation.instrument import load_instrument, shipped_instruments, thawed

GOOD = """\
key: guide
version: 3
title: Pedoman daerah
scale: {low: 1, high: 4}
parts: {baseline: 0.1, output: 0.2, outcome: 0.3, impact: 0.3, quick_win: 0.1}
dimensions: shipped
"""


def test_the_shipped_instruments_hold_the_guide_and_the_ministry_letter() -> None:
    assert shipped_instruments() == ["kemendagri-2024", "smart-city-2023"]
    guide, letter = load_instrument("smart-city-2023"), load_instrument("kemendagri-2024")
    assert guide.weights == {"baseline": 0.1, "output": 0.2, "outcome": 0.3, "impact": 0.3,
                             "quick_win": 0.1}
    assert letter.weights == {"baseline": 0.1, "output": 0.2, "outcome": 0.3, "impact": 0.2,
                              "quick_win": 0.2}
    assert (letter.key, letter.version, letter.scale) == ("kemendagri", 2024, (1.0, 4.0))
    assert len(guide.dimensions.dimensions) == 6
    assert thawed(letter.frozen()) == letter
    assert letter.sha256() != guide.sha256()


def test_inline_dimensions_and_fewer_parts_are_taken(tmp_path: Path) -> None:
    file = tmp_path / "small.yaml"
    file.write_text(GOOD.replace(
        "parts: {baseline: 0.1, output: 0.2, outcome: 0.3, impact: 0.3, quick_win: 0.1}",
        "parts: {output: 0.5, outcome: 0.5}").replace(
        "dimensions: shipped",
        "dimensions:\n  - code: governance\n    label: Smart Governance\n    elements:\n"
        "      - {code: public_service, label: Pelayanan publik}\n"), encoding="utf-8")
    small = load_instrument(str(file))
    assert small.parts == ("output", "outcome")
    assert [d.code for d in small.dimensions.dimensions] == ["governance"]
    assert thawed(small.frozen()) == small


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("impact: 0.3, quick_win: 0.1", "impact: 0.3, quick_win: 0.2",
     r"the weights add up to 1\.1, not 1 \(baseline=0\.1, .*quick_win=0\.2\)"),
    ("quick_win: 0.1", "quick_wins: 0.1",
     r"unknown part “quick_wins”; use one of baseline, output, outcome, impact, quick_win"),
    ("impact: 0.3", "impact: heavy", r"the weight of impact must be a number from 0 to 1, "
                                      r"not “heavy”"),
    ("{low: 1, high: 4}", "{low: 4, high: 1}", r"`scale` must give low and high, low below "
                                               r"high \(e\.g\. low: 1, high: 4\), not "
                                               r"\{\"low\": 4, \"high\": 1\}"),
    ("{low: 1, high: 4}", "1-4", r"`scale` must give low and high"),
    ("version: 3", "version: three", r"`version` must be a positive whole number"),
    ("key: guide", "key: Guide Book", r"`key` must be lower-case"),
    ("dimensions: shipped", "dimensions: all", r"`dimensions` must be “shipped” or a list"),
    ("title: Pedoman daerah\n", "", r"the field “title” is missing"),
    ("version: 3", "version: 3\nweights: {}", r"unknown field “weights”"),
    ("key: guide", "key: [guide", r"not valid YAML"),
])
def test_a_wrong_instrument_is_refused_naming_the_file_and_the_problem(
        tmp_path: Path, old: str, new: str, problem: str) -> None:
    file = tmp_path / "guide.yaml"
    assert old in GOOD
    file.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        load_instrument(str(file))
    message = str(caught.value)
    assert message.startswith(f"The evaluation instrument {file} cannot be used: ")
    assert "\n" not in message
    assert __import__("re").search(problem, message), message


def test_an_unknown_instrument_names_the_shipped_ones() -> None:
    with pytest.raises(InvalidInputError, match=r"There is no instrument “kemendagri-2099”: "
                                                r"name a YAML file or one of the shipped "
                                                r"instruments \(kemendagri-2024, "
                                                r"smart-city-2023\)"):
        load_instrument("kemendagri-2099")
