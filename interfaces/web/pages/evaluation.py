"""The evaluation page: the windows, a cohort's scores and ranking in a window, charts, and
the forms to hand in a return, score it and extend a window.

What is computed and who may act is :mod:`workflows.evaluation`'s (the functions behind
``smartcity evaluation``): the page reads :func:`~workflows.evaluation.scores.ranking` (the
part means, the weighted index per region and per dimension, the ranks) and posts to
:func:`~workflows.evaluation.returns.submit_return`,
:func:`~workflows.evaluation.scores.score` and
:func:`~workflows.evaluation.returns.extend_window`, which refuse a late return, a wrong role or a
region outside one's scope with their own message and status.

Every signed-in role may open the page. A programme-wide viewer (a ministry coordinator, an
assessor, an administrator) sees every region of the cohort; a scoped one (an OPD, a mentor,
a head of region, a region's own coordinator) only its own regions' rows, with their rank in
the whole cohort. Window times are national, so they are shown in WIB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from config.language import using
from config.messages import Message
from engine import InvalidInputError, NotFoundError
from interfaces.web import charts, i18n
from interfaces.web.deps import PageViewer, Prog, Viewer, acting, check_csrf, require_sees
from interfaces.web.pages.coordinator import NO_NUL, choose_cohort, visible_cohorts
from interfaces.web.templating import language, render
from workflows import roles
from workflows.directory.cohorts import cohort_of
from workflows.directory.regions import find_region
from workflows.evaluation import PARTS, returns, scores, windows
from workflows.evaluation.editions import Edition, window_edition
from workflows.evaluation.models import EvaluationWindow
from workflows.evaluation.naming import window_title
from workflows.zones import ZONES

router = APIRouter()

NOTICES = ("scored", "extended", "submitted")

Ref = Annotated[str, Form(min_length=1, max_length=100, pattern=NO_NUL)]
Back = Annotated[str, Form(max_length=100, pattern=NO_NUL)]
CsrfField = Annotated[str, Form()]
OptionalRef = Annotated[str | None, Query(max_length=100, pattern=NO_NUL)]


# -- choosing what to show -----------------------------------------------------------------

def window_state(window: EvaluationWindow, now: datetime) -> str:
    """Open or closed by its *times* (what gates a return), not by the scheduler's status,
    which may lag a few minutes behind."""
    if now < window.opens_at:
        return "scheduled"
    return "open" if now < window.closes_at else "closed"


def choose_window(known: list[EvaluationWindow], ref: str | None,
                  now: datetime) -> EvaluationWindow | None:
    """The window asked for; else the open one; else the latest that has opened; else the
    next one to open."""
    if ref:
        for w in known:
            if w.name == ref.strip():
                return w
        raise NotFoundError("web.no_window", ref=ref.strip(),
                            names=[w.name for w in known] or Message("web.none_yet"))
    started = [w for w in known if w.opens_at <= now]
    for w in started:
        if now < w.closes_at:
            return w
    if started:
        return started[-1]
    return known[0] if known else None


def _check_region(viewer: Viewer, code: str) -> None:
    require_sees(viewer, code, Message("web.evaluation_staff_only", region=code),
                 unbound=Message("web.no_region"))


@dataclass(frozen=True)
class Selection:
    window: str
    cohort: str
    region: str


def _back(s: Selection, done: str) -> RedirectResponse:
    query = {k: v for k, v in (("window", s.window), ("cohort", s.cohort),
                               ("region", s.region), ("done", done)) if v}
    return RedirectResponse(f"/evaluation?{urlencode(query)}#region", status_code=303)


def _charts(edition: Edition, lang: str, rows: list[scores.RankRow],
            chosen: scores.RankRow | None, window: str, cohort: str) -> dict[str, object]:
    """The ranking chart (index per region) and the chosen region's per-part and
    per-dimension charts, on the scale of the window's edition, labelled in the viewer's
    language."""
    t = i18n.load(lang).t
    with using(lang):
        window = window_title(window)  # "Semester I 2026", in the viewer's own language
    low, high = edition.scale
    ticks = [float(x) for x in range(0, int(high) + 1)] if high <= 10 else [0.0, high]

    def shown(value: float | None, missing: str) -> str:
        return f"{value:.2f}" if value is not None else missing

    ranking_bars = []
    for row in rows:
        if row.result.index is not None:
            text = shown(row.result.index, "")
        elif not row.returned:
            text = t("evaluation.no_return")
        else:
            text = t("evaluation.to_score")
        label = f"{row.rank}. {row.name}" if row.rank is not None else f"– {row.name}"
        ranking_bars.append(charts.Bar(label, row.result.index, text,
                                       highlight=chosen is not None and row is chosen))
    out: dict[str, object] = {
        "ranking": charts.bar_chart(
            "chart-ranking", t("evaluation.chart_ranking", cohort=cohort, window=window),
            t("evaluation.chart_ranking_desc", low=f"{low:g}", high=f"{high:g}"),
            ranking_bars, high, ticks) if rows else None,
    }
    if chosen is not None:
        res = chosen.result
        part_bars = [charts.Bar(t(f"evaluation.part.{p}"), res.parts.get(p),
                                shown(res.parts.get(p), t("evaluation.not_scored")))
                     for p in edition.weights]
        part_bars.append(charts.Bar(t("evaluation.index"), res.index,
                                    shown(res.index, t("evaluation.incomplete")),
                                    highlight=True))
        out["parts"] = charts.bar_chart(
            "chart-parts", t("evaluation.chart_parts", region=chosen.name, window=window),
            t("evaluation.chart_parts_desc"), part_bars, high, ticks)
        if res.per_dimension:
            labels = {d.code: str(d.label) for d in edition.instrument.dimensions.dimensions}
            dim_bars = [charts.Bar(labels.get(code, code), r.index,
                                   shown(r.index, t("evaluation.incomplete")))
                        for code, r in res.per_dimension.items()]
            out["dimensions"] = charts.bar_chart(
                "chart-dimensions",
                t("evaluation.chart_dimensions", region=chosen.name, window=window),
                t("evaluation.chart_dimensions_desc"), dim_bars, high, ticks)
    return out


# -- the page ------------------------------------------------------------------------------

@router.get("/evaluation")
def evaluation_page(
    request: Request, viewer: PageViewer, prog: Prog, window: OptionalRef = None,
    cohort: OptionalRef = None, region: OptionalRef = None,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Windows (in WIB); for the chosen window and cohort the scores per part and dimension,
    the index and the ranking, with charts; and the forms the viewer's role may use."""
    scope = viewer.regions()
    now = prog.engine.clock()
    with prog.db.read() as session:
        known = windows.windows(session)
        chosen_window = choose_window(known, window, now)
        cohorts = visible_cohorts(session, viewer)
        region_code = find_region(session, region).code if region else None
        if region_code is not None and not cohort:  # a region alone: its own cohort
            found = cohort_of(session, region_code)
            cohort = found.name if found is not None else None
        chosen_cohort = choose_cohort(session, viewer, cohort)
        implementing = set(windows.regions_in_implementation(session))
        extensions = ([e for e in returns.extensions_of(session, chosen_window)
                       if scope is None or e.region_code in scope]
                      if chosen_window is not None else [])
        edition = (window_edition(session, prog, chosen_window) if chosen_window is not None
                   else None)
    rows: list[scores.RankRow] = []
    if chosen_window is not None and chosen_cohort is not None:
        rows = [r for r in scores.ranking(prog, chosen_cohort.name, chosen_window.name)
                if scope is None or r.region in scope]
    chosen_row = None
    if region_code is not None:
        _check_region(viewer, region_code)
        chosen_row = next((r for r in rows if r.region == region_code), None)
        if chosen_row is None and chosen_cohort is not None:
            raise NotFoundError("web.not_in_cohort", region=region_code,
                                cohort=chosen_cohort.name)
    elif rows:
        chosen_row = next((r for r in rows if r.returned), rows[0])
    lang = language(request, viewer)
    dimensions = edition.instrument.dimensions if edition is not None else prog.dimensions
    region_tz = {r.region: ZONES.get(r.zone, ZONES["WIB"]) for r in rows}
    return render(
        request, "evaluation.html", viewer,
        windows=[(w, window_state(w, now)) for w in known], window=chosen_window,
        window_state=window_state(chosen_window, now) if chosen_window else None,
        cohorts=cohorts, cohort=chosen_cohort, rows=rows, chosen=chosen_row,
        charts=_charts(edition, lang, rows, chosen_row, chosen_window.name,
                       chosen_cohort.name if chosen_cohort else "")
        if edition is not None and chosen_window is not None else {"ranking": None},
        edition=edition, parts=list(edition.weights) if edition else list(PARTS),
        dimensions=dimensions.dimensions,
        dimension_labels={d.code: str(d.label) for d in dimensions.dimensions},
        weights=edition.weights if edition else {},
        scale=edition.scale if edition else prog.settings.evaluation_scale,
        extensions=extensions, region_tz=region_tz, implementing=implementing,
        zones=list(ZONES), can_score=viewer.role in (roles.ASSESSOR, roles.COORDINATOR),
        can_extend=viewer.role == roles.COORDINATOR,
        can_submit=viewer.role in (roles.OPD, roles.COORDINATOR),
        notice=done if done in NOTICES else None)


