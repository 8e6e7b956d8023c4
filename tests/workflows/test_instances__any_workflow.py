"""Any published workflow runs for a region beside its master plan: a coordinator starts it
(clear refusals otherwise), actions and submissions name it by key, obligations and
``owed_by`` list what is owed on it, and its deadline is reminded through a real SMTP server
with the workflow's title next to the stage.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from checkupkit import KEY, TITLE_EN, publish  # type: ignore[import-not-found]
from smtpkit import SmtpServer  # type: ignore[import-not-found]

from engine import ConflictError, InvalidInputError, NotFoundError, PermissionDenied, Records
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender
from workflows import instances
from workflows.deadlines import sweep
from workflows.master_plan import MASTER_PLAN, actions
from workflows.obligations import Obligations, owed_by
from workflows.programme import Programme


@pytest.fixture
def checkup(world: Any) -> Any:
    publish(world.prog)
    return world.region()


def test_a_coordinator_starts_it_and_the_refusals_name_the_problem(world: Any,
                                                                   checkup: Any) -> None:
    prog, code = world.prog, checkup.code
    with pytest.raises(PermissionDenied):
        instances.start(prog, KEY, code, checkup.opd)
    with pytest.raises(NotFoundError, match="no workflow “nothing” is published"):
        instances.start(prog, "nothing", code, world.COORDINATOR)
    with pytest.raises(NotFoundError, match="unknown region"):
        instances.start(prog, KEY, "99.99", world.COORDINATOR)
    with pytest.raises(InvalidInputError, match="joins a cohort"):
        instances.start(prog, MASTER_PLAN, code, world.COORDINATOR)
    with pytest.raises(NotFoundError, match="does not run Yearly check-up"):
        actions.advance(prog, code, "send", world.COORDINATOR, key=KEY)

    started = instances.start(prog, KEY, code, world.COORDINATOR)
    assert (started.definition_key, started.state, started.cycle) == (KEY, "reporting", 1)
    with pytest.raises(ConflictError, match="already running"):
        instances.start(prog, KEY, code, world.COORDINATOR)
    # The master plan is untouched, and listed first among the running workflows.
    with prog.db.read() as session:
        found = instances.running(prog, session, code)
    assert [(w.instance.definition_key, w.instance.state) for w in found] == [
        (MASTER_PLAN, "assessment"), (KEY, "reporting")]

    actions.advance(prog, code, "withdraw", world.COORDINATOR, key=KEY, comment="tahun depan")
    again = instances.start(prog, KEY, code, world.COORDINATOR)  # the next round
    assert (again.state, again.cycle) == ("reporting", 2)


def test_actions_submissions_and_obligations_work_on_the_key(world: Any, checkup: Any) -> None:
    prog, code = world.prog, checkup.code
    instances.start(prog, KEY, code, world.COORDINATOR)
    opds = list(checkup.opds.values())
    with prog.db.read() as session:
        owed = Obligations(prog, session).current([code])
        mine = owed_by(prog, session, opds[0], [code])
        plan_only = Obligations(prog, session).master_plan([code])
    assert {(o.key, o.duty.name, o.party.email if o.party else None) for o in owed
            if o.key == KEY} == {(KEY, "report", e) for e in opds}
    assert [(o.key, str(o.workflow), str(o.stage)) for o in mine] == [
        (KEY, TITLE_EN, "Reporting")]
    assert all(o.key == MASTER_PLAN for o in plan_only)

    world.submit(code, "report", opds[0], key=KEY)
    with pytest.raises(Exception, match=r"1 of 2 parties .*\(BAPPEDA\)"):
        actions.advance(prog, code, "send", world.COORDINATOR, key=KEY)
    world.submit(code, "report", opds[1], key=KEY)
    moved = actions.advance(prog, code, "send", world.COORDINATOR, key=KEY)
    assert (moved.from_state, moved.to_state) == ("reporting", "review")
    # The master plan's own actions never see the other workflow's triggers.
    with pytest.raises(Exception, match="send"):
        actions.advance(prog, code, "send", world.COORDINATOR)
    with prog.db.read() as session:
        rows = Records(session).history(code, KEY)
    assert [h.trigger for h in rows if h.kind == "transition"] == ["send"]
    assert world.state(code) == "assessment"


def _step(prog: Programme, port: int) -> None:
    sweep.sweep(prog)

    async def deliver() -> None:
        sender = SmtpSender.from_settings(prog.settings, port=port)
        try:
            report = await Dispatcher(prog.db, sender, "checkup", prog.engine.clock).run_once()
            assert report.dead == report.retried == 0
        finally:
            await sender.close()

    asyncio.run(deliver())


def test_its_deadline_is_reminded_naming_the_workflow(
        settings: Any, clock: Any, world_type: Any, tmp_path: Any,
        smtp_server: SmtpServer) -> None:
    prog = Programme(settings.model_copy(update={"smtp_port": smtp_server.port}), clock=clock)
    try:
        world = world_type(prog, tmp_path / "in")
        world.seed_people()
        publish(prog)
        region = world.region()
        instances.start(prog, KEY, region.code, world.COORDINATOR)
        late, done = list(region.opds.values())
        world.submit(region.code, "report", done, key=KEY)
        for _ in range(12):  # day by day past the ten-day deadline
            clock.advance(days=1)
            _step(prog, smtp_server.port)
        to_late = [m for m in smtp_server.messages if str(m["To"]).endswith(late + ">")
                   or str(m["To"]) == late]
        assert to_late, [str(m["To"]) for m in smtp_server.messages]
        body = to_late[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Pelaporan (Pemeriksaan tahunan)" in body or "Reporting (Yearly check-up)" in body
        assert "Laporan OPD" in body or "OPD report" in body
        # The OPD that sent its report is never reminded of it.
        assert not any(done in str(m["To"]) for m in smtp_server.messages)
    finally:
        prog.close()
