"""Submitted files can be downloaded by whoever may see their region, as attachments."""

from __future__ import annotations

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