# -- actions -------------------------------------------------------------------------------

def score_value(text: str) -> float:
    """A score typed in a form: ``3.5`` or, as Indonesians write it, ``3,5``."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInputError("web.not_a_score", value=text.strip()) from None


@router.post("/evaluation/score")
def score(
    viewer: PageViewer, prog: Prog, window: Ref, region: Ref,
    part: Annotated[str, Form(min_length=1, max_length=20, pattern=NO_NUL)],
    value: Annotated[str, Form(min_length=1, max_length=20)],
    dimension: Annotated[str, Form(max_length=63, pattern=NO_NUL)] = "",
    cohort: Back = "", csrf_token: CsrfField = "",
) -> Response:
    """``smartcity evaluation score``: one part of a region's return, overall or for one
    dimension (assessors and coordinators)."""
    check_csrf(viewer, csrf_token)
    result = scores.score(prog, region, window, part, score_value(value), acting(viewer),
                          dimension=dimension or None)
    return _back(Selection(result.window, cohort, result.region), "scored")


@router.post("/evaluation/extend")
def extend(
    viewer: PageViewer, prog: Prog, window: Ref, region: Ref,
    day: Annotated[str, Form(min_length=1, max_length=10)],
    at: Annotated[str, Form(max_length=8)] = "",
    zone: Annotated[str, Form(max_length=4)] = "",
    cohort: Back = "", csrf_token: CsrfField = "",
) -> Response:
    """``smartcity evaluation extend``: let one region hand in its return after the window
    closes, until a time entered in the region's zone unless another is chosen (a date
    alone means 23:59:59). Coordinators only."""
    check_csrf(viewer, csrf_token)
    actor = acting(viewer)
    if zone and zone not in ZONES:
        raise InvalidInputError("web.unknown_zone", zone=zone)
    with prog.db.read() as session:
        found = find_region(session, region)
    until = returns.parse_time(" ".join(x for x in (day, at, zone) if x), found.tz)
    ext = returns.extend_window(prog, window, found.code, until, actor)
    with prog.db.read() as session:
        name = session.get(EvaluationWindow, ext.window_id)
    return _back(Selection(name.name if name else window, cohort, found.code), "extended")


@router.post("/evaluation/submit")
def submit(viewer: PageViewer, prog: Prog, window: Ref, region: Ref, cohort: Back = "",
           csrf_token: CsrfField = "") -> Response:
    """``smartcity evaluation submit``: hand in the region's return for the window (its OPDs
    and coordinators); refused outside the window unless the region has an extension."""
    check_csrf(viewer, csrf_token)
    result = returns.submit_return(prog, region, window, acting(viewer))
    return _back(Selection(result.window, cohort, result.region), "submitted")
