"""OPDs of one region submitting at the same moment all succeed, on both databases.

Submissions lock the region's instance row and queue; they never fail each other with a
conflict (only state changes race optimistically). Each OPD gets version 1 and the instance's
version rises by exactly the number of submissions.
"""

from __future__ import annotations

import threading
from typing import Any

from workflows.directory import imports, registration
from workflows.master_plan import actions

CODES = [f"OPD{i}" for i in range(1, 9)]


def test_eight_opds_submitting_at_once_all_succeed(world: Any) -> None:
    r = world.region()
    world.drive(r, "bimtek_1")
    emails = {code: f"{code.lower()}.concurrent@pemda.go.id" for code in CODES}
    registration.upsert_opds(world.prog, imports.parse_opds(
        "region,code,name,email\n" + "".join(
            f"{r.code},{code},Dinas {code},{email}\n" for code, email in emails.items()),
        world.prog.dimensions))
    before = world.footprint(r.code)
    barrier = threading.Barrier(len(CODES))
    results: dict[str, Any] = {}

    def submit(code: str) -> None:
        document = world.pdf(f"{code}.pdf")
        barrier.wait()
        try:
            results[code] = actions.submit(world.prog, r.code, "questionnaire", document,
                                           emails[code])
        except Exception as exc:  # noqa: BLE001 - the assertion below names any failure
            results[code] = exc

    threads = [threading.Thread(target=submit, args=(code,)) for code in CODES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    failures = {c: repr(v) for c, v in results.items() if isinstance(v, Exception)}
    assert failures == {}
    assert sorted((v.party, v.version) for v in results.values()) == [(c, 1) for c in CODES]
    after = world.footprint(r.code)
    with world.prog.db.read() as session:
        version = world.prog.current_instance(session, r.code).version
    assert version == before["version"] + len(CODES)
    assert after["history"] == before["history"] + len(CODES)
