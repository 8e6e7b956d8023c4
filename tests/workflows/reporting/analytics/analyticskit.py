"""A small fixed history for the analytics tests: four regions driven on a controlled clock
through known stage changes, deadlines met early and late, reviews approved and rejected.

Every action happens at ``T0 + n days`` (``T0`` = Monday 2026-01-05 02:00 UTC, 09:00 WIB), so
each stay lasts a whole number of days and each figure can be computed by hand (the tests
write the arithmetic out). The timeline, by day (and the state entered):

A = 64.71 Kota Balikpapan, OPDs DISKOMINFO and BAPPEDA, mentor A (also assigned to B)
    0 assessment · 3 mou · 13 institutions · 15 bimtek_1 (own deadline day 20;
    DISKOMINFO's questionnaire day 17, BAPPEDA's day 22) · 22 bimtek_2 · 26 bimtek_3 ·
    30 bimtek_4 · 34 quick_win_submission · 36 mentor_review · 39 rejected by mentor A:
    revision · 41 mentor_review · 46 approved by mentor A: presentation (there now)
B = 91.71 Kota Jayapura, OPD DINKES, mentor B (and mentor A)
    0 assessment · 1 mou · 5 institutions · 9 bimtek_1 (questionnaire day 10) ·
    12 bimtek_2 · 14 bimtek_3 · 16 bimtek_4 · 18 quick_win_submission · 20 mentor_review ·
    22 rejected by mentor B: revision · 24 mentor_review · 28 rejected by mentor B: revision
    (own deadline day 31) · 33 mentor_review (there now)
C = 33.74 Kota Semarang, OPD DISHUB, mentor C
    0 assessment · 2 mou · 9 institutions (own deadline day 12) · 14 bimtek_1 (own deadline
    day 18; DISHUB never sends its questionnaire: there now)
D = 51.71 Kota Denpasar, no OPD, mentor D
    0 assessment · 1 mou (own deadline day 3) · 5 withdrawn

Now is day 50 (2026-02-24 02:00 UTC). Every other deadline is the definition's own (21 days
or more after entering), so a stage left within days of entering meets it on time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.deadlines import setting
from workflows.directory import registration

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
NOW_DAY = 50
A, B, C, D = "64.71", "91.71", "33.74", "51.71"


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


@dataclass
class SettableClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class History:
    world: Any
    clock: SettableClock
    seeded: dict[str, Any]  # region code -> worldkit.Seeded

    @property
    def prog(self) -> Any:
        return self.world.prog

    def mentor(self, code: str) -> str:
        return str(self.seeded[code].mentor)


def build(world: Any, clock: SettableClock) -> History:
    """Drive the four regions through the timeline above; leave the clock at day 50."""
    clock.now = T0
    seeded = {A: world.region(A), B: world.region(B, opds=("DINKES",)),
              C: world.region(C, opds=("DISHUB",)), D: world.region(D, opds=())}
    registration.assign_mentor(world.prog, seeded[A].mentor, [B])
    a, b, c, d = (seeded[k] for k in (A, B, C, D))
    coordinator = world.COORDINATOR

    def leave(r: Any) -> Callable[[], None]:
        return lambda: world.leave(r, world.state(r.code))

    def own_deadline(r: Any, days: int) -> Callable[[], None]:
        def act() -> None:
            setting.set_region_deadline(world.prog, r.code, world.state(r.code),
                                        clock.now + timedelta(days=days), actor=coordinator)
        return act

    def questionnaire(r: Any, opd: str) -> Callable[[], None]:
        return lambda: world.submit(r.code, "questionnaire", r.opds[opd])

    def close_bimtek_1(r: Any) -> Callable[[], None]:
        return lambda: world.fire(r.code, "close_bimtek_1", coordinator)

    events: list[tuple[float, Callable[[], None]]] = [
        # A
        (3, leave(a)), (13, leave(a)), (15, leave(a)), (15, own_deadline(a, 5)),
        (17, questionnaire(a, "DISKOMINFO")), (22, questionnaire(a, "BAPPEDA")),
        (22, close_bimtek_1(a)), (26, leave(a)), (30, leave(a)), (34, leave(a)),
        (36, leave(a)), (39, lambda: world.reject(a, "Perbaiki indikator")),
        (41, lambda: world.revise(a)), (46, leave(a)),
        # B
        (1, leave(b)), (5, leave(b)), (9, leave(b)), (10, questionnaire(b, "DINKES")),
        (12, close_bimtek_1(b)), (14, leave(b)), (16, leave(b)), (18, leave(b)),
        (20, leave(b)), (22, lambda: world.reject(b, "Tambahkan anggaran")),
        (24, lambda: world.revise(b)), (28, lambda: world.reject(b, "Belum lengkap")),
        (28, own_deadline(b, 3)), (33, lambda: world.revise(b)),
        # C
        (2, leave(c)), (9, leave(c)), (9, own_deadline(c, 3)), (14, leave(c)),
        (14, own_deadline(c, 4)),
        # D
        (1, leave(d)), (1, own_deadline(d, 2)),
        (5, lambda: world.fire(d.code, "withdraw", coordinator, comment="Mengundurkan diri")),
    ]
    for when, act in sorted(events, key=lambda e: e[0]):  # stable: same-day order kept
        clock.now = day(when)
        act()
    clock.now = day(NOW_DAY)
    return History(world, clock, seeded)
