"""A small workflow other than the master plan, for the platform's tests (not shipped): a
region's yearly check-up, where every OPD sends a report, an assessor approves or sends it back
once, and a coordinator may withdraw the region. Its subjects are named ("Daerah"), its first
stage has a deadline (reminded like any other), and its guards are the engine's conditions.
"""

from __future__ import annotations

from engine import load_definition

KEY = "checkup"
TITLE_EN = "Yearly check-up"

TEXT = """\
key: checkup
version: 1
format: 2
title: {id: "Pemeriksaan tahunan", en: "Yearly check-up"}
subject: {kind: region, label: {id: "Daerah", en: "Region"}}
initial: reporting
roles:
  coordinator: {label: {id: "Koordinator", en: "Coordinator"}}
  assessor: {label: {id: "Penilai", en: "Assessor"}}
  opd: {label: {id: "OPD", en: "OPD"}, scoped: true}
deliverables:
  report:
    label: {id: "Laporan OPD", en: "OPD report"}
    per_party: true
    submitted_by: [opd, coordinator]
    during: [reporting]
states:
  reporting:
    label: {id: "Pelaporan", en: "Reporting"}
    requires: [report]
    deadline: {days: 10}
  review:
    label: {id: "Penilaian", en: "Review"}
  done:
    label: {id: "Selesai", en: "Done"}
    final: true
  withdrawn:
    label: {id: "Mundur", en: "Withdrawn"}
    final: true
transitions:
  - trigger: send
    label: {id: "Kirim ke penilai", en: "Send to the assessor"}
    source: reporting
    dest: review
    roles: [coordinator]
    guards:
      - all_parties_submitted: {deliverable: report}
  - trigger: approve
    label: {id: "Setujui", en: "Approve"}
    source: review
    dest: done
    roles: [assessor]
  - trigger: send_back
    label: {id: "Kembalikan", en: "Send back"}
    source: review
    dest: reporting
    roles: [assessor]
    comment: required
  - trigger: withdraw
    label: {id: "Mundur", en: "Withdraw"}
    source: [reporting, review]
    dest: withdrawn
    roles: [coordinator]
    comment: required
    skip_requirements: true
"""


def publish(prog) -> None:  # type: ignore[no-untyped-def]
    """Publish the check-up on ``prog``'s database (once; again is a no-op)."""
    loaded = load_definition(TEXT, "tests/checkupkit.py", prog.guards)
    with prog.db.transaction() as session:
        prog.engine.publish(session, loaded)
