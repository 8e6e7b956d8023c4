"""A national deadline is reminded on the same national day everywhere, at 08:00 local.

Three regions, one per zone (Banyuwangi WIB, Balikpapan WITA, Mimika WIT), share a cohort
deadline of 23:59 WIB on Friday 20 March 2026 for the MoU, which each head of region owes.
Their "1 day before" reminders are planned for 08:00 local on Thursday 19 March everywhere
(23:00Z on the 18th for WIT, 00:00Z for WITA, 01:00Z for WIB), although in WIT the deadline is
already 01:59 on the 21st: the preview says so, and stepping a simulated clock across those
instants, each sweep-and-deliver through a real SMTP server sends exactly the digest of the
region whose morning has come, showing the deadline in its own zone with WIB alongside.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from smtpkit import SmtpServer  # type: ignore[import-not-found]

from config.settings import Settings
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender
from workflows.deadlines import preview, setting, sweep
from workflows.directory import cohorts, registration
from workflows.master_plan import actions
from workflows.programme import Programme

COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"
REGIONS = {"35.10": "WIB", "64.71": "WITA", "94.04": "WIT"}  # Banyuwangi, Balikpapan, Mimika
SHOWN = {"WIB": "Jumat, 20 Maret 2026 pukul 23.59 WIB",
         "WITA": "Sabtu, 21 Maret 2026 pukul 00.59 WITA (Jumat, 20 Maret 2026 pukul 23.59 WIB)",
         "WIT": "Sabtu, 21 Maret 2026 pukul 01.59 WIT (Jumat, 20 Maret 2026 pukul 23.59 WIB)"}


def _head(code: str) -> str:
    return f"kepala.{code.replace('.', '')}@pemda.go.id"


def _step(prog: Programme, port: int) -> None:
    """One scheduler tick at the clock's time: sweep due reminders, then deliver them."""
    sweep.sweep(prog)

    async def deliver() -> None:
        sender = SmtpSender.from_settings(prog.settings, port=port)
        dispatcher = Dispatcher(prog.db, sender, "zones", prog.engine.clock)
        try:
            report = await dispatcher.run_once()
            assert report.dead == report.retried == 0
        finally:
            await sender.close()

    asyncio.run(deliver())


def test_every_zone_is_reminded_on_the_same_national_day_at_its_own_eight_oclock(
    settings: Settings, clock: Any, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    prog = Programme(settings.model_copy(update={"smtp_port": smtp_server.port}), clock=clock)
    try:
        cohorts.create_cohort(prog, "Smart City 2026", 2026)
        cohorts.add_members(prog, "Smart City 2026", list(REGIONS))
        registration.add_person(prog, COORDINATOR, "Koordinator", "coordinator", None)
        registration.add_person(prog, ASSESSOR, "Penilai", "assessor", None)
        document = tmp_path / "hasil.pdf"
        document.write_bytes(b"%PDF-1.4 assessment")
        for code in REGIONS:
            registration.add_person(prog, _head(code), f"Kepala Daerah {code}",
                                    "head_of_region", code)
            actions.submit(prog, code, "assessment_result", document, ASSESSOR)
            actions.advance(prog, code, "assess", ASSESSOR)  # now in the MoU stage
        # Announced on Wednesday 18 March: the 7- and 3-day mornings are past already.
        clock.now = datetime(2026, 3, 18, 5, 0, tzinfo=UTC)
        setting.set_cohort_deadline(prog, "Smart City 2026", "mou",
                                    datetime(2026, 3, 20, 23, 59), zone="WIB",
                                    actor=COORDINATOR)
        _step(prog, smtp_server.port)
        assert smtp_server.messages == []

        with prog.db.read() as session:
            planned = preview.preview(prog, session, clock.now, clock.now + timedelta(days=1))
        assert [(m.email, m.day.isoformat(), m.at) for m in planned] == [
            (_head("94.04"), "2026-03-19", datetime(2026, 3, 18, 23, 0, tzinfo=UTC)),
            (_head("64.71"), "2026-03-19", datetime(2026, 3, 19, 0, 0, tzinfo=UTC)),
            (_head("35.10"), "2026-03-19", datetime(2026, 3, 19, 1, 0, tzinfo=UTC)),
        ]

        def delivered_to() -> set[str]:
            return {str(m["To"]) for m in smtp_server.messages}

        steps = [
            (datetime(2026, 3, 18, 22, 59, tzinfo=UTC), set()),
            (datetime(2026, 3, 18, 23, 0, tzinfo=UTC), {_head("94.04")}),   # 08:00 WIT
            (datetime(2026, 3, 18, 23, 59, tzinfo=UTC), {_head("94.04")}),
            (datetime(2026, 3, 19, 0, 0, tzinfo=UTC), {_head("94.04"), _head("64.71")}),
            (datetime(2026, 3, 19, 1, 0, tzinfo=UTC),
             {_head("94.04"), _head("64.71"), _head("35.10")}),              # 08:00 WIB
        ]
        for instant, expected in steps:
            clock.now = instant
            _step(prog, smtp_server.port)
            assert delivered_to() == expected, instant
        assert len(smtp_server.message_ids) == 3 and smtp_server.duplicates() == 0
        for message in smtp_server.messages:
            zone = next(z for c, z in REGIONS.items() if _head(c) == str(message["To"]))
            body = message.get_body(preferencelist=("plain",)).get_content()
            assert SHOWN[zone] in body, zone
            assert "1 hari lagi" in body
    finally:
        prog.close()
