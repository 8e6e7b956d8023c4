"""The second programme, shipped as a definition only (``workflows/definitions/award_round.yaml``),
driven end to end for one region through the command line and the REST API in turn: a
coordinator starts the yearly evaluation and award round, the head of region registers, the OPDs
assess themselves (the one that is late gets a reminder through a real SMTP server naming the
award round and its stage), an assessor rejects the dossier once, it is revised and resubmitted,
passes, is verified in the field, and the panel awards it. The history holds every action and
``smartcity workflow diagram award_round --region`` highlights the final state.

One clock for both: the API's programme runs on a simulated clock, and every command runs at
the same moment through ``SMARTCITY_NOW``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from smtpkit import SmtpServer  # type: ignore[import-not-found]

from config.settings import Settings, get_settings
from interfaces.web.app import create_app
from notifications.dispatcher import Dispatcher
from notifications.smtp import SmtpSender
from workflows.access import accounts
from workflows.deadlines import sweep
from workflows.programme import Programme

KEY = "award_round"
PASSWORD = "kata-sandi-rahasia-1"
BAPPEDA = "bappeda@balikpapan.go.id"
TITLE = {"id": "Evaluasi dan penghargaan tahunan Gerakan Menuju 100 Smart City",
         "en": "Yearly evaluation and award round (Gerakan Menuju 100 Smart City)"}
STAGE = {"id": "Penilaian mandiri", "en": "Self-assessment"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2027, 2, 1, 1, 0, tzinfo=UTC)  # Monday, 09:00 WITA

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The programme's clock; commands read the same moment from SMARTCITY_NOW."""
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    found = Clock()
    yield found
    get_settings.cache_clear()


class Round:
    """The command line and the API on one database, at one moment."""

    def __init__(self, cli: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch,
                 smtp: SmtpServer) -> None:
        self.cli, self.clock, self.monkeypatch, self.smtp = cli, clock, monkeypatch, smtp
        settings = Settings(database_url=cli.url, data_dir=cli.data_dir, smtp_port=smtp.port)
        self.prog = Programme(settings, clock=clock)
        self.app = create_app(self.prog)
        self._tokens: dict[str, str] = {}
        self._n = 0

    def _at_now(self) -> None:
        self.monkeypatch.setenv("SMARTCITY_NOW", self.clock.now.isoformat())
        get_settings.cache_clear()

    def ok(self, *args: str) -> str:
        self._at_now()
        return str(self.cli.ok(*args))

    def fail(self, *args: str) -> str:
        self._at_now()
        return str(self.cli.fail(*args))

    def document(self, name: str) -> str:
        self._n += 1
        return str(self.cli.document(f"{self._n:02d}-{name}", f"{name} {self._n}"))

    def api(self, email: str) -> TestClient:
        if email not in self._tokens:
            accounts.create(self.prog, email, PASSWORD)
            answer = TestClient(self.app).post("/api/v1/tokens", json={
                "email": email, "password": PASSWORD, "name": "award round"})
            assert answer.status_code == 201, answer.text
            self._tokens[email] = answer.json()["token"]
        client = TestClient(self.app, raise_server_exceptions=False)
        client.headers["Authorization"] = f"Bearer {self._tokens[email]}"
        client.headers["Accept-Language"] = "en"
        return client

    def upload(self, email: str, region: str, deliverable: str, **form: str) -> Any:
        self._n += 1
        body = b"%PDF-1.4\n% award round " + str(self._n).encode() + b"\n%%EOF\n"
        answer = self.api(email).post(
            f"/api/v1/regions/{region}/submissions", params={"workflow": KEY},
            data={"deliverable": deliverable, **form},
            files={"file": (f"{deliverable}.pdf", body, "application/pdf")})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def act(self, email: str, region: str, trigger: str, comment: str | None = None) -> Any:
        answer = self.api(email).post(f"/api/v1/regions/{region}/advance",
                                      params={"workflow": KEY},
                                      json={"trigger": trigger, "comment": comment})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def tick(self) -> None:
        """One scheduler round at the clock's time: sweep due reminders, deliver them."""
        sweep.sweep(self.prog)

        async def deliver() -> None:
            sender = SmtpSender.from_settings(self.prog.settings, port=self.smtp.port)
            try:
                report = await Dispatcher(self.prog.db, sender, "award", self.clock).run_once()
                assert report.dead == report.retried == 0
            finally:
                await sender.close()

        asyncio.run(deliver())


