"""The preview lists exactly the emails the sweep then sends.

On both databases: four regions in three zones, each waiting for someone else (OPDs that have
not sent their questionnaire, a mentor's review, a head of region's commitment sheet, a
coordinator's closing of bimtek I), with deadlines in the coming fortnight. The preview of the
fortnight is taken first; then a simulated clock steps through it an hour at a time, sweeping
as the worker does. Every digest and escalation the sweep queued is in the preview (recipient,
kind, local day), nothing in the preview is missing from what was sent, and each previewed
item is in the email that went.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from config import language
from notifications.models import OutboxMessage
from workflows.deadlines import preview, setting, sweep

START = datetime(2026, 2, 9, 3, 0, tzinfo=UTC)  # Monday 9 February, 10:00 WIB


def test_the_preview_of_a_fortnight_is_what_the_sweep_sends(world: Any, clock: Any) -> None:
    bimtek = world.region("64.71", opds=("DISKOMINFO", "BAPPEDA", "DISHUB"))  # WITA
    review = world.region("94.04", opds=("DISKOMINFO",))  # WIT
    commitment = world.region("32.73", opds=("DISKOMINFO",))  # WIB
    closing = world.region("72.01", opds=("DINKES",))  # WITA
    world.drive(bimtek, "bimtek_1")
    world.submit(bimtek.code, "questionnaire", bimtek.opds["BAPPEDA"])
    world.drive(review, "mentor_review")
    world.drive(commitment, "bimtek_4")
    world.submit(commitment.code, "buku_2", commitment.opd, note="final")
    world.drive(closing, "bimtek_1")
    world.submit(closing.code, "questionnaire", closing.opd)
    clock.now = START
    for r, stage, day in ((bimtek, "bimtek_1", date(2026, 2, 13)),
                          (review, "mentor_review", date(2026, 2, 16)),
                          (commitment, "bimtek_4", date(2026, 2, 18)),
                          (closing, "bimtek_1", date(2026, 2, 12))):
        setting.set_region_deadline(world.prog, r.code, stage, day, actor=world.COORDINATOR)
    sweep.sweep(world.prog)  # nothing is due yet: every deadline was set just now

    end = START + timedelta(days=14)
    # In the language the recipients read (the programme's).
    with world.prog.db.read() as session, language.using("id"):
        planned = preview.preview(world.prog, session, START, end)
    assert {m.email for m in planned} >= {bimtek.opds["DISKOMINFO"], bimtek.opds["DISHUB"],
                                          review.mentor, commitment.head, world.COORDINATOR}
    assert bimtek.opds["BAPPEDA"] not in {m.email for m in planned}  # sent already
    assert {m.kind for m in planned} == {"reminder_digest", "escalation"}

    while clock.now < end:
        clock.now += timedelta(hours=1)
        sweep.sweep(world.prog)
    with world.prog.db.read() as session:
        sent = session.execute(select(OutboxMessage).where(
            OutboxMessage.kind.in_(["reminder_digest", "escalation"]))).scalars().all()
    by_key = {(m.kind, m.recipient, m.key.rsplit(":", 1)[1]): m for m in sent}
    assert set(by_key) == {(m.kind, m.email, m.day.isoformat()) for m in planned}
    for m in planned:
        text = by_key[(m.kind, m.email, m.day.isoformat())].text_body
        for item in m.items:
            assert item.region in text, (m, item)
            assert item.what.split(" (")[0].split(";")[0] in text, (m, item)
