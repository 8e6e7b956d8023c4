"""Reminder emails arrive at 08:00 in each recipient region's own zone (WIB, WITA, WIT).

Three regions, one per zone, share a cohort deadline (12:00 WIB on 20 March 2026). Their OPDs'
"7 days before" digests fall due at 08:00 local on 13 March: 23:00Z on the 12th for WIT,
00:00Z for WITA and 01:00Z for WIB. Stepping a simulated clock across those instants, each
sweep-and-deliver sends exactly the digest of the region whose 08:00 has come, through a real
SMTP server, and nothing earlier.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from smtpkit import SmtpServer  # type: ignore[import-not-found]

from config.settings import Settings
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender
from workflows.deadlines import setting, sweep
from workflows.directory import cohorts, registration
from workflows.master_plan import actions
from workflows.programme import Programme

COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"
REGIONS = {"35.10": "WIB", "64.71": "WITA", "94.04": "WIT"}  # Banyuwangi, Balikpapan, Mimika


def _opd(code: str) -> str:
    return f"diskominfo.{code.replace('.', '')}@pemda.go.id"


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


def test_each_zone_gets_its_digest_at_its_own_eight_oclock(
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
            registration.add_opd(prog, code, "DISKOMINFO", f"Diskominfo {code}", _opd(code))
            actions.submit(prog, code, "assessment_result", document, ASSESSOR)
            actions.advance(prog, code, "assess", ASSESSOR)  # now in the MoU stage
        setting.set_cohort_deadline(prog, "Smart City 2026", "mou",
                                      datetime(2026, 3, 20, 12, 0), zone="WIB",
                                      actor=COORDINATOR)

        def delivered_to() -> set[str]:
            return {str(m["To"]) for m in smtp_server.messages}

        steps = [
            (datetime(2026, 3, 12, 22, 59, tzinfo=UTC), set()),
            (datetime(2026, 3, 12, 23, 0, tzinfo=UTC), {_opd("94.04")}),   # 08:00 WIT
            (datetime(2026, 3, 12, 23, 59, tzinfo=UTC), {_opd("94.04")}),
            (datetime(2026, 3, 13, 0, 0, tzinfo=UTC), {_opd("94.04"), _opd("64.71")}),  # WITA
            (datetime(2026, 3, 13, 1, 0, tzinfo=UTC),
             {_opd("94.04"), _opd("64.71"), _opd("35.10")}),                 # 08:00 WIB
        ]
        for instant, expected in steps:
            clock.now = instant
            _step(prog, smtp_server.port)
            assert delivered_to() == expected, instant
        assert len(smtp_server.message_ids) == 3 and smtp_server.duplicates() == 0
        for message in smtp_server.messages:
            zone = next(z for c, z in REGIONS.items() if _opd(c) == str(message["To"]))
            body = message.get_body(preferencelist=("plain",)).get_content()
            assert f"2026-03-20 {dict(WIB='12', WITA='13', WIT='14')[zone]}:00 {zone}" in body
    finally:
        prog.close()
