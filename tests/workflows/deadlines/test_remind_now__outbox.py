"""Reminders sent now from the board: queued through the outbox (never sent directly), one
digest per person who owes something in the chosen regions, listing only what they owe
there; a second click the same day queues nothing; only the regions' coordinators may.

Kota Balikpapan (64.71, WITA) and Kota Samarinda (64.72, WITA) are in bimtek I (each OPD
owes its questionnaire by the definition's 45-day deadline); Kota Bandung (32.73, WIB) is in
the institutions stage, where the programme's coordinator owes the two decrees.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from engine import NotFoundError, PermissionDenied
from notifications.models import OutboxMessage
from workflows.deadlines.remind_now import remind_now
from workflows.directory import imports, registration

BALIKPAPAN, SAMARINDA, BANDUNG, JAYAPURA = "64.71", "64.72", "32.73", "91.71"


@pytest.fixture
def w(world: Any) -> Any:
    balikpapan = world.region(BALIKPAPAN, opds=("DISKOMINFO", "BAPPEDA"))
    samarinda = world.region(SAMARINDA, opds=("DINKES",))
    bandung = world.region(BANDUNG, opds=("DISHUB",))
    world.drive(balikpapan, "bimtek_1")
    world.drive(samarinda, "bimtek_1")
    world.drive(bandung, "institutions")
    world.region(JAYAPURA, opds=())  # in the assessment: no deadline
    return world


def reminders(w: Any) -> list[OutboxMessage]:
    with w.prog.db.read() as session:
        return list(session.execute(select(OutboxMessage).where(
            OutboxMessage.key.like("remind:%")).order_by(OutboxMessage.id)).scalars())


def text(message: OutboxMessage) -> str:
    return re.sub(r"https?://\S+", "<link>", message.text_body)


def test_one_digest_per_recipient_through_the_outbox_listing_only_what_they_owe(
        w: Any) -> None:
    sent = remind_now(w.prog, [BALIKPAPAN], w.COORDINATOR)
    opds = ["bappeda.6471@pemda.go.id", "diskominfo.6471@pemda.go.id"]
    assert sent.queued == opds and sent.already == [] and sent.idle == []
    queued = reminders(w)
    assert sorted(m.recipient for m in queued) == opds
    for message in queued:
        assert message.kind == "reminder_digest" and message.status == "pending"
        assert "Kota Balikpapan" in text(message) and "Samarinda" not in text(message)
        assert "Kuesioner OPD" in text(message)  # the questionnaire (the mail's language)
        assert message.key.startswith(f"remind:{message.recipient}:2026-01-05:")
    # Samarinda's OPD owes the same but was not chosen: told nothing.
    assert all("6472" not in m.recipient for m in queued)


def test_a_second_click_the_same_day_queues_nothing(w: Any, clock: Any) -> None:
    first = remind_now(w.prog, [BALIKPAPAN, SAMARINDA], w.COORDINATOR)
    assert len(first.queued) == 3
    again = remind_now(w.prog, [SAMARINDA, BALIKPAPAN, BALIKPAPAN], w.COORDINATOR)
    assert again.queued == [] and again.already == first.queued
    assert len(reminders(w)) == 3
    clock.advance(days=1)  # the next day the coordinator may remind them again
    assert remind_now(w.prog, [BALIKPAPAN], w.COORDINATOR).queued != []


def test_someone_owing_in_several_regions_gets_one_email_of_the_chosen_ones(w: Any) -> None:
    # The programme's coordinator owes the decrees in Bandung only: a digest of Bandung alone
    # (sent when another coordinator asks: the one who asks is not reminded).
    other = "koordinator.dua@komdigi.go.id"
    registration.upsert_people(w.prog, imports.parse_people(
        f"email,name,role,region\n{other},Koordinator Dua,coordinator,\n"))
    sent = remind_now(w.prog, [BANDUNG, BALIKPAPAN], other)
    assert w.COORDINATOR in sent.queued
    (coordinator,) = [m for m in reminders(w) if m.recipient == w.COORDINATOR]
    assert "Kota Bandung" in text(coordinator) and "Balikpapan" not in text(coordinator)
    assert len(reminders(w)) == 1 + 2 + 0  # the coordinator, Balikpapan's two OPDs


def test_the_coordinator_who_asks_is_not_reminded_of_their_own_duties(w: Any) -> None:
    mine = remind_now(w.prog, [BANDUNG], w.COORDINATOR)
    assert w.COORDINATOR not in mine.queued + mine.already


def test_regions_with_nothing_owed_on_a_deadline_are_reported_idle(w: Any) -> None:
    sent = remind_now(w.prog, [JAYAPURA], w.COORDINATOR)
    assert (sent.queued, sent.idle) == ([], [JAYAPURA])
    assert reminders(w) == []


def test_only_the_regions_coordinators_may_and_a_refusal_queues_nothing(w: Any) -> None:
    own = "setda.6471@pemda.go.id"
    registration.upsert_people(w.prog, imports.parse_people(
        f"email,name,role,region\n{own},Sekretariat Balikpapan,coordinator,64.71\n"))
    assert remind_now(w.prog, [BALIKPAPAN], own).queued  # its own region
    before = len(reminders(w))
    with pytest.raises(PermissionDenied) as refused:
        remind_now(w.prog, [SAMARINDA], own)
    assert "64.72" in str(refused.value)
    mentor = f"mentor.{BALIKPAPAN.replace('.', '')}@itb.ac.id"
    with pytest.raises(PermissionDenied):
        remind_now(w.prog, [BALIKPAPAN], mentor)
    with pytest.raises(NotFoundError):
        remind_now(w.prog, [BALIKPAPAN, "99.99"], w.COORDINATOR)
    assert len(reminders(w)) == before
