"""Renewal: after ``cycle_years`` of implementation the next master plan starts, linked.

``renew`` (condition ``time_in_state``) is refused until ``round(365.25 * cycle_years)`` days after
adoption, saying when the cycle ends; then cycle 1 becomes 'renewed' and cycle 2 starts at
bimtek I with ``predecessor_id`` pointing at cycle 1. Reports follow the newest cycle, history
spans both, and cycle 1's submissions do not count for cycle 2. On SQLite and PostgreSQL, moving
the simulated clock instead of waiting five years.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine import GuardFailed, PermissionDenied, TransitionNotAllowed
from workflows.reporting import status as progress
from workflows.reporting import submissions as sent
from workflows.reporting import timeline

BALIKPAPAN = "64.71"  # Kota Balikpapan, WITA
COORDINATOR = "koordinator@komdigi.go.id"
ADOPTED = datetime(2026, 12, 22, 2, 0, tzinfo=UTC)
FIVE_YEARS = timedelta(days=1826)  # round(365.25 * 5)


def _implementing(world: Any, clock: Any) -> Any:
    r = world.region(BALIKPAPAN)
    world.drive(r, "adoption")
    clock.now = ADOPTED
    world.leave(r, "adoption")
    assert world.state(r.code) == "implementation"
    return r


def test_renewing_before_the_cycle_is_over_is_refused(world: Any, clock: Any) -> None:
    r = _implementing(world, clock)
    clock.now = ADOPTED + FIVE_YEARS - timedelta(seconds=1)
    with world.unchanged(r.code), pytest.raises(GuardFailed) as caught:
        world.fire(r.code, "renew", COORDINATOR)
    assert [str(reason) for reason in caught.value.reasons] == [
        "the 5-year cycle that began with adoption on 22 December 2026 runs until "
        "22 December 2031"]
    with world.unchanged(r.code), pytest.raises(
            PermissionDenied, match=r"(?i)^only coordinator may start the next five-year cycle; "
                                     r"Kepala Daerah 64\.71"):
        world.fire(r.code, "renew", r.head)


def test_evaluation_returns_during_implementation_do_not_restart_the_cycle(
    world: Any, clock: Any,
) -> None:
    r = _implementing(world, clock)
    clock.now = ADOPTED + timedelta(days=180)
    world.submit(r.code, "evaluation_return", r.opd)
    clock.now = ADOPTED + FIVE_YEARS
    assert world.fire(r.code, "renew", COORDINATOR).to_state == "renewed"


def test_cycle_two_starts_at_bimtek_1_linked_to_cycle_one(world: Any, clock: Any) -> None:
    r = _implementing(world, clock)
    clock.now = ADOPTED + FIVE_YEARS
    result = world.fire(r.code, "renew", COORDINATOR, comment="Masterplan 2032-2036")
    assert (result.from_state, result.to_state) == ("implementation", "renewed")
    with world.prog.db.read() as session:
        new = world.prog.current_instance(session, r.code)
        old = world.prog.engine.get_instance(session, result.instance.id)
        assert (new.id, new.cycle, new.state, new.predecessor_id, new.entered_at) == (
            result.successor_id, 2, "bimtek_1", old.id, clock.now)
        assert (old.cycle, old.state, old.entered_at) == (1, "renewed", clock.now)
        assert world.prog.instance_count(session) == 2
        (row,) = progress.status(world.prog, session, "Smart City 2026")
        assert (row.cycle, row.state, row.stage, row.due_at) == (
            # 45 days after the renewal's day, at 23:59 WITA (a Thursday).
            2, "bimtek_1", "Bimtek I", datetime(2032, 2, 5, 15, 59, tzinfo=UTC))
        assert sent.submissions(world.prog, session, r.code) == []
        _, history = timeline.history(session, r.code)
    cycle_1 = [h for h in history if h.cycle == 1]
    cycle_2 = [h for h in history if h.cycle == 2]
    assert history == cycle_1 + cycle_2  # oldest cycle first
    assert (cycle_1[-1].trigger, cycle_1[-1].to_state, cycle_1[-1].comment) == (
        "renew", "renewed", "Masterplan 2032-2036")
    assert [(h.seq, h.kind, h.trigger, h.from_state, h.to_state, h.actor) for h in cycle_2] == [
        (1, "start", "renew", None, "bimtek_1", COORDINATOR)]


def test_cycle_two_needs_its_own_questionnaires(world: Any, clock: Any) -> None:
    r = _implementing(world, clock)  # every OPD sent a questionnaire in cycle 1
    clock.now = ADOPTED + FIVE_YEARS
    world.fire(r.code, "renew", COORDINATOR)
    with world.unchanged(r.code), pytest.raises(
            GuardFailed, match=r"still to be submitted: OPD questionnaire; "
            r"2 of 2 OPDs have not submitted the questionnaire"):
        world.fire(r.code, "close_bimtek_1", COORDINATOR)
    world.submit(r.code, "questionnaire", r.opds["BAPPEDA"])
    with pytest.raises(GuardFailed, match=r"1 of 2 OPDs .*\(DISKOMINFO\)$"):
        world.fire(r.code, "close_bimtek_1", COORDINATOR)
    world.submit(r.code, "questionnaire", r.opds["DISKOMINFO"])
    assert world.fire(r.code, "close_bimtek_1", COORDINATOR).to_state == "bimtek_2"
    with pytest.raises(TransitionNotAllowed,
                       match=r"(?i)^cannot start the next five-year cycle for 64\.71: it is in "
                             r"Bimtek II"):
        world.fire(r.code, "renew", COORDINATOR)


def test_the_cycle_length_follows_the_settings(world: Any, clock: Any, make_prog: Any,
                                               world_type: Any) -> None:
    r = _implementing(world, clock)
    one = world_type(make_prog(cycle_years=1), world.folder)
    clock.now = ADOPTED + timedelta(days=364, hours=23)
    with pytest.raises(GuardFailed, match=r"(?i)^cannot start the next five-year cycle: the "
                                          r"1-year cycle that began with adoption on "
                                          r"22 December 2026 runs until 22 December 2027$"):
        one.fire(r.code, "renew", COORDINATOR)
    clock.now = ADOPTED + timedelta(days=365)  # round(365.25 * 1) days: exactly due
    assert one.fire(r.code, "renew", COORDINATOR).successor_id is not None
    assert one.state(r.code) == "bimtek_1"
