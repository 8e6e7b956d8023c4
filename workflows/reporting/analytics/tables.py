"""Each chart's numbers as a table, for its CSV download (``/analytics/<chart>.csv``).

A table is a header (column keys, written out in the reader's language from the catalogue,
``analytics.csv.<key>``) and its rows, every row of the figure (the page shows the top of a
ranking, the file holds all of it). Days and indices have two decimals with a decimal point,
rates are percentages with one, and a missing value (no median without a completed stay, no
rate without a decided deadline) is an empty cell, never 0. Months are ``YYYY-MM`` (WIB).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from config.messages import text
from engine import NotFoundError
from workflows.evaluation.naming import window_title
from workflows.reporting.analytics.summary import Analytics


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]  # column keys
    rows: list[tuple[object, ...]]

    @property
    def header(self) -> list[str]:
        """The column names in the current language."""
        return [text(f"analytics.csv.{key}") for key in self.columns]


def days(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def percent(value: float | None) -> str:
    return f"{value * 100:.1f}" if value is not None else ""


def _stage_times(a: Analytics) -> Table:
    return Table(("stage_code", "stage", "completed_stays", "median_days", "p90_days",
                  "regions_now", "longest_now_days"),
                 [(s.state, s.label, s.completed.count, days(s.completed.median),
                   days(s.completed.p90), s.now_in, days(s.longest_now)) for s in a.stages])


def _region_stage_times(a: Analytics) -> Table:
    return Table(("region_code", "region", "stage_code", "stage", "completed_stays",
                  "median_days", "p90_days", "total_days", "current_days"),
                 [(r.region, r.name, r.state, r.label, r.completed.count,
                   days(r.completed.median), days(r.completed.p90), days(r.total),
                   days(r.current)) for r in a.region_stages])


def _funnel(a: Analytics) -> Table:
    return Table(("month", "stage_code", "stage", "regions_reached"),
                 [(str(m.month), state, label, m.reached.get(state, 0))
                  for m in a.funnel.months for state, label in a.funnel.stages])


def _on_time(a: Analytics) -> Table:
    return Table(("stage_code", "stage", "on_time", "late", "overdue", "pending",
                  "on_time_percent"),
                 [(r.state, r.label or text("analytics.all_stages"), r.on_time, r.late,
                   r.overdue, r.pending, percent(r.rate)) for r in a.on_time])


def _late_regions(a: Analytics) -> Table:
    return Table(("region_code", "region", "province", "late", "overdue", "total"),
                 [(r.region, r.name, r.province, r.late, r.overdue, r.total)
                  for r in a.late_regions])


def _late_opds(a: Analytics) -> Table:
    return Table(("region_code", "region", "opd_code", "opd", "late", "overdue", "total"),
                 [(o.region, o.region_name, o.opd, o.name, o.late, o.overdue, o.total)
                  for o in a.late_opds])


def _mentors(a: Analytics) -> Table:
    return Table(("mentor_email", "mentor", "regions_assigned", "reviews_done", "reviews_pending",
                  "turnaround_median_days", "turnaround_p90_days"),
                 [(m.email, m.name, m.regions, m.done, m.pending, days(m.turnaround.median),
                   days(m.turnaround.p90)) for m in a.reviews.mentors])


def _revision_rounds(a: Analytics) -> Table:
    return Table(("revision_rounds", "region_count"), list(a.distribution))


def _region_rounds(a: Analytics) -> Table:
    return Table(("region_code", "region", "cycle", "revision_rounds", "approved"),
                 [(r.region, r.name, r.cycle, r.rounds,
                   text("analytics.yes") if r.approved else text("analytics.no"))
                  for r in a.rounds])


def _evaluation(a: Analytics) -> Table:
    labels = dict(a.trend.dimensions)
    return Table(("window", "edition", "dimension_code", "dimension", "mean_index", "region_count"),
                 [(p.window, window_title(p.window), p.dimension, labels.get(p.dimension, ""),
                   days(p.mean), p.regions) for p in a.trend.points])


#: chart name (its address) -> its table
CHARTS: dict[str, Callable[[Analytics], Table]] = {
    "stage-times": _stage_times,
    "region-stage-times": _region_stage_times,
    "funnel": _funnel,
    "on-time": _on_time,
    "late-regions": _late_regions,
    "late-opds": _late_opds,
    "mentors": _mentors,
    "revision-rounds": _revision_rounds,
    "region-rounds": _region_rounds,
    "evaluation": _evaluation,
}


def check_chart(name: str) -> str:
    """``name`` if it is a chart with a CSV, else a refusal listing the charts."""
    if name not in CHARTS:
        raise NotFoundError("analytics.unknown_chart", chart=name[:40], known=list(CHARTS))
    return name


def table(name: str, analytics: Analytics) -> Table:
    return CHARTS[check_chart(name)](analytics)


def names() -> Sequence[str]:
    return list(CHARTS)
