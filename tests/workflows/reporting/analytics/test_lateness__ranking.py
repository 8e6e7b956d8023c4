"""The regions and OPDs most often late, on the fixed history of ``analyticskit``: a region
once per deadline met late or overdue; an OPD once per per-OPD document (the bimtek I
questionnaire) sent after the due time or still missing past it."""

from __future__ import annotations

from typing import Any

from workflows.reporting.analytics import facts
from workflows.reporting.analytics.lateness import late_opds, late_regions

A, B, C, D = "64.71", "91.71", "33.74", "51.71"


def test_the_regions_and_opds_most_often_late_come_first(history: Any) -> None:
    with history.prog.db.read() as session:
        found = facts.load(history.prog, session, "Smart City 2026")
    # C: institutions late + bimtek_1 overdue = 2; A: bimtek_1 late = 1; B: second revision
    # late = 1 (ties by code: 64.71 before 91.71); D: its MoU deadline was voided by the
    # withdrawal, so never late.
    assert [(r.region, r.late, r.overdue, r.total) for r in late_regions(found)] == [
        (C, 1, 1, 2), (A, 1, 0, 1), (B, 1, 0, 1)]
    assert late_regions(found)[0].province == "Jawa Tengah"
    # A's bimtek_1 was due day 20: DISKOMINFO sent day 17 (on time), BAPPEDA day 22 (late).
    # B's DINKES sent day 10, within the definition's 45 days. C's DISHUB has sent nothing
    # and the day-18 deadline passed (overdue). Both count 1: ordered by region code.
    assert [(o.region, o.opd, o.late, o.overdue) for o in late_opds(found)] == [
        (C, "DISHUB", 0, 1), (A, "BAPPEDA", 1, 0)]
    assert late_opds(found)[1].name == "Badan Perencanaan Pembangunan Daerah"
