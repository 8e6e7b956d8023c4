"""A region with a long history, built cheaply: two real review rounds through the domain, then
history rows appended through the engine's own table until the timeline holds ``total``
entries (driving 1,000 real actions would take most of a minute).

The appended rows repeat the reject/resubmit loop (mentor review -> revision -> mentor review)
with a numbered comment each, so a test can tell every entry apart.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from engine.models import HistoryEntry

COMMENT = "Putaran catatan nomor {n:04d}"


def long_history(web: Any, total: int = 1000) -> int:
    """Give ``web.region`` ``total`` history entries; returns the instance id."""
    world, r = web.world, web.region
    world.drive(r, "mentor_review")
    for round_ in (1, 2):
        world.reject(r, f"Putaran {round_}: indikator belum terukur.")
        world.revise(r)
    with web.prog.db.transaction() as session:
        instance = web.prog.current_instance(session, r.code)
        last, count = session.execute(
            select(func.max(HistoryEntry.seq), func.count()).where(  # type: ignore[arg-type]
                HistoryEntry.instance_id == instance.id)).one()
        at = web.prog.engine.clock()
        rows = []
        for n in range(total - count):
            back = n % 2 == 1
            rows.append(HistoryEntry(
                instance_id=instance.id, seq=last + 1 + n, at=at + timedelta(minutes=n),
                actor=r.opd if back else r.mentor, role="opd" if back else "mentor",
                kind="transition", trigger="resubmit" if back else "reject",
                from_state="revision" if back else "mentor_review",
                to_state="mentor_review" if back else "revision",
                comment=COMMENT.format(n=n)))
        session.add_all(rows)
        return int(instance.id)
