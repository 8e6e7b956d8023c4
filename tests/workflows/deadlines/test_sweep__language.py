"""Each recipient reads their reminders in their own language, the same morning, in one sweep.

On both databases: two OPDs of Kota Balikpapan owe the bimtek I questionnaire; one has an
account in English, the other no account (the programme's default, Indonesian). One sweep
writes the first digest wholly in English (stage, document, date with its zone, salutation)
and the second wholly in Indonesian ("Yth. Kepala Dinas ... Kota Balikpapan", "Jumat, 20
Februari 2026 pukul 23.59 WITA"), whatever language the sweep itself runs in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from config import language
from notifications.models import OutboxMessage
from workflows.access import accounts
from workflows.access.models import Account
from workflows.deadlines import setting, sweep

BALIKPAPAN = "64.71"  # WITA
DAY_BEFORE = datetime(2026, 2, 19, 0, 0, tzinfo=UTC)  # 08:00 WITA, D-1 of a 20 Feb deadline


def test_one_sweep_writes_each_digest_in_its_recipients_language(world: Any, clock: Any
                                                                  ) -> None:
    r = world.region(BALIKPAPAN, opds=("DISKOMINFO", "DISHUB"))
    world.drive(r, "bimtek_1")
    setting.set_region_deadline(world.prog, r.code, "bimtek_1", date(2026, 2, 20),
                                actor=world.COORDINATOR)  # 23:59 WITA
    english = r.opds["DISHUB"]
    accounts.create(world.prog, english, "kata-sandi-rahasia-1")
    with world.prog.db.transaction() as session:
        session.execute(select(Account).where(Account.email == english)
                        ).scalar_one().locale = "en"
    clock.now = DAY_BEFORE

    with language.using("id"):  # the sweep's own language does not leak into anyone's mail
        sweep.sweep(world.prog)

    with world.prog.db.read() as session:
        sent = {m.recipient: m for m in session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == "reminder_digest")).scalars()}
    assert set(sent) == {english, r.opds["DISKOMINFO"]}
    en, id_ = sent[english].text_body, sent[r.opds["DISKOMINFO"]].text_body
    assert en.startswith("Dear Head of Dinas Perhubungan Kota Balikpapan,")
    assert "Submit: OPD questionnaire" in en and "Stage: Bimtek I" in en
    assert "Friday, 20 February 2026 at 23:59 WITA" in en
    assert "Kuesioner" not in en and "Batas waktu" not in en
    assert id_.startswith("Yth. Kepala Dinas Komunikasi dan Informatika Kota Balikpapan,")
    assert "Unggah: Kuesioner OPD" in id_ and "Jumat, 20 Februari 2026 pukul 23.59 WITA" in id_
    assert "OPD questionnaire" not in id_ and "Friday" not in id_
