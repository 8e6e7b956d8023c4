"""Editions side by side: each edition's instrument and what was scored with it.

For each edition: its windows and returns, and the programme-wide means of the index and of
the index per dimension over every region's return in its windows, each computed with that
edition's own weights (:func:`workflows.evaluation.scores.indices_by_window`), so two editions
are compared as each counted, not as the settings would count them today.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from workflows.evaluation import DECIMALS
from workflows.evaluation.editions import Edition, EditionUse, editions_in_use
from workflows.evaluation.models import EvaluationReturn, EvaluationWindow
from workflows.evaluation.scores import indices_by_window
from workflows.programme import Programme


@dataclass(frozen=True)
class EditionFigures:
    use: EditionUse
    index_mean: float | None  # over the returns with a complete index; None without any
    indexed: int  # returns with a complete index
    per_dimension: dict[str, float]  # dimension -> mean of its complete indices

    @property
    def edition(self) -> Edition:
        return self.use.edition


def _mean(values: list[float]) -> float | None:
    return round(math.fsum(values) / len(values), DECIMALS) if values else None


def edition_figures(prog: Programme, keys: Sequence[str] | None = None
                    ) -> list[EditionFigures]:
    """The figures of the editions named by ``keys`` (in that order), or of all of them."""
    with prog.db.read() as session:
        used = {u.edition.key: u for u in editions_in_use(session)}
        chosen = [used[k] for k in keys if k in used] if keys is not None else list(
            used.values())
        out = []
        for use in chosen:
            wins = list(session.execute(select(EvaluationWindow).where(
                EvaluationWindow.edition_id == use.edition.id)).scalars())
            codes = sorted(set(session.execute(select(EvaluationReturn.region_code).where(
                col(EvaluationReturn.window_id).in_([w.id for w in wins]))).scalars()))
            found = indices_by_window(session, prog, wins, codes)
            overall: list[float] = []
            by_dim: dict[str, list[float]] = defaultdict(list)
            for per_region in found.values():
                for result in per_region.values():
                    if result.index is not None:
                        overall.append(result.index)
                    for dim, part in result.per_dimension.items():
                        if part.index is not None:
                            by_dim[dim].append(part.index)
            per_dimension = {d: m for d, v in sorted(by_dim.items())
                             if (m := _mean(v)) is not None}
            out.append(EditionFigures(use, _mean(overall), len(overall), per_dimension))
        return out


def differences(a: Edition, b: Edition) -> set[str]:
    """What differs between two editions' instruments: ``instrument``, ``scale``,
    ``dimensions`` and ``part.<part>`` for each part whose weight (or presence) differs."""
    out = set()
    if (a.instrument.key, a.instrument.version) != (b.instrument.key, b.instrument.version):
        out.add("instrument")
    if a.scale != b.scale:
        out.add("scale")
    if a.instrument.dimensions != b.instrument.dimensions:
        out.add("dimensions")
    for part in {*a.weights, *b.weights}:
        if a.weights.get(part) != b.weights.get(part):
            out.add(f"part.{part}")
    return out
