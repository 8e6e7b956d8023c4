"""Scores, the achievement index and the ranking within a cohort.

Assessors (or coordinators) score the parts of a return on the scale of the window's edition
(:mod:`workflows.evaluation.editions`), overall or per dimension of that edition; several
assessors' scores of the same part average. The index is the weighted sum of the part means
with the edition's weights (see :func:`index`), and a cohort is ranked by it
(:func:`ranking`). The settings never enter: a new edition's weights leave an earlier window's
index and ranking as they were.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from config.messages import Message
from engine import InvalidInputError, NotFoundError, check_role
from workflows import roles
from workflows.directory.actors import Acting, acting
from workflows.directory.cohorts import find_cohort
from workflows.directory.models import CohortMember, Province, Region
from workflows.directory.regions import find_region
from workflows.evaluation import DECIMALS
from workflows.evaluation.editions import window_edition, window_editions
from workflows.evaluation.models import EvaluationReturn, EvaluationScore, EvaluationWindow
from workflows.evaluation.naming import window_title
from workflows.evaluation.returns import check_region_scope
from workflows.evaluation.windows import find_window
from workflows.programme import Programme


@dataclass(frozen=True)
class ScoreResult:
    region: str
    window: str
    part: str
    dimension: str | None
    value: float
    mean: float  # of every assessor's score of this part (and dimension)
    assessors: int


def score(prog: Programme, region_ref: str, window_ref: str, part: str, value: float,
          actor: Acting, dimension: str | None = None) -> ScoreResult:
    """An assessor's (or coordinator's) score of one part of a region's return, overall or for
    one dimension. Scoring the same part and dimension again replaces one's own score; several
    assessors' scores average."""
    part = part.strip().lower().replace("-", "_")
    dim = (dimension or "").strip().lower()
    with prog.db.transaction() as session:
        actor = acting(session, actor)
        window = find_window(session, window_ref)
        edition = window_edition(session, prog, window)
        if part not in edition.weights:
            raise InvalidInputError("evaluation.error.unknown_part", part=part,
                                    parts=list(edition.weights))
        low, high = edition.scale
        if math.isnan(value) or not low <= value <= high:
            raise InvalidInputError("evaluation.error.outside_scale", value=f"{value:g}",
                                    low=f"{low:g}", high=f"{high:g}")
        dimensions = edition.instrument.dimensions
        if dim and dimensions.get(dim) is None:
            raise InvalidInputError("evaluation.error.unknown_dimension", dimension=dim,
                                    known=[d.code for d in dimensions.dimensions])
        check_role(Message("evaluation.error.action.score"), [roles.ASSESSOR, roles.COORDINATOR],
                   actor, prog.master_plan(session))
        region = find_region(session, region_ref)
        check_region_scope(actor, region.code, Message("evaluation.error.action.score_own"))
        ret = session.execute(select(EvaluationReturn).where(
            EvaluationReturn.window_id == window.id,
            EvaluationReturn.region_code == region.code)).scalar_one_or_none()
        if ret is None or ret.id is None:
            raise NotFoundError("evaluation.error.no_return", region=region.code,
                                window=window_title(window.name))
        row = session.execute(select(EvaluationScore).where(
            EvaluationScore.return_id == ret.id, EvaluationScore.part == part,
            EvaluationScore.dimension == dim, EvaluationScore.assessor == actor.identity)
        ).scalar_one_or_none()
        now = prog.engine.clock()
        if row is None:
            row = EvaluationScore(return_id=ret.id, part=part, dimension=dim, score=value,
                                  assessor=actor.identity, scored_at=now)
        row.score, row.scored_at = float(value), now
        session.add(row)
        session.flush()
        values = list(session.execute(select(EvaluationScore.score).where(
            EvaluationScore.return_id == ret.id, EvaluationScore.part == part,
            EvaluationScore.dimension == dim)).scalars())
        return ScoreResult(region.code, window.name, part, dim or None, float(value),
                           round(math.fsum(values) / len(values), DECIMALS), len(values))


@dataclass(frozen=True)
class PartsIndex:
    """Part means and their weighted index; ``index`` is None while ``missing`` is not empty."""

    parts: dict[str, float]
    index: float | None
    missing: list[str]


@dataclass(frozen=True)
class EvaluationIndex(PartsIndex):
    region: str = ""
    window: str = ""
    per_dimension: dict[str, PartsIndex] = field(default_factory=dict)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _weighted(means: dict[str, float], weights: dict[str, float]) -> PartsIndex:
    """``weights`` (the edition's) name the parts, in their order; a part scored that the
    edition does not weigh is left out."""
    missing = [p for p in weights if p not in means]
    total = (None if missing
             else round(math.fsum(weights[p] * means[p] for p in weights), DECIMALS))
    return PartsIndex({p: round(means[p], DECIMALS) for p in weights if p in means}, total,
                      missing)


def _compute(region: str, window: str, scores: Iterable[tuple[str, str, float]],
             weights: dict[str, float]) -> EvaluationIndex:
    overall: dict[str, list[float]] = defaultdict(list)
    by_dim: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for part, dim, value in scores:
        if dim:
            by_dim[dim][part].append(value)
        else:
            overall[part].append(value)
    per_dimension = {d: _weighted({p: _mean(v) for p, v in parts.items()}, weights)
                     for d, parts in sorted(by_dim.items())}
    means: dict[str, float] = {}
    for part in weights:
        if overall[part]:
            means[part] = _mean(overall[part])
        else:
            dim_means = [_mean(parts[part]) for parts in by_dim.values() if parts.get(part)]
            if dim_means:
                means[part] = _mean(dim_means)
    top = _weighted(means, weights)
    return EvaluationIndex(top.parts, top.index, top.missing, region=region, window=window,
                           per_dimension=per_dimension)


