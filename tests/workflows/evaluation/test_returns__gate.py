"""Evaluation returns: accepted only while the window is open, or extended for one region.

``workflows.evaluation.returns`` takes a region's return between the window's opening and
closing instants (a late one is refused saying when it closed, in the region's zone, and how a
coordinator extends it), lets a coordinator extend a closed window for one region until a given
time, and takes returns only for regions in implementation, from their own OPDs or a
coordinator. On SQLite and PostgreSQL, moving the simulated clock instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from evaluationkit import (  # type: ignore[import-not-found]
    BALIKPAPAN,
    H1_CLOSES,
    JAYAPURA,
    SEMARANG,
    at,
    implementing,
)
from sqlmodel import select

from engine import (
    GuardFailed,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    TransitionNotAllowed,
)
from workflows.evaluation import returns as evaluation_returns
from workflows.evaluation import windows
from workflows.evaluation.models import EvaluationReturn, EvaluationWindow


def returns(prog: Any) -> list[tuple[str, str, str, datetime]]:
    with prog.db.read() as session:
        return [(w, r.region_code, r.submitted_by, r.submitted_at) for r, w in session.execute(
            select(EvaluationReturn, EvaluationWindow.name).join(EvaluationWindow)
            .order_by(EvaluationReturn.region_code)).all()]


def test_a_return_in_the_window_then_a_late_one_refused_clearly(world: Any, clock: Any) -> None:
    prog = world.prog
    bpn = implementing(world, BALIKPAPAN)[BALIKPAPAN]
    windows.ensure_windows(prog, 2026)

    at(clock, datetime(2026, 5, 31, 16, 0, tzinfo=UTC))
    with pytest.raises(GuardFailed, match=r"Semester I 2026 is not open yet: it opens "
                                          r"1 June 2026 at 01:00 WITA"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)

    at(clock, datetime(2026, 6, 10, 2, 0, tzinfo=UTC))  # before the scheduler ran: times decide
    first = evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)
    assert (first.resubmitted, first.extended_until) == (False, None)
    clock.advance(days=1)
    again = evaluation_returns.submit_return(prog, "Kota Balikpapan", "2026-H1", world.COORDINATOR)
    assert again.resubmitted
    assert returns(prog) == [("2026-H1", BALIKPAPAN, world.COORDINATOR, clock.now)]

    at(clock, datetime(2026, 6, 30, 16, 59, 58, tzinfo=UTC))  # the last second: accepted
    evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)
    at(clock, H1_CLOSES)
    before = returns(prog)
    with pytest.raises(GuardFailed) as refused:
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.opd)
    assert str(refused.value) == (
        "cannot submit an evaluation return: window Semester I 2026 closed 1 July 2026 at "
        "00:59 WITA; a coordinator can extend it for 64.71 on the evaluation page")
    assert returns(prog) == before


def test_an_extension_lets_one_region_submit_after_the_close(world: Any, clock: Any) -> None:
    prog = world.prog
    seeded = implementing(world, BALIKPAPAN, JAYAPURA)
    windows.ensure_windows(prog, 2026)
    at(clock, datetime(2026, 7, 2, tzinfo=UTC))
    until = datetime(2026, 7, 6, 15, 59, 59, tzinfo=UTC)  # 2026-07-06 23:59:59 WITA

    with pytest.raises(PermissionDenied, match=r"(?i)only coordinator may extend"):
        evaluation_returns.extend_window(prog, "2026-H1", BALIKPAPAN, until, seeded[BALIKPAPAN].opd)
    with pytest.raises(InvalidInputError, match=r"must end after"):
        evaluation_returns.extend_window(prog, "2026-H1", BALIKPAPAN,
                                 datetime(2026, 6, 30, tzinfo=UTC), world.COORDINATOR)
    with pytest.raises(NotFoundError, match=r"no evaluation window “2027-H1”; known windows: "
                                            r"2026-H1, 2026-H2"):
        evaluation_returns.extend_window(prog, "2027-H1", BALIKPAPAN, until, world.COORDINATOR)

    ext = evaluation_returns.extend_window(prog, "2026-H1", BALIKPAPAN,
                                   evaluation_returns.parse_time("2026-07-06", "Asia/Makassar"),
                                   world.COORDINATOR)
    assert ext.until == until
    late = evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", seeded[BALIKPAPAN].opd)
    assert late.extended_until == until
    with pytest.raises(GuardFailed, match=r"closed 1 July 2026 at 01:59 WIT; a coordinator can "
                                          r"extend it for 91.71"):
        evaluation_returns.submit_return(prog, JAYAPURA, "2026-H1", seeded[JAYAPURA].opd)

    at(clock, until)
    with pytest.raises(GuardFailed,
                       match=r"the extension for 64.71 ended 6 July 2026 at 23:59 WITA"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", seeded[BALIKPAPAN].opd)
    assert [r[1] for r in returns(prog)] == [BALIKPAPAN]


def test_returns_are_for_regions_in_implementation_and_their_own_actors(
    world: Any, clock: Any,
) -> None:
    prog = world.prog
    bpn = implementing(world, BALIKPAPAN)[BALIKPAPAN]
    smg = world.region(SEMARANG)
    windows.ensure_windows(prog, 2026)
    at(clock, datetime(2026, 6, 10, tzinfo=UTC))
    with pytest.raises(TransitionNotAllowed,
                       match=r"33.74 Kota Semarang is in stage Invited / assessment, not "
                             r"Implementation and evaluation"):
        evaluation_returns.submit_return(prog, SEMARANG, "2026-H1", smg.opd)
    with pytest.raises(PermissionDenied, match=r"not 64.71"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", smg.opd)
    with pytest.raises(PermissionDenied, match=r"(?i)only coordinator or opd may submit"):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", world.ASSESSOR)
    with pytest.raises(PermissionDenied):
        evaluation_returns.submit_return(prog, BALIKPAPAN, "2026-H1", bpn.mentor)
    assert returns(prog) == []
    pending = windows.pending_regions(prog, "2026-H1")
    assert pending == [BALIKPAPAN]
