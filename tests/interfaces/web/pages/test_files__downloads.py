"""Submitted files can be downloaded by whoever may see their region, as attachments."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from webkit import Web  # type: ignore[import-not-found]

from engine.models import Submission


def _latest(web: Web, deliverable: str) -> Submission:
    with web.prog.db.read() as session:
        return session.execute(select(Submission).where(
            col(Submission.deliverable) == deliverable).order_by(
            col(Submission.id).desc())).scalars().first()


def test_the_mentor_downloads_the_plan_to_review_and_others_are_refused(web: Web) -> None:
    r = web.region
    web.world.drive(r, "mentor_review")
    plan = _latest(web, "quick_win_plan")
    mentor = web.browser(r.mentor)
    got = mentor.get(f"/regions/{r.code}/files/{plan.id}")
    assert got.status_code == 200
    assert got.content.startswith(b"%PDF-1.4")
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert got.headers["x-content-type-options"] == "nosniff"
    api = web.api(r.mentor).get(f"/api/v1/regions/{r.code}/submissions/{plan.id}/file")
    assert api.status_code == 200 and api.content == got.content

    other = web.world.region("91.71", opds=("DINKES",))
    refused = web.api(other.opds["DINKES"]).get(
        f"/api/v1/regions/{r.code}/submissions/{plan.id}/file")
    assert refused.status_code == 403 and "does not act for 64.71" in refused.json()["detail"]
    # A submission of another region is not reachable through this region's path.
    assert web.api(web.world.COORDINATOR).get(
        f"/api/v1/regions/91.71/submissions/{plan.id}/file").status_code == 404
    assert web.api(r.mentor).get(
        f"/api/v1/regions/{r.code}/submissions/999999/file").status_code == 404
    assert web.anonymous().get(
        f"/api/v1/regions/{r.code}/submissions/{plan.id}/file").status_code == 401


def test_the_opds_submissions_and_the_queue_link_to_the_files(web: Web) -> None:
    r = web.region
    web.world.drive(r, "mentor_review")
    plan = _latest(web, "quick_win_plan")
    link = f'href="/regions/{r.code}/files/{plan.id}"'
    assert link in web.browser(r.mentor).get("/queue").text
    assert link in web.browser(r.opd).get("/opd").text


def test_every_opd_of_the_region_may_download_its_files(web: Web) -> None:
    """Intended: the OPDs of one region work on the same plan, whoever submitted it."""
    r = web.region
    web.world.drive(r, "mentor_review")
    plan = _latest(web, "quick_win_plan")
    assert plan.submitted_by == r.opds["DISKOMINFO"]
    other_opd = r.opds["BAPPEDA"]
    url = f"/api/v1/regions/{r.code}/submissions/{plan.id}/file"
    assert web.api(other_opd).get(url).status_code == 200
    assert web.browser(other_opd).get(f"/regions/{r.code}/files/{plan.id}").status_code == 200


@pytest.mark.parametrize("submission_id", ["0", "-1", str(2**31), str(2**63), "9" * 40])
def test_an_id_out_of_range_is_refused_before_the_database(web: Web, submission_id: str) -> None:
    """2**63 and beyond overflowed SQLite's integer in the query: a 500, not a 422."""
    r = web.region
    api = web.api(r.mentor).get(f"/api/v1/regions/{r.code}/submissions/{submission_id}/file")
    assert api.status_code == 422, api.text
    assert api.json()["detail"].startswith("submission_id: must be at ")
    page = web.browser(r.mentor).get(f"/regions/{r.code}/files/{submission_id}")
    assert page.status_code == 422, page.text
