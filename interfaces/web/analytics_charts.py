"""The analytics page's charts: each figure of :mod:`workflows.reporting.analytics` drawn with
:mod:`interfaces.web.charts`, labelled in the reader's language.

Every chart is an SVG with a title and a description saying what a bar or a tick stands for;
the numbers themselves are in the table beside it (the template's), so nothing is read off a
length alone. Numbers are written the reader's way (``3,5`` in Indonesian) through Babel.
"""

from __future__ import annotations

import math

from babel.numbers import format_decimal
from markupsafe import Markup

from config.language import using
from interfaces.web import charts, i18n
from workflows.evaluation.naming import window_title
from workflows.reporting.analytics.stage_times import RegionStageTime, StageTime
from workflows.reporting.analytics.summary import Analytics

TOP = 10  # rows of a ranking drawn and listed on the page (the CSV has all)


def number(value: float | None, lang: str, digits: int = 1, fixed: bool = False) -> str:
    """``3,5`` (id) or ``3.5`` (en), with ``digits`` decimals at most (exactly, when
    ``fixed``: an index reads ``3,00``); ``—`` for no value."""
    if value is None:
        return "—"
    shape = "#,##0" + ("." + ("0" if fixed else "#") * digits if digits else "")
    return format_decimal(round(value, digits), format=shape, locale=lang)


def scale(largest: float) -> tuple[float, list[float]]:
    """A round maximum at or above ``largest`` (1, 2 or 5 times a power of ten, at least
    1) and its ticks, about five of them."""
    top = max(largest, 1.0)
    power = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 5, 10):
        if step * power >= top:
            top = step * power
            break
    tick = top / 5 if top / power in (1, 5, 10) else top / 4
    return top, [tick * i for i in range(round(top / tick) + 1)]


def stage_chart(a: Analytics, stages: list[StageTime], lang: str) -> Markup:
    t = i18n.load(lang).t
    largest = max([s.completed.p90 or 0.0 for s in stages] + [1.0])
    top, ticks = scale(largest)
    bars = [charts.Bar(
        s.label, s.completed.median,
        f"{number(s.completed.median, lang)} / {number(s.completed.p90, lang)}"
        if s.completed.count else t("analytics.no_completed"),
        mark=s.completed.p90,
        mark_label=t("analytics.p90_days", days=number(s.completed.p90, lang)))
        for s in stages]
    return charts.bar_chart("chart-stage-times", t("analytics.stage_times.chart",
                                                   cohort=a.cohort),
                            t("analytics.stage_times.desc"), bars, top, ticks)


def region_chart(a: Analytics, rows: list[RegionStageTime], name: str, lang: str) -> Markup:
    """One region's days in each stage (its visits together, the stay now included), with
    the cohort's median as the tick."""
    t = i18n.load(lang).t
    cohort = {s.state: s.completed.median for s in a.stages}
    spent = [r.total + (r.current or 0.0) for r in rows]
    top, ticks = scale(max(spent + [m or 0.0 for m in cohort.values()] + [1.0]))
    bars = [charts.Bar(
        r.label, days,
        number(days, lang) + (" " + t("analytics.ongoing") if r.current is not None else ""),
        mark=cohort.get(r.state),
        mark_label=t("analytics.cohort_median_days",
                     days=number(cohort.get(r.state), lang)))
        for r, days in zip(rows, spent, strict=True)]
    return charts.bar_chart("chart-region-stages", t("analytics.region.chart", region=name),
                            t("analytics.region.desc"), bars, top, ticks)


def funnel_chart(a: Analytics, lang: str) -> Markup | None:
    t = i18n.load(lang).t
    latest = a.funnel.latest
    if latest is None:
        return None
    top, ticks = scale(float(max(a.regions, 1)))
    bars = [charts.Bar(label, float(latest.reached.get(state, 0)),
                       str(latest.reached.get(state, 0)))
            for state, label in a.funnel.stages]
    return charts.bar_chart("chart-funnel", t("analytics.funnel.chart", cohort=a.cohort,
                                                month=str(latest.month)),
                            t("analytics.funnel.desc"), bars, top, ticks)


def on_time_chart(a: Analytics, lang: str) -> Markup | None:
    t = i18n.load(lang).t
    if not a.on_time:
        return None
    bars = [charts.Bar(
        r.label or t("analytics.all_stages"), r.rate * 100 if r.rate is not None else None,
        (number(r.rate * 100, lang, 0) + " %" if r.rate is not None
         else t("analytics.no_rate")), highlight=not r.state) for r in a.on_time]
    return charts.bar_chart("chart-on-time", t("analytics.on_time.chart", cohort=a.cohort),
                            t("analytics.on_time.desc"), bars, 100, [0, 25, 50, 75, 100])


def late_chart(ident: str, title: str, desc: str, rows: list[tuple[str, int]]) -> Markup | None:
    if not rows:
        return None
    top, ticks = scale(float(max(n for _, n in rows)))
    return charts.bar_chart(ident, title, desc, [charts.Bar(label, float(n), str(n))
                                                 for label, n in rows], top, ticks)


def mentor_chart(a: Analytics, lang: str) -> Markup | None:
    t = i18n.load(lang).t
    reviewed = [m for m in a.reviews.mentors if m.done]
    if not reviewed:
        return None
    top, ticks = scale(max(m.turnaround.p90 or 0.0 for m in reviewed))
    bars = [charts.Bar(m.name, m.turnaround.median,
                       f"{number(m.turnaround.median, lang)} / {number(m.turnaround.p90, lang)}",
                       mark=m.turnaround.p90,
                       mark_label=t("analytics.p90_days", days=number(m.turnaround.p90, lang)))
            for m in reviewed[:TOP * 3]]
    return charts.bar_chart("chart-mentors", t("analytics.mentors.chart", cohort=a.cohort),
                            t("analytics.mentors.desc"), bars, top, ticks)


def rounds_chart(a: Analytics, lang: str) -> Markup | None:
    catalog = i18n.load(lang)
    t = catalog.t
    found = a.distribution
    if not found:
        return None
    top, ticks = scale(float(max(n for _, n in found)))
    bars = [charts.Bar(catalog.n("analytics.rounds.label", rounds), float(n), str(n))
            for rounds, n in found]
    return charts.bar_chart("chart-rounds", t("analytics.rounds.chart", cohort=a.cohort),
                            t("analytics.rounds.desc"), bars, top, ticks)


def evaluation_chart(a: Analytics, lang: str, high: float) -> Markup | None:
    t = i18n.load(lang).t
    trend = a.trend
    if not trend.windows:
        return None
    with using(lang):
        editions = [window_title(w) for w in trend.windows]
    series = []
    for code, label in trend.dimensions:
        values = []
        for w in trend.windows:
            point = trend.point(w, code)
            values.append(point.mean if point is not None else None)
        if any(v is not None for v in values):
            series.append(charts.Series(label, values))
    ticks = [float(x) for x in range(0, int(high) + 1)] if high <= 10 else [0.0, high]
    return charts.line_chart("chart-evaluation", t("analytics.evaluation.chart",
                                                   cohort=a.cohort),
                             t("analytics.evaluation.desc"), editions, series, high, ticks,
                             shown=lambda v: number(v, lang, 2, fixed=True))
