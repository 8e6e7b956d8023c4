"""``/analytics``: the cohort's analytics for coordinators, assessors and administrators (403
for the others), each chart's numbers as CSV in the reader's language, and the printable
monthly report (a month that cannot be read, or has not come yet, is refused with what to
type).

The history, on the simulated clock from T0 = 2026-01-05 02:00 UTC (09:00 WIB):
Kota Balikpapan leaves the assessment on day 2 and the MoU on day 9 (stays of 2 and 7 days);
Kota Samarinda leaves the assessment on day 5 and is given its own MoU deadline of day 6,
which it has not met on day 9 (now). Every CSV row is checked against those numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from webkit import Web  # type: ignore[import-not-found]

from workflows.deadlines import setting

SAMARINDA = "64.72"


@pytest.fixture
def moved(web: Web, clock: Any) -> Web:
    world = web.world
    samarinda = world.region(SAMARINDA, opds=("DINKES",))
    clock.advance(days=2)
    world.leave(web.region, "assessment")  # Balikpapan: 2 days in the assessment
    clock.advance(days=3)
    world.leave(samarinda, "assessment")  # Samarinda: 5 days
    setting.set_region_deadline(web.prog, SAMARINDA, "mou", clock.now + timedelta(days=1),
                                actor=world.COORDINATOR)  # due day 6
    clock.advance(days=4)
    world.leave(web.region, "mou")  # Balikpapan: 7 days in the MoU, on time; now day 9
    return web


def rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM, for Excel
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_coordinator_reads_every_chart_with_its_numbers(moved: Web) -> None:
    page = moved.browser(moved.world.COORDINATOR).get("/analytics")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Analitik program: Smart City 2026</h1>" in html
    for chart in ("chart-stage-times", "chart-funnel", "chart-on-time", "chart-late-regions"):
        assert f'id="{chart}"' in html
    assert 'id="chart-mentors"' not in html  # no review yet: no turnaround to draw
    # The assessment's stays are 2 and 5 days: median 3.5, p90 2 + 0.9 * 3 = 4.7 (written
    # the Indonesian way, with a decimal comma).
    assert "<td>Diundang / asesmen kesiapan</td><td>2</td><td>3,5</td><td>4,7</td>" in html
    # The MoU: Balikpapan on time, Samarinda overdue: 1 / 2 = 50 %.
    assert "50 %" in html
    for chart in ("stage-times", "region-stage-times", "funnel", "on-time", "late-regions",
                  "late-opds", "mentors", "revision-rounds", "region-rounds", "evaluation"):
        assert f'href="/analytics/{chart}.csv?cohort=Smart+City+2026&amp;lang=id"' in html


def test_one_regions_days_beside_the_cohorts_medians(moved: Web) -> None:
    browser = moved.browser(moved.world.COORDINATOR)
    page = browser.get(f"/analytics?region={SAMARINDA}&lang=en")
    assert page.status_code == 200 and 'id="chart-region-stages"' in page.text
    assert "64.72 Kota Samarinda: days in each stage" in page.text
    no_cohort = browser.get("/analytics?cohort=Smart+City+1999&lang=en")
    assert no_cohort.status_code == 404 and "choose one from the list of cohorts" in \
        no_cohort.text
    unknown = browser.get("/analytics?region=11.01&lang=en")
    assert unknown.status_code == 404
    assert "The region “11.01” is not in the cohort Smart City 2026" in unknown.text


def test_assessors_and_administrators_read_it_others_are_refused(moved: Web) -> None:
    assert moved.browser(moved.world.ASSESSOR).get("/analytics").status_code == 200
    admin = moved.browser(moved.account("admin@komdigi.go.id", admin=True))
    assert admin.get("/analytics").status_code == 200
    for email in (moved.region.opd, moved.region.mentor, moved.region.head):
        browser = moved.browser(email)
        for url in ("/analytics?lang=en", "/analytics/stage-times.csv?lang=en",
                    "/analytics/report?month=2026-01&lang=en"):
            refused = browser.get(url)
            assert refused.status_code == 403, url
            assert "analytics are for coordinators, assessors and administrators" in \
                refused.text


def test_each_csv_holds_the_charts_rows_in_the_readers_language(moved: Web) -> None:
    browser = moved.browser(moved.world.COORDINATOR)
    cohort = "?cohort=Smart+City+2026"

    stages = rows(browser.get(f"/analytics/stage-times.csv{cohort}"))
    assert stages[0] == ["kode_tahapan", "tahapan", "kunjungan_selesai", "median_hari",
                         "p90_hari", "daerah_sekarang", "terlama_sekarang_hari"]
    by_stage = {r[0]: r for r in stages[1:]}
    # assessment: [2, 5] -> median 3.5, p90 4.7; nobody in it now
    assert by_stage["assessment"][2:] == ["2", "3.50", "4.70", "0", ""]
    # mou: Balikpapan's 7 days; Samarinda in it for 4 days now
    assert by_stage["mou"][2:] == ["1", "7.00", "7.00", "1", "4.00"]
    # institutions: Balikpapan entered it now (0 days so far)
    assert by_stage["institutions"][2:] == ["0", "", "", "1", "0.00"]
    assert "withdrawn" not in by_stage  # nobody leaves a final state

    english = rows(browser.get(f"/analytics/stage-times.csv{cohort}&lang=en"))
    assert english[0][:4] == ["stage_code", "stage", "completed_stays", "median_days"]
    assert {r[0]: r[1] for r in english[1:]}["assessment"] == "Invited / assessment"

    regions = rows(browser.get(f"/analytics/region-stage-times.csv{cohort}&lang=en"))
    assert [r for r in regions[1:] if r[0] == SAMARINDA] == [
        [SAMARINDA, "Kota Samarinda", "assessment", "Invited / assessment", "1", "5.00",
         "5.00", "5.00", ""],
        [SAMARINDA, "Kota Samarinda", "mou", "MoU", "0", "", "", "0.00", "4.00"]]

    funnel = rows(browser.get(f"/analytics/funnel.csv{cohort}&lang=en"))
    assert funnel[0] == ["month", "stage_code", "stage", "regions_reached"]
    reached = {r[1]: int(r[3]) for r in funnel[1:] if r[0] == "2026-01"}
    assert (reached["assessment"], reached["mou"], reached["institutions"],
            reached["bimtek_1"]) == (2, 2, 1, 0)
    assert {r[0] for r in funnel[1:]} == {"2026-01"}

    on_time = rows(browser.get(f"/analytics/on-time.csv{cohort}&lang=en"))
    assert on_time[1:] == [
        ["mou", "MoU", "1", "0", "1", "0", "50.0"],  # 1 on time / (1 + 0 + 1 overdue)
        ["institutions", "Institutions", "0", "0", "0", "1", ""],  # not yet due: no rate
        ["", "All stages", "1", "0", "1", "1", "50.0"]]

    late = rows(browser.get(f"/analytics/late-regions.csv{cohort}&lang=en"))
    assert late[1:] == [[SAMARINDA, "Kota Samarinda", "Kalimantan Timur", "0", "1", "1"]]
    assert rows(browser.get(f"/analytics/late-opds.csv{cohort}&lang=en"))[1:] == []

    mentors = rows(browser.get(f"/analytics/mentors.csv{cohort}&lang=en"))
    assert mentors[1:] == [["mentor.6471@itb.ac.id", "Mentor 64.71", "1", "0", "0", "", ""],
                           ["mentor.6472@itb.ac.id", "Mentor 64.72", "1", "0", "0", "", ""]]
    assert rows(browser.get(f"/analytics/revision-rounds.csv{cohort}&lang=en")) == [
        ["revision_rounds", "regions_counted"]]
    assert rows(browser.get(f"/analytics/region-rounds.csv{cohort}&lang=en"))[1:] == []
    assert rows(browser.get(f"/analytics/evaluation.csv{cohort}&lang=en"))[1:] == []

    unknown = browser.get(f"/analytics/sideways.csv{cohort}&lang=en")
    assert unknown.status_code == 404 and "There is no chart “sideways”" in unknown.text
    assert "attachment" in browser.get(
        f"/analytics/on-time.csv{cohort}").headers["content-disposition"]


def test_the_monthly_report_prints_the_months_movements(moved: Web) -> None:
    browser = moved.browser(moved.world.COORDINATOR)
    report = browser.get("/analytics/report?cohort=Smart+City+2026&month=2026-01")
    assert report.status_code == 200
    html = report.text
    assert "Laporan bulanan Smart City 2026, 2026-01" in html
    assert 'href="/static/print.css"' in html
    # Balikpapan: assessment -> MoU -> institutions; Samarinda: assessment -> MoU; both
    # joined: 2 starts and 3 moves.
    assert html.count("mulai di Diundang / asesmen kesiapan") == 2
    assert "Diundang / asesmen kesiapan → Penandatanganan MoU" in html
    assert "Penandatanganan MoU → Pembentukan kelembagaan" in html
    # Samarinda's MoU deadline (day 6) fell due in January and is overdue at the month's end.
    assert "64.72 Kota Samarinda" in html


def test_a_month_that_cannot_be_read_or_has_not_come_is_refused(moved: Web) -> None:
    browser = moved.browser(moved.world.COORDINATOR)
    for bad in ("2026-13", "Januari", "26-01", "2026-1"):
        refused = browser.get(f"/analytics/report?month={bad}")
        assert refused.status_code == 422, bad
        assert "tulis tahun dan bulan sebagai TTTT-BB, misalnya 2026-03" in refused.text
    future = browser.get("/analytics/report?month=2026-02&lang=en")
    assert future.status_code == 422
    assert "The month 2026-02 has not come yet; choose 2026-01 or an earlier month" in \
        future.text
    assert browser.get("/analytics/report").status_code == 200  # this month by default


def test_a_regions_own_coordinator_reads_its_region_only(moved: Web) -> None:
    from workflows.directory import imports, registration

    own = "setda.6471@pemda.go.id"
    registration.upsert_people(moved.prog, imports.parse_people(
        f"email,name,role,region\n{own},Sekretariat Balikpapan,coordinator,64.71\n"))
    browser = moved.browser(own)
    assert browser.get("/analytics").status_code == 200
    late = rows(browser.get("/analytics/late-regions.csv?lang=en"))
    assert late[1:] == []  # Samarinda is not its region
    stages = rows(browser.get("/analytics/region-stage-times.csv?lang=en"))
    assert {r[0] for r in stages[1:]} == {"64.71"}


def test_reviews_and_revision_rounds_are_drawn_and_downloadable(web: Web, clock: Any) -> None:
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    clock.advance(days=2)
    world.reject(r, "Lengkapi anggaran")  # 2 days in review
    clock.advance(days=1)
    world.revise(r)
    clock.advance(days=3)
    world.leave(r, "mentor_review")  # approved after 3 days
    browser = web.browser(world.COORDINATOR)
    html = browser.get("/analytics").text
    assert 'id="chart-mentors"' in html and 'id="chart-rounds"' in html
    assert "<td>1 putaran</td><td>1</td>" in html  # one region with one round
    # turnaround [2, 3]: median 2.5, p90 2 + 0.9 * 1 = 2.9
    assert rows(browser.get("/analytics/mentors.csv?lang=en"))[1:] == [
        [r.mentor, "Mentor 64.71", "1", "2", "0", "2.50", "2.90"]]
    assert rows(browser.get("/analytics/revision-rounds.csv?lang=en"))[1:] == [
        ["0", "0"], ["1", "1"]]
    assert rows(browser.get("/analytics/region-rounds.csv?lang=en"))[1:] == [
        ["64.71", "Kota Balikpapan", "1", "1", "yes"]]


def test_the_evaluation_index_over_editions_is_drawn_and_downloadable(
        web: Web, clock: Any) -> None:
    from datetime import UTC, datetime

    from workflows.evaluation import returns, scores, windows

    world, r = web.world, web.region
    world.drive(r, "implementation")
    windows.ensure_windows(web.prog, 2026)
    clock.now = datetime(2026, 6, 10, tzinfo=UTC)
    returns.submit_return(web.prog, r.code, "2026-H1", r.opd)
    for part, value in zip(("baseline", "output", "outcome", "impact", "quick_win"),
                           (3, 4, 3, 2, 4), strict=True):
        scores.score(web.prog, r.code, "2026-H1", part, value, world.ASSESSOR,
                     dimension="governance")
    browser = web.browser(world.COORDINATOR)
    html = browser.get("/analytics?lang=en").text
    assert 'id="chart-evaluation"' in html and "Semester I 2026" in html
    # 0.1*3 + 0.2*4 + 0.3*3 + 0.3*2 + 0.1*4 = 3.0, for governance and overall (n = 1)
    assert "<td>3.00 <span class=\"muted\">(n=1)</span></td>" in html
    found = rows(browser.get("/analytics/evaluation.csv?lang=en"))
    assert found[0] == ["window", "edition", "dimension_code", "dimension", "mean_index",
                        "regions_counted"]
    assert rows(browser.get("/analytics/revision-rounds.csv?lang=id"))[0] == [
        "putaran_revisi", "jumlah_daerah"]
    assert ["2026-H1", "Semester I 2026", "governance", "Smart Governance", "3.00", "1"] in found
    assert ["2026-H1", "Semester I 2026", "", "Overall index", "3.00", "1"] in found
    assert ["2026-H1", "Semester I 2026", "living", "Smart Living", "", "0"] in found
