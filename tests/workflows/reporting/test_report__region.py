"""A region's printable report lists each deadline with the extension requests made on it.

``workflows.reporting.report.region_report`` shows a region's deadlines with their origin (here
a region's own date) and the extension requests against each, with status and reason.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflows.deadlines import extensions, setting
from workflows.reporting import report as printable


def test_the_report_lists_extension_requests_with_their_deadline(world: Any) -> None:
    r = world.region()
    world.drive(r, "bimtek_1")  # every OPD owes its questionnaire
    setting.set_region_deadline(world.prog, r.code, "bimtek_1", date(2026, 2, 1),
                                  actor=world.COORDINATOR)
    asked = extensions.request_extension(world.prog, r.code, date(2026, 2, 9), "Banjir",
                                        actor=r.opd)
    with world.prog.db.read() as session:
        report = printable.region_report(world.prog, session, "Kota Balikpapan")
    due = report.deadlines[-1]
    assert (due.origin, [(e.id, e.status, e.reason) for e in due.extensions]) == (
        "region", [(asked.id, "pending", "Banjir")])
