"""The evaluation index per dimension over editions (the twice-yearly windows).

For each window that has opened and holds a return of the cohort's regions, in order, and
each dimension of the programme's edition (then
any other dimension a score names): the mean, over the cohort's regions (in the viewer's
scope) whose index for that dimension is complete in the window, of that index
(:func:`workflows.evaluation.scores.index`: the weighted part means of the dimension's
scores); ``regions`` says how many were averaged. The overall index is averaged the same way
(dimension ``""``). A region whose index is incomplete (parts still to score) is left out,
never counted as zero; with none complete the mean is None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workflows.programme import Programme
from workflows.reporting.analytics.facts import Facts


@dataclass(frozen=True)
class EditionIndex:
    window: str
    dimension: str  # a dimension's code; "" for the overall index
    mean: float | None
    regions: int  # regions with a complete index, averaged


@dataclass(frozen=True)
class Trend:
    windows: list[str]  # window names, oldest first
    dimensions: list[tuple[str, str]]  # (code, label): "" (overall) first, then the edition's
    points: list[EditionIndex]

    def point(self, window: str, dimension: str) -> EditionIndex | None:
        return next((p for p in self.points
                     if p.window == window and p.dimension == dimension), None)


def trend(prog: Programme, facts: Facts, overall_label: str = "") -> Trend:
    """Per window and dimension, the mean index of the cohort's regions."""
    values: dict[tuple[str, str], list[float]] = {}
    for opened in facts.windows:
        for code, found in facts.indices.get(opened.name, {}).items():
            if code not in facts.regions:
                continue
            if found.index is not None:
                values.setdefault((opened.name, ""), []).append(found.index)
            for dim, parts in found.per_dimension.items():
                if parts.index is not None:
                    values.setdefault((opened.name, dim), []).append(parts.index)
    dimensions = [("", overall_label)] + [(d.code, str(d.label))
                                          for d in prog.dimensions.dimensions]
    known = {code for code, _ in dimensions}
    dimensions += [(dim, dim) for dim in sorted({d for _, d in values} - known)]
    windows = [w.name for w in facts.windows
               if any(code in facts.regions for code in facts.indices.get(w.name, {}))]
    points = []
    for window in windows:
        for dim, _ in dimensions:
            averaged = values.get((window, dim), [])
            mean = round(math.fsum(averaged) / len(averaged), 9) if averaged else None
            points.append(EditionIndex(window, dim, mean, len(averaged)))
    return Trend(windows, dimensions, points)
