"""The coordinator's queue of extension requests: pending ones on open deadlines, in scope.

``coordination.pending_extensions`` starts from the deadlines open now (in the coordinator's
regions) and looks their pending requests up by id, oldest first. A decided request, or one on
a deadline the region has since left, is not in the queue; nor is a region outside the scope.
The number of queries does not grow with the requests or regions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflows.deadlines import extensions
from workflows.reporting import coordination

BALIKPAPAN = "64.71"  # WITA
MIMIKA = "94.04"  # WIT
KOTIM = "62.02"  # WIB


def _queue(world: Any, scope: frozenset[str] | None = None) -> list[tuple[int, str, str]]:
    with world.prog.db.read() as session:
        return [(p.request.id, p.region, p.stage)
                for p in coordination.pending_extensions(world.prog, session, scope)]


def test_pending_on_open_deadlines_oldest_first_within_scope(world: Any, clock: Any) -> None:
    balikpapan = world.region(BALIKPAPAN)
    mimika = world.region(MIMIKA)
    kotim = world.region(KOTIM)
    for r in (balikpapan, mimika, kotim):
        world.leave(r, "assessment")  # MoU: the head of region owes the signed MoU
    assert _queue(world) == []

    first = extensions.request_extension(world.prog, MIMIKA, date(2026, 12, 20), "Banjir",
                                         actor=mimika.head)
    second = extensions.request_extension(world.prog, BALIKPAPAN, date(2026, 12, 21),
                                          "Kepala daerah dinas luar", actor=balikpapan.head)
    decided = extensions.request_extension(world.prog, KOTIM, date(2026, 12, 22), "Pilkada",
                                           actor=kotim.head)
    extensions.decide_extension(world.prog, decided.id, False, "Tidak cukup alasan",
                                actor=world.COORDINATOR)
    stage = _queue(world)[0][2]
    assert _queue(world) == [(first.id, MIMIKA, stage), (second.id, BALIKPAPAN, stage)]
    assert _queue(world, frozenset({BALIKPAPAN, KOTIM})) == [(second.id, BALIKPAPAN, stage)]
    assert _queue(world, frozenset()) == []

    # Mimika leaves its stage: its deadline closes and the request drops out of the queue.
    world.leave(mimika, "mou")
    assert _queue(world) == [(second.id, BALIKPAPAN, stage)]


def test_queries_do_not_grow_with_requests(world: Any, clock: Any) -> None:
    regions = [world.region(code) for code in (BALIKPAPAN, MIMIKA, KOTIM)]
    for r in regions:
        world.leave(r, "assessment")

    def count() -> int:
        with world.statements() as seen:
            _queue(world)
        return len(seen)

    extensions.request_extension(world.prog, BALIKPAPAN, date(2026, 12, 20), "a",
                                 actor=regions[0].head)
    one = count()
    for r in regions[1:]:
        extensions.request_extension(world.prog, r.code, date(2026, 12, 20), "b", actor=r.head)
    assert count() == one