def _indices(session: Session, prog: Programme, window: EvaluationWindow,
             codes: Sequence[str]) -> dict[str, EvaluationIndex]:
    rows = session.execute(
        select(col(EvaluationReturn.region_code), col(EvaluationScore.part),
               col(EvaluationScore.dimension), col(EvaluationScore.score))
        .join(EvaluationScore, col(EvaluationScore.return_id) == EvaluationReturn.id)
        .where(EvaluationReturn.window_id == window.id,
               col(EvaluationReturn.region_code).in_(codes))
    ).all()
    grouped: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for code, part, dim, value in rows:
        grouped[code].append((part, dim, value))
    weights = window_edition(session, prog, window).weights
    return {c: _compute(c, window.name, grouped.get(c, []), weights) for c in codes}


def indices_by_window(session: Session, prog: Programme, windows: Sequence[EvaluationWindow],
                      codes: Sequence[str]) -> dict[str, dict[str, EvaluationIndex]]:
    """The index of every region of ``codes`` that has a return, in each of ``windows``
    (by window name, then region), as :func:`index` computes it; one query for them all."""
    by_id = {w.id: w.name for w in windows}
    if not by_id or not codes:
        return {}
    rows = session.execute(
        select(col(EvaluationReturn.window_id), col(EvaluationReturn.region_code),
               col(EvaluationScore.part), col(EvaluationScore.dimension))
        .add_columns(col(EvaluationScore.score))
        .outerjoin(EvaluationScore, col(EvaluationScore.return_id) == EvaluationReturn.id)
        .where(col(EvaluationReturn.window_id).in_(list(by_id)),
               col(EvaluationReturn.region_code).in_(list(codes)))
    ).all()
    grouped: dict[tuple[str, str], list[tuple[str, str, float]]] = defaultdict(list)
    for window_id, code, part, dim, value in rows:
        found = grouped[(by_id[window_id], code)]
        if part is not None:
            found.append((part, dim, value))
    weights = {name: e.weights for name, e in window_editions(session, prog, windows).items()}
    out: dict[str, dict[str, EvaluationIndex]] = defaultdict(dict)
    for (window, code), scored in grouped.items():
        out[window][code] = _compute(code, window, scored, weights[window])
    return dict(out)


def index(prog: Programme, window_ref: str, region_ref: str) -> EvaluationIndex:
    """The region's achievement index in the window.

    - ``parts``: the mean of each part over every assessor's overall score of it. A part scored
      only per dimension takes the mean of its per-dimension means.
    - ``index``: the weighted sum of the part means with the weights of the window's edition.
      It is reported only when all its parts have a score; otherwise it is None and
      ``missing`` lists the parts still to score (a missing part is never counted as zero, nor
      are the weights of the scored parts rescaled).
    - ``per_dimension``: for each dimension with scores, the same computed over that
      dimension's scores alone (None with ``missing`` until its five parts are scored).

    Values are rounded to 9 decimals, which removes float noise (0.1*3 + 0.2*4 + 0.3*3 +
    0.3*2 + 0.1*4 is exactly 3.0).
    """
    with prog.db.read() as session:
        window = find_window(session, window_ref)
        region = find_region(session, region_ref)
        return _indices(session, prog, window, [region.code])[region.code]


@dataclass(frozen=True)
class RankRow:
    rank: int | None  # None while the index is incomplete; ties share a rank (1, 1, 3)
    region: str
    name: str
    province: str
    zone: str
    returned: bool
    result: EvaluationIndex


def ranking(prog: Programme, cohort_ref: str, window_ref: str) -> list[RankRow]:
    """Every region of the cohort: those with a complete index first, by index descending,
    equal indices sharing a rank and ordered by region code; then the unranked ones (no return,
    or parts still to score) by region code."""
    with prog.db.read() as session:
        cohort = find_cohort(session, cohort_ref)
        window = find_window(session, window_ref)
        members = session.execute(
            select(col(Region.code), col(Region.name), col(Province.name), col(Region.zone))
            .join(CohortMember, col(CohortMember.region_code) == Region.code)
            .join(Province, col(Province.code) == Region.province_code)
            .where(CohortMember.cohort_id == cohort.id)
        ).all()
        codes = [m[0] for m in members]
        returned = set(session.execute(select(EvaluationReturn.region_code).where(
            EvaluationReturn.window_id == window.id,
            col(EvaluationReturn.region_code).in_(codes))).scalars())
        results = _indices(session, prog, window, codes)
    info = {m[0]: m for m in members}

    def key(code: str) -> tuple[int, float, str]:
        value = results[code].index
        return (0, -value, code) if value is not None else (1, 0.0, code)

    out: list[RankRow] = []
    previous: float | None = None
    rank = 0
    for position, code in enumerate(sorted(codes, key=key), start=1):
        value = results[code].index
        if value is not None and value != previous:
            rank, previous = position, value
        _, name, province, zone = info[code]
        out.append(RankRow(rank if value is not None else None, code, name, province, zone,
                           code in returned, results[code]))
    return out
