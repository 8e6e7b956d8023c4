"""A small workflow whose subjects are provinces, for the platform's tests (not shipped): a
province's conducting plan for its kabupaten/kota, sent by the province's coordinator (the
Diskominfo secretariat) within ten days and endorsed by the governor (a scoped role: only the
governor bound to that province may endorse).
"""

from __future__ import annotations

from engine import load_definition

KEY = "province_conducting"
TITLE_EN = "Province conducting plan"
TITLE_ID = "Rencana pembinaan provinsi"

TEXT = """\
key: province_conducting
version: 1
format: 2
title: {id: "Rencana pembinaan provinsi", en: "Province conducting plan"}
subject: {kind: province, label: {id: "Provinsi", en: "Province"}}
initial: planning
roles:
  coordinator: {label: {id: "Koordinator", en: "Coordinator"}}
  head_of_region: {label: {id: "Gubernur", en: "Governor"}, scoped: true}
deliverables:
  conducting_plan:
    label: {id: "Rencana pembinaan", en: "Conducting plan"}
    submitted_by: [coordinator]
    during: [planning]
states:
  planning:
    label: {id: "Penyusunan", en: "Planning"}
    requires: [conducting_plan]
    deadline: {days: 10}
  endorsement:
    label: {id: "Pengesahan", en: "Endorsement"}
  endorsed:
    label: {id: "Disahkan", en: "Endorsed"}
    final: true
transitions:
  - trigger: send
    label: {id: "Kirim ke gubernur", en: "Send to the governor"}
    source: planning
    dest: endorsement
    roles: [coordinator]
  - trigger: endorse
    label: {id: "Sahkan", en: "Endorse"}
    source: endorsement
    dest: endorsed
    roles: [head_of_region]
"""


def publish(prog) -> None:  # type: ignore[no-untyped-def]
    """Publish the definition on ``prog``'s database (once; again is a no-op)."""
    loaded = load_definition(TEXT, "tests/provincekit.py", prog.guards)
    with prog.db.transaction() as session:
        prog.engine.publish(session, loaded)
