"""The sweep tells people only what is theirs: one digest per recipient per day, listing exactly
what that recipient owes, and escalations that name the late parties.

On both databases, with the simulated clock: several deadlines of one OPD make one digest; an
OPD that has sent its questionnaire hears nothing more while the one that has not is reminded
and named in the coordinator's escalation; mentors are reminded of reviews, heads of region of
their documents, coordinators of stages that wait only for them; an OPD, a mentor or a head
of region added after the deadline was set is reminded from the next morning; a batch split
never makes a second digest the same day; a deadline the region has left is dropped with
nothing sent.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import Records, SubmissionInput, load_definition
from notifications.models import OutboxMessage
from workflows.deadlines import setting, sweep
from workflows.deadlines.models import ReminderSchedule
from workflows.directory import actors, registration
from workflows.directory.actors import actor_for

BALIKPAPAN = "64.71"  # WITA
DAY_BEFORE = datetime(2026, 2, 19, 0, 0, tzinfo=UTC)  # 08:00 WITA, D-1 of a 20 Feb deadline
ESCALATION = datetime(2026, 2, 24, 0, 0, tzinfo=UTC)  # 08:00 WITA, D+3 (a local coordinator)
NATIONAL_ESCALATION = datetime(2026, 2, 24, 1, 0, tzinfo=UTC)  # 08:00 WIB

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
    per_party: true
    submitted_by: [opd, coordinator]
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


def _outbox(prog: Any, kind: str | None = None) -> list[OutboxMessage]:
    with prog.db.read() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(s.execute(query).scalars())


def _text(message: OutboxMessage) -> str:
    """The plain text without its signed links (random tokens may spell anything)."""
    return re.sub(r"https?://\S+", "<link>", message.text_body)


def _in_bimtek_1(w: Any, opds: tuple[str, ...]) -> Any:
    r = w.region(BALIKPAPAN, opds=opds)
    w.drive(r, "bimtek_1")
    setting.set_region_deadline(w.prog, r.code, "bimtek_1", date(2026, 2, 20),
                                actor=w.COORDINATOR)  # 23:59 WITA
    return r


def test_several_deadlines_of_one_opd_make_one_digest_of_exactly_what_it_owes(
        w: Any, clock: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO", "BAPPEDA"))
    with w.prog.db.transaction() as s:
        for n in (1, 2, 3):
            loaded = load_definition(SMALL_YAML.format(n=n), f"data_{n}", w.prog.guards)
            w.prog.engine.publish(s, loaded)
            w.prog.engine.start(s, f"data_{n}", r.code, actors.SYSTEM)
    bappeda = r.opds["BAPPEDA"]
    _submit_data(w, r.code, 2, bappeda)  # BAPPEDA's own return 2 is in
    # Started Monday 5 January 10:00 WITA: due 30 days on, Wednesday 4 February 23:59 WITA;
    # the 7-day reminder is at 08:00 WITA on 28 January.
    clock.now = datetime(2026, 1, 28, 0, 0, tzinfo=UTC)
    report = sweep.sweep(w.prog)
    assert sorted(report.digests) == sorted(
        f"digest:{email}:2026-01-28" for email in (r.opd, bappeda))
    digests = {m.recipient: _text(m) for m in _outbox(w.prog)}
    assert all(f"Data return {n}" in digests[r.opd] for n in (1, 2, 3))
    assert "Data return 1" in digests[bappeda] and "Data return 3" in digests[bappeda]
    assert "Data return 2" not in digests[bappeda]  # sent: not BAPPEDA's any more
    assert "Rabu, 4 Februari 2026 pukul 23.59 WITA" in digests[r.opd]
    assert sweep.sweep(w.prog).queued == 0  # exactly once


def _submit_data(w: Any, code: str, n: int, email: str) -> None:
    with w.prog.db.transaction() as s:
        instance = Records(s).current_instance(f"data_{n}", code)
        assert instance is not None
        actor = actor_for(s, email)
        w.prog.engine.submit(s, instance.id, actor, SubmissionInput(
            f"data_{n}", "data.csv", "text/csv", 10, "0" * 64, party=actor.party or ""))


def test_only_the_opd_that_owes_is_reminded_and_named_in_the_escalation(
        w: Any, clock: Any) -> None:
    r = _in_bimtek_1(w, ("DISKOMINFO", "BAPPEDA", "DISHUB"))
    local_coordinator = "sekretariat.6471@pemda.go.id"
    registration.add_person(w.prog, local_coordinator, "Sekretariat Smart City Balikpapan",
                            "coordinator", r.code)
    for code in ("DISKOMINFO", "BAPPEDA"):
        w.submit(r.code, "questionnaire", r.opds[code])
    clock.now = DAY_BEFORE
    assert sweep.sweep(w.prog).digests == [f"digest:{r.opds['DISHUB']}:2026-02-19"]
    (digest,) = _outbox(w.prog)
    assert "Kuesioner OPD" in digest.text_body and "Kota Balikpapan" in digest.text_body
    clock.now = ESCALATION
    report = sweep.sweep(w.prog)
    assert report.escalations == [f"escalation:{local_coordinator}:2026-02-24"]
    clock.now = NATIONAL_ESCALATION
    assert sweep.sweep(w.prog).escalations == [f"escalation:{w.COORDINATOR}:2026-02-24"]
    escalations = _outbox(w.prog, "escalation")
    assert sorted(m.recipient for m in escalations) == sorted([local_coordinator,
                                                               w.COORDINATOR])
    for m in escalations:
        text = _text(m)
        assert "Dinas Perhubungan (DISHUB)" in text and "Kuesioner OPD" in text
        assert "DISKOMINFO" not in text and "BAPPEDA" not in text
    # Nobody else was told anything: the mentor and the head owe nothing in bimtek I.
    assert {m.recipient for m in _outbox(w.prog)} == {
        r.opds["DISHUB"], local_coordinator, w.COORDINATOR}


@pytest.mark.parametrize(("stage", "who", "what"), [
    ("mentor_review", "mentor", "Beri keputusan reviu: Rencana quick win"),
    ("bimtek_4", "head", "Unggah: Lembar komitmen"),
])
def test_mentors_and_heads_are_reminded_of_their_part(
        w: Any, clock: Any, stage: str, who: str, what: str) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    w.drive(r, stage)
    if stage == "bimtek_4":
        w.submit(r.code, "buku_2", r.opd, note="final")
    setting.set_region_deadline(w.prog, r.code, stage, date(2026, 2, 20), actor=w.COORDINATOR)
    clock.now = DAY_BEFORE + timedelta(hours=1)  # 08:00 WIB: the mentor's morning too
    sweep.sweep(w.prog)
    recipient = getattr(r, who)
    assert [m.recipient for m in _outbox(w.prog, "reminder_digest")] == [recipient]
    assert what in _text(_outbox(w.prog, "reminder_digest")[0])


def test_a_coordinator_is_reminded_of_a_stage_that_waits_only_for_them(
        w: Any, clock: Any) -> None:
    r = _in_bimtek_1(w, ("DISKOMINFO", "BAPPEDA"))
    for email in r.opds.values():
        w.submit(r.code, "questionnaire", email)
    clock.now = DAY_BEFORE + timedelta(hours=1)  # 08:00 WIB, the national coordinator's
    assert sweep.sweep(w.prog).digests == [f"digest:{w.COORDINATOR}:2026-02-19"]
    assert "Lakukan: Tutup bimtek I" in _text(_outbox(w.prog)[0])


def test_an_opd_added_later_is_reminded_from_the_next_morning(w: Any, clock: Any) -> None:
    r = _in_bimtek_1(w, ("DISKOMINFO",))
    clock.now = datetime(2026, 2, 13, 0, 0, tzinfo=UTC)  # D-7, 08:00 WITA
    assert sweep.sweep(w.prog).digests == [f"digest:{r.opd}:2026-02-13"]
    late = "dinkes.6471@pemda.go.id"
    clock.now = datetime(2026, 2, 14, 2, 0, tzinfo=UTC)
    registration.add_opd(w.prog, r.code, "DINKES", "Dinas Kesehatan", late, "living")
    clock.now = datetime(2026, 2, 17, 0, 0, tzinfo=UTC)  # D-3
    assert sorted(sweep.sweep(w.prog).digests) == sorted(
        [f"digest:{r.opd}:2026-02-17", f"digest:{late}:2026-02-17"])


def test_a_split_batch_never_makes_a_second_digest_the_same_day(w: Any, clock: Any) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    with w.prog.db.transaction() as s:
        for n in (1, 2):
            loaded = load_definition(SMALL_YAML.format(n=n), f"data_{n}", w.prog.guards)
            w.prog.engine.publish(s, loaded)
            w.prog.engine.start(s, f"data_{n}", r.code, actors.SYSTEM)
    clock.now = datetime(2026, 1, 28, 0, 0, tzinfo=UTC)
    report = sweep.sweep(w.prog, limit=1)  # one deadline per transaction
    assert (report.digests, report.covered) == ([f"digest:{r.opd}:2026-01-28"], 1)
    (digest,) = _outbox(w.prog)
    assert "Data return 1" in digest.text_body and "Data return 2" in digest.text_body


def test_a_stage_left_is_dropped_with_nothing_sent(w: Any, clock: Any) -> None:
    r = _in_bimtek_1(w, ("DISKOMINFO",))
    setting.set_cohort_deadline(w.prog, w.COHORT, "bimtek_2", date(2026, 6, 30),
                                actor=w.COORDINATOR)
    sweep.sweep(w.prog)  # the earlier stages' rows go; bimtek I's waits for its mornings
    w.leave(r, "bimtek_1")  # into bimtek II, due at the end of June
    clock.now = DAY_BEFORE
    report = sweep.sweep(w.prog)
    assert report.dropped == 1 and report.digests == []
    with w.prog.db.read() as s:
        left = s.execute(select(func.count()).select_from(ReminderSchedule)).scalar_one()
    assert left == 1  # bimtek II's
    assert _outbox(w.prog) == []


@pytest.mark.parametrize("who", ["mentor", "head_of_region"])
def test_a_mentor_or_head_added_later_is_reminded_from_the_next_morning(
        w: Any, clock: Any, who: str) -> None:
    r = w.region(BALIKPAPAN, opds=("DISKOMINFO",))
    stage = "mentor_review" if who == "mentor" else "bimtek_4"
    w.drive(r, stage)
    if stage == "bimtek_4":
        w.submit(r.code, "buku_2", r.opd, note="final")
    setting.set_region_deadline(w.prog, r.code, stage, date(2026, 2, 20), actor=w.COORDINATOR)
    first = r.mentor if who == "mentor" else r.head
    clock.now = datetime(2026, 2, 13, 1, 0, tzinfo=UTC)  # D-7, 08:00 WIB and 09:00 WITA
    assert sweep.sweep(w.prog).digests == [f"digest:{first}:2026-02-13"]
    clock.now = datetime(2026, 2, 14, 2, 0, tzinfo=UTC)
    late = "kedua.6471@pemda.go.id"
    if who == "mentor":  # a second mentor assigned to the region while the review is open
        registration.add_mentor(w.prog, late, "Mentor Kedua", [r.code])
    else:  # the deputy, registered for the region while its commitment sheet is open
        registration.add_person(w.prog, late, "Wakil Wali Kota", "head_of_region", r.code)
    clock.now = datetime(2026, 2, 17, 1, 0, tzinfo=UTC)  # D-3
    assert sorted(sweep.sweep(w.prog).digests) == sorted(
        [f"digest:{first}:2026-02-17", f"digest:{late}:2026-02-17"])


def test_a_split_batch_still_makes_one_escalation_naming_every_late_region(
        w: Any, clock: Any) -> None:
    codes = ("64.71", "64.72", "63.71")  # Balikpapan, Samarinda, Banjarmasin: WITA
    for code in codes:
        r = w.region(code, opds=("DISKOMINFO",))
        w.drive(r, "bimtek_1")
        setting.set_region_deadline(w.prog, code, "bimtek_1", date(2026, 2, 20),
                                    actor=w.COORDINATOR)
    clock.now = NATIONAL_ESCALATION
    report = sweep.sweep(w.prog, limit=1)  # one deadline per transaction
    assert report.escalations == [f"escalation:{w.COORDINATOR}:2026-02-24"]
    (escalation,) = _outbox(w.prog, "escalation")
    assert all(code in escalation.text_body for code in codes)
    assert sweep.sweep(w.prog).queued == 0
    with w.prog.db.read() as s:  # escalated: nothing left to send, the rows are gone
        assert s.execute(select(func.count()).select_from(ReminderSchedule)).scalar_one() == 0
