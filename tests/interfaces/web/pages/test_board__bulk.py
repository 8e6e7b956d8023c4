"""Bulk actions on the regions ticked on the board: an own date for each (all or nothing),
reminders now through the outbox (a double click sends nothing twice), a mentor assigned;
with the session's CSRF token, for coordinators (each on its own regions) and administrators
(mentors only), answered with a redirect back to the same filtered page and a notice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from webkit import Web  # type: ignore[import-not-found]

from engine import Records
from notifications.models import OutboxMessage
from workflows.directory import imports, registration
from workflows.directory.models import MentorAssignment, Person

SAMARINDA, BANDUNG = "64.72", "32.73"
BACK = "cohort=Smart%20City%202026&zone=WITA&page=1&compact=1&evil=https://x.example"


@pytest.fixture
def cohort(web: Web) -> Web:
    """Balikpapan and Samarinda in bimtek I (their OPDs owe questionnaires), Bandung in the
    assessment."""
    world = web.world
    samarinda = world.region(SAMARINDA, opds=("DINKES",))
    world.region(BANDUNG, opds=())
    world.drive(web.region, "bimtek_1")
    world.drive(samarinda, "bimtek_1")
    return web


def post(browser: Any, action: str, regions: list[str], **fields: str) -> Any:
    return browser.post_form("/board/bulk", {"action": action, "region": regions,
                                             "back": BACK, **fields}, page="/board")


def due(web: Web, code: str) -> tuple[datetime, str] | None:
    with web.prog.db.read() as session:
        instance = web.prog.current_instance(session, code)
        found = Records(session).open_deadline(instance.id, instance.state)
        return None if found is None else (found.due_at, found.origin)


def reminders(web: Web) -> list[OutboxMessage]:
    with web.prog.db.read() as session:
        return list(session.execute(select(OutboxMessage).where(
            OutboxMessage.key.like("remind:%"))).scalars())


def test_set_a_date_for_the_selected_regions_and_come_back_to_the_same_board(
        cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    done = post(browser, "deadline", ["64.71", SAMARINDA], day="2026-03-31", at="",
                zone="", working_days="", comment="Percepatan bimtek", stage="")
    assert done.status_code == 303, done.text
    where = urlsplit(done.headers["location"])
    assert where.path == "/board" and where.fragment == "board-notice"
    assert parse_qs(where.query) == {"cohort": ["Smart City 2026"], "zone": ["WITA"],
                                     "page": ["1"], "compact": ["1"], "done": ["deadline"],
                                     "n": ["2"], "m": ["0"]}  # nothing else carried back
    at_2359_wita = datetime(2026, 3, 31, 15, 59, tzinfo=UTC)
    assert due(cohort, "64.71") == due(cohort, SAMARINDA) == (at_2359_wita, "region")
    shown = browser.get(f"/board?{where.query}&lang=en").text
    assert "Own deadline set for 2 regions; their reminders start over." in shown


def test_one_region_refused_writes_nothing_and_says_which(cohort: Web) -> None:
    before = due(cohort, "64.71")
    refused = post(cohort.browser(cohort.world.COORDINATOR), "deadline",
                   ["64.71", BANDUNG], day="2026-03-31", stage="bimtek_1")
    assert refused.status_code == 422
    assert "Kota Bandung (32.73)" in refused.text and "Tidak ada yang diubah" in refused.text
    assert due(cohort, "64.71") == before
    nothing = post(cohort.browser(cohort.world.COORDINATOR), "deadline", [],
                   day="2026-03-31")
    assert nothing.status_code == 422 and "belum ada daerah yang dipilih" in nothing.text
    no_day = post(cohort.browser(cohort.world.COORDINATOR), "deadline", ["64.71"])
    assert no_day.status_code == 422 and "pilih tanggal tenggat" in no_day.text


def test_reminders_now_go_through_the_outbox_once(cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    sent = post(browser, "remind", ["64.71", SAMARINDA])
    assert sent.status_code == 303
    assert parse_qs(urlsplit(sent.headers["location"]).query)["done"] == ["remind_new"]
    queued = reminders(cohort)
    assert sorted(m.recipient for m in queued) == sorted(
        [*cohort.region.opds.values(), "dinkes.6472@pemda.go.id"])
    assert {m.kind for m in queued} == {"reminder_digest"}
    assert {m.status for m in queued} == {"pending"}  # sent later by the dispatcher
    notice = browser.get(sent.headers["location"]).text
    assert "3 email pengingat masuk antrean dan segera dikirim." in notice
    again = post(browser, "remind", [SAMARINDA, "64.71"])
    assert parse_qs(urlsplit(again.headers["location"]).query)["done"] == ["remind_none"]
    assert len(reminders(cohort)) == 3
    assert "Tidak ada pengingat baru: 3 penerima" in browser.get(again.headers["location"]).text


def test_regions_where_nobody_owes_anything_are_said_so(cohort: Web) -> None:
    browser = cohort.browser(cohort.world.COORDINATOR)
    cohort.world.fire("64.71", "withdraw", cohort.world.COORDINATOR, comment="Mundur")
    idle = post(browser, "remind", ["64.71"])
    assert parse_qs(urlsplit(idle.headers["location"]).query)["done"] == ["remind_idle"]
    assert "Tidak ada yang perlu diingatkan" in browser.get(idle.headers["location"]).text
    assert reminders(cohort) == []


def test_assign_a_mentor_to_the_selected_regions(cohort: Web) -> None:
    mentor = cohort.region.mentor  # Balikpapan's
    browser = cohort.browser(cohort.world.COORDINATOR)
    done = post(browser, "mentor", ["64.71", SAMARINDA, BANDUNG], mentor=mentor.upper())
    assert done.status_code == 303
    assert parse_qs(urlsplit(done.headers["location"]).query)["m"] == ["2"]  # 2 new
    with cohort.prog.db.read() as session:
        assigned = set(session.execute(
            select(MentorAssignment.region_code).join(
                Person, Person.id == MentorAssignment.person_id)  # type: ignore[arg-type]
            .where(Person.email == mentor)).scalars())
    assert assigned == {"64.71", SAMARINDA, BANDUNG}
    assert "Mentor ditugaskan ke 3 daerah (2 penugasan baru)." in browser.get(
        done.headers["location"]).text
    unknown = post(browser, "mentor", ["64.71"], mentor="nobody@itb.ac.id")
    assert unknown.status_code == 404


def test_who_may_act(cohort: Web) -> None:
    world = cohort.world
    no_token = cohort.browser(world.COORDINATOR).post("/board/bulk", data={
        "action": "remind", "region": ["64.71"]})
    assert no_token.status_code == 403 and reminders(cohort) == []

    assessor = cohort.browser(world.ASSESSOR)
    refused = post(assessor, "remind", ["64.71"])
    assert refused.status_code == 403 and reminders(cohort) == []

    own = "setda.6471@pemda.go.id"
    registration.upsert_people(cohort.prog, imports.parse_people(
        f"email,name,role,region\n{own},Sekretariat Balikpapan,coordinator,64.71\n"))
    scoped = cohort.browser(own)
    assert post(scoped, "remind", ["64.71", SAMARINDA]).status_code == 403
    assert post(scoped, "mentor", [SAMARINDA], mentor=cohort.region.mentor).status_code == 403
    assert reminders(cohort) == []
    assert post(scoped, "remind", ["64.71"]).status_code == 303

    admin = cohort.browser(cohort.account("admin@komdigi.go.id", admin=True))
    assert post(admin, "mentor", [BANDUNG], mentor=cohort.region.mentor).status_code == 303
    cannot = post(admin, "deadline", [BANDUNG], day="2026-03-31")
    assert cannot.status_code == 403  # an administrator with no person behind the account
