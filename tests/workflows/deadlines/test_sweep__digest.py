"""The sweep: one digest per OPD per day, escalations to coordinators, closed deadlines."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import load_definition
from notifications.models import OutboxMessage
from workflows.deadlines import setting, sweep
from workflows.deadlines.models import Reminder
from workflows.directory import actors, registration

BALIKPAPAN = "64.71"  # WITA

SMALL_YAML = """\
key: data_{n}
version: 1
title: Data return {n}
initial: collecting
roles:
  coordinator: {{label: Coordinator}}
  opd: {{label: OPD, scoped: true}}
deliverables:
  data_{n}:
    label: Data return {n}
    submitted_by: [opd]
    during: [collecting]
states:
  collecting:
    label: Collecting data {n}
    requires: [data_{n}]
    deadline: {{days: 30}}
  done:
    label: Done
    final: true
transitions:
  - trigger: close
    source: collecting
    dest: done
    roles: [coordinator]
"""


@pytest.fixture
def w(world: Any) -> Any:
    return world


def _outbox(prog: Any) -> list[OutboxMessage]:
    with prog.db.read() as s:
        return list(s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def _statuses(prog: Any, **where: Any) -> dict[str, int]:
    with prog.db.read() as s:
        q = select(Reminder.status, func.count()).group_by(Reminder.status)
        for k, v in where.items():
            q = q.where(getattr(Reminder, k) == v)
        return {status: n for status, n in s.execute(q).all()}


def test_three_items_due_the_same_day_make_one_digest(w: Any, clock: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    with w.prog.db.transaction() as s:
        for n in (1, 2, 3):
            loaded = load_definition(SMALL_YAML.format(n=n), f"data_{n}", w.prog.guards)
            w.prog.engine.publish(s, loaded)
            w.prog.engine.start(s, f"data_{n}", r.code, actors.SYSTEM)
    # Started 2026-01-05 02:00Z: due 2026-02-04 10:00 WITA; the 7-day reminder on 28 January.
    with w.prog.db.read() as s:
        first = s.execute(select(func.min(Reminder.due_at)).where(
            Reminder.recipient == r.opd)).scalar_one()
    assert first == datetime(2026, 1, 28, 0, 0, tzinfo=UTC)
    clock.now = first
    report = sweep.sweep(w.prog)
    assert (report.due, report.queued, len(report.digests)) == (3, 3, 1)
    [message] = _outbox(w.prog)
    assert message.key == f"digest:{r.opd}:2026-01-28:1"
    assert (message.kind, message.recipient) == ("reminder_digest", r.opd)
    for n in (1, 2, 3):
        assert f"Data return {n}" in message.text_body
        assert f"Data return {n}" in message.html_body
    with w.prog.db.read() as s:
        outbox_ids = set(s.execute(select(Reminder.outbox_id).where(
            Reminder.status == "queued")).scalars())
    assert outbox_ids == {message.id}
    # Exactly once: sweeping again at the same moment queues nothing more.
    assert sweep.sweep(w.prog).due == 0
    assert len(_outbox(w.prog)) == 1


def test_a_later_item_the_same_day_makes_a_second_numbered_digest(w: Any, clock: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    w.leave(r, "assessment")  # mou: due in 120 days by the definition
    setting.set_region_deadline(w.prog, r.code, "mou", date(2026, 1, 12),
                                  actor=w.COORDINATOR)
    # The cohort's date for the next stage: 10 January 23:59 WIB (11 January 00:59 WITA).
    setting.set_cohort_deadline(w.prog, w.COHORT, "institutions", date(2026, 1, 10),
                                  actor=w.COORDINATOR)
    clock.now = datetime(2026, 1, 11, 0, 0, tzinfo=UTC)  # 08:00 WITA: mou's 1-day reminder
    assert sweep.sweep(w.prog).digests == [f"digest:{r.opd}:2026-01-11"]
    clock.now = datetime(2026, 1, 11, 2, 0, tzinfo=UTC)
    w.leave(r, "mou")  # enters institutions already late: its overdue notice is due at once
    report = sweep.sweep(w.prog)
    assert report.digests == [f"digest:{r.opd}:2026-01-11"]
    messages = _outbox(w.prog)
    assert [m.key for m in messages] == [
        f"digest:{r.opd}:2026-01-11:1", f"digest:{r.opd}:2026-01-11:2"]
    # Without the signed links, whose random tokens may spell anything (even "MoU").
    second = re.sub(r"https?://\S+", "<link>", messages[1].text_body)
    assert "Institutions" in second and "MoU" not in second


def test_overdue_notice_then_escalation_to_every_coordinator(w: Any, clock: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO", "BAPPEDA"))
    local_coordinator = "sekretariat.6471@pemda.go.id"
    registration.add_person(w.prog, local_coordinator, "Sekretariat Smart City Balikpapan",
                         "coordinator", r.code)
    w.leave(r, "assessment")
    setting.set_region_deadline(w.prog, r.code, "mou", date(2026, 2, 2),
                                  actor=w.COORDINATOR)  # 23:59 WITA = 15:59Z
    with w.prog.db.read() as s:
        esc = dict(s.execute(select(Reminder.recipient, Reminder.due_at).where(
            Reminder.kind == "escalation", Reminder.status == "planned")).all())
    assert esc == {
        w.COORDINATOR: datetime(2026, 2, 6, 1, 0, tzinfo=UTC),  # 08:00 WIB (national)
        local_coordinator: datetime(2026, 2, 6, 0, 0, tzinfo=UTC),  # 08:00 WITA
    }
    clock.now = datetime(2026, 2, 3, 0, 0, tzinfo=UTC)  # 3 Feb 08:00 WITA: overdue, and the
    report = sweep.sweep(w.prog)  # 7/3/1-day reminders nobody swept, in the same digest
    assert len(report.digests) == 2 and report.escalations == []
    digest = _outbox(w.prog)[0]
    assert "terlambat 1 hari" in digest.text_body
    clock.now = datetime(2026, 2, 6, 1, 0, tzinfo=UTC)
    report = sweep.sweep(w.prog)
    assert sorted(report.escalations) == sorted([
        f"escalation:{w.COORDINATOR}:2026-02-06", f"escalation:{local_coordinator}:2026-02-06"])
    escalations = [m for m in _outbox(w.prog) if m.kind == "escalation"]
    assert sorted(m.recipient for m in escalations) == sorted([w.COORDINATOR, local_coordinator])
    assert all("Kota Balikpapan" in m.text_body for m in escalations)


def test_leaving_the_state_cancels_its_reminders_at_the_sweep(w: Any, clock: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    w.leave(r, "assessment")
    planned = _statuses(w.prog)["planned"]
    assert planned == 3 + 1 + 1  # 7/3/1 days before, overdue, one coordinator's escalation
    w.leave(r, "mou")  # signed: the deadline closes; institutions opens a new one
    clock.now = datetime(2026, 12, 31, tzinfo=UTC)
    with w.prog.db.transaction() as s:  # close the new one too, to see only the old rows
        from sqlalchemy import update

        from engine.models import Deadline
        s.execute(update(Deadline).where(Deadline.state == "institutions").values(
            closed_at=clock.now))
    report = sweep.sweep(w.prog)
    assert report.queued == 0 and report.cancelled == report.due == planned * 2
    assert _outbox(w.prog) == []
    assert _statuses(w.prog) == {"cancelled": planned * 2}
