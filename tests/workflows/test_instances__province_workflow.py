"""A workflow whose subjects are provinces runs like any other, for a province: started by a
province's name, acted on by the people bound to that province (another province's are
refused by the engine's normal scope checks), its history kept, and its deadline reminded to
the province's coordinator through a real SMTP server with the time in the province's zone
(Papua, 91: WIT).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from provincekit import KEY, TITLE_EN, publish  # type: ignore[import-not-found]
from smtpkit import SmtpServer  # type: ignore[import-not-found]

from engine import InvalidInputError, NotFoundError, PermissionDenied
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender
from workflows import instances
from workflows.deadlines import sweep
from workflows.directory import registration
from workflows.directory.actors import actor_for
from workflows.directory.subjects import find_subject
from workflows.master_plan import actions
from workflows.obligations import Obligations
from workflows.programme import Programme
from workflows.reporting.timeline import subject_history

PAPUA_COORDINATOR = "diskominfo@papua.go.id"
GOVERNOR = "gubernur@papua.go.id"
JABAR_COORDINATOR = "diskominfo@jabarprov.go.id"
JABAR_GOVERNOR = "gubernur@jabarprov.go.id"


def _people(prog: Programme) -> None:
    registration.add_person(prog, PAPUA_COORDINATOR, "Diskominfo Papua", "coordinator", None,
                            "papua")
    registration.add_person(prog, GOVERNOR, "Gubernur Papua", "head_of_region", None, "91")
    registration.add_person(prog, JABAR_COORDINATOR, "Diskominfo Jabar", "coordinator", None,
                            "Jawa Barat")
    registration.add_person(prog, JABAR_GOVERNOR, "Gubernur Jabar", "head_of_region", None,
                            "32")


@pytest.fixture
def papua(world: Any) -> Any:
    publish(world.prog)
    _people(world.prog)
    return world


def test_people_bind_to_a_province_and_act_for_it_only(papua: Any) -> None:
    prog = papua.prog
    with prog.db.read() as session:
        assert actor_for(session, PAPUA_COORDINATOR).subjects == frozenset({"91"})
        assert actor_for(session, JABAR_GOVERNOR).subjects == frozenset({"32"})
    with pytest.raises(InvalidInputError, match="not both"):
        registration.add_person(prog, "x@papua.go.id", "X", "coordinator", "64.71", "91")
    with pytest.raises(InvalidInputError, match="only a coordinator or a head of region"):
        registration.add_person(prog, "x@papua.go.id", "X", "assessor", None, "91")
    with pytest.raises(NotFoundError, match="no province “Atlantis”"):
        registration.add_person(prog, "x@papua.go.id", "X", "coordinator", None, "Atlantis")


def test_a_province_workflow_starts_by_name_and_its_people_act(papua: Any) -> None:
    prog = papua.prog
    with pytest.raises(NotFoundError, match="no province “Atlantis”"):
        instances.start(prog, KEY, "Atlantis", papua.COORDINATOR)
    with pytest.raises(PermissionDenied):  # a coordinator of another province
        instances.start(prog, KEY, "Papua", JABAR_COORDINATOR)
    started = instances.start(prog, KEY, "  PAPUA ", PAPUA_COORDINATOR)
    assert (started.subject, started.state) == ("91", "planning")

    with prog.db.read() as session:
        owed = Obligations(prog, session).current(["91"], [KEY])
    assert [(o.duty.name, o.party.email if o.party else None) for o in owed] == [
        ("conducting_plan", PAPUA_COORDINATOR)]

    with pytest.raises(PermissionDenied):
        papua.submit("Papua", "conducting_plan", JABAR_COORDINATOR, key=KEY)
    papua.submit("Papua", "conducting_plan", PAPUA_COORDINATOR, key=KEY)
    actions.advance(prog, "91", "send", PAPUA_COORDINATOR, key=KEY)
    with pytest.raises(PermissionDenied, match="91"):  # the governor of another province
        actions.advance(prog, "Papua", "endorse", JABAR_GOVERNOR, key=KEY)
    with pytest.raises(PermissionDenied):  # a programme-wide coordinator is not a governor
        actions.advance(prog, "91", "endorse", papua.COORDINATOR, key=KEY)
    done = actions.advance(prog, "Papua", "endorse", GOVERNOR, key=KEY)
    assert done.to_state == "endorsed"

    with prog.db.read() as session:
        subject = find_subject(session, "province", "91")
        rows = subject_history(session, subject, KEY)
        running = instances.running(prog, session, "91")
    assert (subject.name, subject.zone) == ("Papua", "WIT")
    assert [h.trigger for h in rows if h.kind == "transition"] == ["send", "endorse"]
    assert [(w.instance.definition_key, w.final) for w in running] == [(KEY, True)]


def _step(prog: Programme, port: int) -> None:
    sweep.sweep(prog)

    async def deliver() -> None:
        sender = SmtpSender.from_settings(prog.settings, port=port)
        try:
            report = await Dispatcher(prog.db, sender, "province", prog.engine.clock).run_once()
            assert report.dead == report.retried == 0
        finally:
            await sender.close()

    asyncio.run(deliver())


def test_its_deadline_is_reminded_to_the_province_in_its_zone(
        settings: Any, clock: Any, world_type: Any, tmp_path: Any,
        smtp_server: SmtpServer) -> None:
    prog = Programme(settings.model_copy(update={"smtp_port": smtp_server.port}), clock=clock)
    try:
        world = world_type(prog, tmp_path / "in")
        world.seed_people()
        publish(prog)
        _people(prog)
        instances.start(prog, KEY, "Papua", PAPUA_COORDINATOR)
        for _ in range(12):  # day by day past the ten-day deadline
            clock.advance(days=1)
            _step(prog, smtp_server.port)
        mine = [m for m in smtp_server.messages if PAPUA_COORDINATOR in str(m["To"])]
        assert mine, [str(m["To"]) for m in smtp_server.messages]
        body = mine[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Papua" in body, body
        assert f"Planning ({TITLE_EN})" in body or "Penyusunan (Rencana pembinaan" in body
        assert "Conducting plan" in body or "Rencana pembinaan" in body
        # The deadline ends the day in Papua's zone, and is shown there.
        assert "pukul 23.59 WIT" in body or "at 23:59 WIT" in body, body
        assert "WIB" not in body, body
        # Nobody of another province is told about Papua's plan.
        assert not any("jabarprov" in str(m["To"]) for m in smtp_server.messages)
    finally:
        prog.close()
