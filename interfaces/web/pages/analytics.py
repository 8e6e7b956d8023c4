"""``/analytics``: programme analytics of a cohort, its CSV downloads and a printable monthly
report, for coordinators, assessors and administrators.

What each figure means is :mod:`workflows.reporting.analytics`' (read with a fixed number of
queries whatever the cohort's size); this module only chooses the cohort, checks who asks,
and renders: charts as server-side SVG (:mod:`interfaces.web.analytics_charts`) with their
numbers in a table beside them, each chart's data as CSV at ``/analytics/<chart>.csv`` (UTF-8
with a BOM, headers in the reader's language), and ``/analytics/report?month=YYYY-MM``, an
A4 page for the ministry, also as a PDF file at ``/analytics/report.pdf`` (the same page laid
out by WeasyPrint, :mod:`interfaces.web.pdf`). A region's own coordinator sees its own
regions only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from config.language import using
from config.messages import Message, text
from engine import NotFoundError, PermissionDenied
from interfaces.web import analytics_charts as figures
from interfaces.web import i18n
from interfaces.web.deps import PageViewer, Prog, Viewer, role_named
from interfaces.web.pdf import to_pdf
from interfaces.web.templating import language, render
from workflows import roles
from workflows.evaluation.editions import highest_score
from workflows.programme import Programme
from workflows.reporting import coordination
from workflows.reporting.analytics.monthly import MonthlyReport, monthly_report
from workflows.reporting.analytics.months import month_of, parse_month
from workflows.reporting.analytics.summary import Analytics, analytics
from workflows.reporting.analytics.tables import check_chart, table
from workflows.reporting.exports import file_name, to_csv

router = APIRouter()

#: Roles that read the programme's analytics (a region's own coordinator: its regions).
ANALYTICS_ROLES = frozenset({roles.COORDINATOR, roles.ASSESSOR, "admin"})
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; no real input contains it
Ref = Annotated[str | None, Query(max_length=100, pattern=NO_NUL)]
Month = Annotated[str | None, Query(max_length=20, pattern=NO_NUL)]
#: The last months of the funnel and editions of the evaluation the page's tables show, so
#: that they fit a phone's width (the charts and the CSV files have all of them).
MONTHS_SHOWN = 4


def check_viewer(viewer: Viewer) -> None:
    """Only coordinators, assessors and administrators read the analytics."""
    if viewer.role not in ANALYTICS_ROLES:
        raise PermissionDenied("analytics.staff_only", who=viewer.email,
                               role=role_named(viewer))


def _cohort(prog: Prog, viewer: Viewer, ref: str | None) -> str | None:
    with prog.db.read() as session:
        chosen = coordination.choose_cohort(session, viewer.regions(), (ref or "").strip(),
                                            Message("web.cohort_hint_page"))
    return chosen.name if chosen is not None else None


def _charts(prog: Prog, a: Analytics, lang: str, region: str | None) -> dict[str, object]:
    t = i18n.load(lang).t
    with prog.db.read() as session:
        high = highest_score(session, prog)  # windows of several editions share the chart
    out: dict[str, object] = {
        "stages": figures.stage_chart(a, a.stages, lang),
        "funnel": figures.funnel_chart(a, lang),
        "on_time": figures.on_time_chart(a, lang),
        "late_regions": figures.late_chart(
            "chart-late-regions", t("analytics.late.regions_chart", cohort=a.cohort),
            t("analytics.late.regions_desc"),
            [(f"{r.region} {r.name}", r.total) for r in a.late_regions[:figures.TOP]]),
        "late_opds": figures.late_chart(
            "chart-late-opds", t("analytics.late.opds_chart", cohort=a.cohort),
            t("analytics.late.opds_desc"),
            [(f"{o.opd} · {o.region_name}", o.total) for o in a.late_opds[:figures.TOP]]),
        "mentors": figures.mentor_chart(a, lang),
        "rounds": figures.rounds_chart(a, lang),
        "evaluation": figures.evaluation_chart(a, lang, high),
    }
    if region is not None:
        rows = [r for r in a.region_stages if r.region == region]
        out["region"] = figures.region_chart(a, rows, f"{region} {rows[0].name}", lang) \
            if rows else None
    return out


@router.get("/analytics")
def analytics_page(request: Request, viewer: PageViewer, prog: Prog, cohort: Ref = None,
                   region: Ref = None) -> Response:
    """The cohort's analytics (``?cohort=``, the newest by default); ``?region=`` adds one
    region's days in each stage beside the cohort's medians."""
    check_viewer(viewer)
    scope = viewer.regions()
    lang = language(request, viewer)
    chosen = _cohort(prog, viewer, cohort)
    data = None
    with prog.db.read() as session:
        shown = coordination.visible_cohorts(session, scope)
        if chosen is not None:
            with using(lang):
                data = analytics(prog, session, chosen, scope)
    code = (region or "").strip() or None
    if data is not None and code is not None and code not in dict(data.names):
        raise NotFoundError("analytics.region_not_in_cohort", region=code[:20],
                            cohort=data.cohort)
    with using(lang):
        drawn = _charts(prog, data, lang, code) if data is not None else {}
    months = data.funnel.months[-MONTHS_SHOWN:] if data is not None else []
    return render(request, "analytics.html", viewer, data=data, cohorts=shown, charts=drawn,
                  region=code, months=months, top=figures.TOP, number=figures.number,
                  editions=data.trend.windows[-MONTHS_SHOWN:] if data is not None else [],
                  this_month=str(month_of(prog.engine.clock())),
                  region_rows=[r for r in data.region_stages if r.region == code]
                  if data is not None and code else [])


@router.get("/analytics/report")
def monthly_page(request: Request, viewer: PageViewer, prog: Prog, cohort: Ref = None,
                 month: Month = None) -> Response:
    """The printable report of one month (``?month=YYYY-MM``, this month by default)."""
    return _monthly(request, viewer, prog, cohort, month)[1]


@router.get("/analytics/report.pdf")
def monthly_pdf(request: Request, viewer: PageViewer, prog: Prog, cohort: Ref = None,
                month: Month = None) -> Response:
    """The same report as a PDF file (WeasyPrint), named after the cohort and the month."""
    report, page = _monthly(request, viewer, prog, cohort, month)
    name = file_name(text("analytics.report.file"), report.cohort, str(report.month), ext="pdf")
    return Response(to_pdf(bytes(page.body).decode()), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _monthly(request: Request, viewer: Viewer, prog: Programme, cohort: str | None,
             month: str | None) -> tuple[MonthlyReport, HTMLResponse]:
    """The month's report and its printable page (for the browser, or for the PDF)."""
    check_viewer(viewer)
    now = prog.engine.clock()
    chosen_month = parse_month(month, now) if month else month_of(now)
    chosen = _cohort(prog, viewer, cohort)
    if chosen is None:
        raise NotFoundError("analytics.no_cohort")
    lang = language(request, viewer)
    with prog.db.read() as session, using(lang):
        report = monthly_report(prog, session, chosen, chosen_month, viewer.regions())
    return report, render(request, "analytics_report.html", viewer, report=report,
                          printed_at=now, number=figures.number)


@router.get("/analytics/{chart}.csv")
def chart_csv(request: Request, viewer: PageViewer, prog: Prog, chart: str,
              cohort: Ref = None) -> Response:
    """One chart's numbers as CSV (every row, not only those drawn)."""
    check_viewer(viewer)
    check_chart(chart)
    chosen = _cohort(prog, viewer, cohort)
    if chosen is None:
        raise NotFoundError("analytics.no_cohort")
    lang = language(request, viewer)
    with prog.db.read() as session, using(lang):
        found = table(chart, analytics(prog, session, chosen, viewer.regions()))
        body = to_csv(found.header, found.rows)
    name = file_name("analytics", chart, chosen)
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})
