"""An escalation names a missed deadline's stage as people know it, with its workflow's title.

Proves on both databases, through a real SMTP server: a region runs the award round next to
its master plan, and its registration deadline is missed; the coordinator's escalation about
it, when nobody is named as late on it (their part is done, only the coordinators' remains),
calls the stage "Pendaftaran (Evaluasi dan penghargaan tahunan ...)" in Indonesian and
"Registration (Yearly evaluation and award round ...)" in English -- the stage's label and the
workflow's title as the digests write them -- never the state's key made readable; and a master
plan stage is named by its label alone.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from smtpkit import SmtpServer  # type: ignore[import-not-found]

from engine import Records
from notifications.dispatcher import Dispatcher
from notifications.queue import Email, queue_emails
from notifications.smtp import SmtpSender
from workflows import instances
from workflows.deadlines import occasions
from workflows.deadlines.mornings import Due
from workflows.deadlines.sweep import Round
from workflows.directory.parties import parties
from workflows.emails.catalogue import EMAILS
from workflows.master_plan import MASTER_PLAN

KEY = "award_round"
TITLE = {"id": "Evaluasi dan penghargaan tahunan Gerakan Menuju 100 Smart City",
         "en": "Yearly evaluation and award round (Gerakan Menuju 100 Smart City)"}
REGISTRATION = {"id": "Pendaftaran", "en": "Registration"}


def _escalate(w: Any, code: str, key: str, lang: str) -> None:
    """Queue the coordinator's escalation about the open deadline of ``key``, nobody late."""
    prog = w.prog
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        (deadline,) = [d for d in Records(session).open_deadlines(subjects=[code])
                       if d.definition_key == key]
        coordinator = next(p for p in parties(session, [code])[code].escalation
                           if p.email == w.COORDINATOR)
        run = Round(prog, session, now)
        tz = run.region_tz([deadline])[code]
        due = Due(coordinator, tz, code, deadline,
                  occasions.escalation(prog.settings, deadline.due_at, tz, deadline.created_at))
        context = run.escalation_context([due], [], lang)
        queue_emails(session, prog.settings, EMAILS,
                     [Email("escalation", w.COORDINATOR, context, f"test:{key}:{lang}", lang)],
                     now)


def _deliver(w: Any, port: int) -> None:
    async def deliver() -> None:
        sender = SmtpSender.from_settings(w.prog.settings, port=port)
        try:
            report = await Dispatcher(w.prog.db, sender, "escalation", w.prog.engine.clock
                                      ).run_once()
            assert report.dead == report.retried == 0
        finally:
            await sender.close()

    asyncio.run(deliver())


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_escalation_with_nobody_late_names_the_stage_and_its_workflow(
        world: Any, clock: Any, smtp_server: SmtpServer, lang: str) -> None:
    r = world.region()
    instances.start(world.prog, KEY, r.code, world.COORDINATOR)
    world.drive(r, "bimtek_1")
    clock.now += timedelta(days=50)  # both deadlines are missed
    _escalate(world, r.code, KEY, lang)
    _escalate(world, r.code, MASTER_PLAN, lang)
    _deliver(world, smtp_server.port)

    bodies = [m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
              for m in smtp_server.messages]
    assert len(bodies) == 2
    award, plan = sorted(bodies, key=lambda b: TITLE[lang] not in b)
    assert f"{REGISTRATION[lang]} ({TITLE[lang]})" in award, award
    assert "Bimtek I" in plan and "Bimtek 1" not in plan, plan
    assert TITLE[lang] not in plan