def test_one_region_goes_from_registration_to_the_award(
        cli: Any, cast: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch,
        smtp_server: SmtpServer) -> None:
    r = Round(cli, clock, monkeypatch, smtp_server)
    try:
        code = cast.region
        cli.setup_region()
        r.ok("opd", "add", code, "BAPPEDA", "Badan Perencanaan Pembangunan Daerah", BAPPEDA,
             "--dimension", "governance")

        # Started through the command line, by a coordinator only.
        assert "error:" in r.fail("workflow", "start", KEY, code, "--as", cast.opd)
        out = r.ok("workflow", "start", KEY, code, "--as", cast.coordinator)
        assert cli.squash(out) == cli.squash(
            f"{TITLE['en']} ({KEY}) started for region {code}, round 1: stage Registration.")
        assert "already running" in r.fail("workflow", "start", KEY, code,
                                           "--as", cast.coordinator)

        # Registration through the API by the head of region.
        r.upload(cast.head, code, "nomination_form")
        assert r.act(cast.head, code, "register")["to_state"] == "self_assessment"

        # One OPD assesses itself through the command line; the other is late.
        clock.now += timedelta(days=2)
        r.ok("submit", code, "self_assessment", r.document("penilaian-mandiri.pdf"),
             "--as", cast.opd, "--workflow", KEY)
        owed = r.ok("actions", code, "--as", BAPPEDA, "-w", KEY)
        assert cli.squash(f"Region {code} ") in cli.squash(owed)  # the definition's subject
        assert cli.squash(f"submit OPD self-assessment with evidence ({TITLE['en']})") in (
            cli.squash(owed)), owed

        # Day by day towards the 30-day deadline: the reminders go out at 08:00 local.
        for _ in range(29):
            clock.now += timedelta(days=1)
            r.tick()
        to_late = [m for m in smtp_server.messages if BAPPEDA in str(m["To"])]
        assert to_late, [str(m["To"]) for m in smtp_server.messages]
        body = to_late[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert any(f"{STAGE[lang]} ({TITLE[lang]})" in body for lang in ("id", "en")), body
        assert any(w in body for w in ("Penilaian mandiri OPD dengan bukti dukung",
                                       "OPD self-assessment with evidence")), body
        # The OPD that had sent its self-assessment is not reminded of it.
        assert not any(cast.opd in str(m["To"]) and "Penilaian mandiri" in str(
            m.get_body(("plain",)).get_content())  # type: ignore[union-attr]
            for m in smtp_server.messages)

        # The late OPD through the API, the dossier through the command line.
        assert r.upload(BAPPEDA, code, "self_assessment")["party"] == "BAPPEDA"
        r.ok("submit", code, "evaluation_dossier", r.document("berkas.pdf"),
             "--as", cast.coordinator, "-w", KEY)
        r.ok("advance", code, "submit_for_review", "--as", cast.coordinator, "-w", KEY)

        # Rejected once through the API, revised and resubmitted.
        clock.now += timedelta(days=3)
        rejected = r.act(cast.assessor, code, "reject", "Bukti outcome belum lengkap")
        assert rejected["to_state"] == "revision"
        assert "revise" in r.fail("advance", code, "resubmit", "--as", cast.coordinator,
                                  "-w", KEY).lower()
        r.ok("submit", code, "evaluation_dossier", r.document("berkas-revisi.pdf"),
             "--as", cast.coordinator, "-w", KEY)
        assert r.act(cast.coordinator, code, "resubmit")["to_state"] == "desk_review"

        # Passed, verified in the field, awarded by the panel.
        r.ok("advance", code, "approve", "--as", cast.assessor, "-w", KEY)
        r.upload(cast.assessor, code, "verification_report")
        r.ok("advance", code, "verify", "--as", cast.assessor, "--workflow", KEY)
        r.upload(cast.coordinator, code, "panel_minutes")
        r.ok("advance", code, "award", "--as", cast.coordinator, "--workflow", KEY)

        # The history holds every action, in the CLI and the API alike.
        moves = ["register", "submit_for_review", "reject", "resubmit", "approve", "verify",
                 "award"]
        history = r.api(cast.coordinator).get(f"/api/v1/regions/{code}/history",
                                              params={"workflow": KEY}).json()
        entries = history["entries"]
        assert [e["trigger"] for e in entries if e["kind"] == "transition"] == moves
        assert entries[0]["kind"] == "start" and entries[-1]["to_state"] == "awarded"
        assert sum(e["kind"] == "submission" for e in entries) == 7
        table = cli.table(r.ok("history", code, "--workflow", KEY))
        assert [row["action"] for row in table if row["action"] in moves] == moves
        # The master plan went on untouched.
        state = r.api(cast.coordinator).get(f"/api/v1/regions/{code}/actions").json()["state"]
        assert state == "assessment"

        diagram = r.ok("workflow", "diagram", KEY, "--region", code)
        assert diagram.splitlines()[-1].strip() == "class awarded current"
        assert "award_round" not in r.ok("workflow", "diagram", "--region", code)
    finally:
        r.prog.close()
