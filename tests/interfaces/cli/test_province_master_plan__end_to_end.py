"""The third shipped programme, a definition only (``workflows/definitions/
province_master_plan.yaml``), driven end to end for one province in WITA (Sulawesi Selatan,
73) through the command line and the REST API in turn: the province's secretariat and its
governor are bound with ``person add --province``, the secretariat starts it by the province's
name, the governor is reminded of the MoU through a real SMTP server (due at 23:59 WITA), signs
it, the institutions are decreed, the bimtek produce the strategic analysis, the coordination
plan and the master plan, the review rejects it once, it is revised, approved and adopted by
Pergub. A mentor, assigned to kabupaten/kota only, may not review a province's plan. The
history holds every action and ``workflow diagram province_master_plan --subject`` highlights
the final state.

The command line and the API run at one moment: the award round's ``Round`` (its clock, its
``SMARTCITY_NOW``, its scheduler tick), pointed at ``/api/v1/provinces``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import test_award_round__end_to_end as award
from smtpkit import SmtpServer  # type: ignore[import-not-found]

KEY = "province_master_plan"
PROVINCE, CODE = "Sulawesi Selatan", "73"
SECRETARIAT = "diskominfo@sulselprov.go.id"
GOVERNOR = "gubernur@sulselprov.go.id"
TITLE = {"id": "Masterplan smart province (Gerakan Menuju 100 Smart City)",
         "en": "Smart-province master plan (Gerakan Menuju 100 Smart City)"}
STAGE = {"id": "Penandatanganan MoU", "en": "MoU"}

clock = award.clock  # the programme's clock, read by the commands through SMARTCITY_NOW


class ProvinceRound(award.Round):
    """The award round's driver, acting on a province's instance of the province master plan
    (``region`` is the province's code or name)."""

    def upload(self, email: str, region: str, deliverable: str, **form: str) -> Any:
        self._n += 1
        body = b"%PDF-1.4\n% smart province " + str(self._n).encode() + b"\n%%EOF\n"
        answer = self.api(email).post(
            f"/api/v1/provinces/{region}/submissions", params={"workflow": KEY},
            data={"deliverable": deliverable, **form},
            files={"file": (f"{deliverable}.pdf", body, "application/pdf")})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def act(self, email: str, region: str, trigger: str, comment: str | None = None) -> Any:
        answer = self.api(email).post(f"/api/v1/provinces/{region}/advance",
                                      params={"workflow": KEY},
                                      json={"trigger": trigger, "comment": comment})
        assert answer.status_code == 200, answer.text
        return answer.json()


def test_one_province_goes_from_its_mou_to_its_adopted_master_plan(
        cli: Any, cast: Any, clock: Any, monkeypatch: pytest.MonkeyPatch,
        smtp_server: SmtpServer) -> None:
    r = ProvinceRound(cli, clock, monkeypatch, smtp_server)
    try:
        cli.setup_region()
        r.ok("person", "add", SECRETARIAT, "--name", "Diskominfo Sulawesi Selatan",
             "--role", "coordinator", "--province", PROVINCE)
        r.ok("person", "add", GOVERNOR, "--name", "Gubernur Sulawesi Selatan",
             "--role", "head_of_region", "--province", CODE)

        # Started through the command line by the province's name, by its own secretariat.
        assert "error:" in r.fail("workflow", "start", KEY, PROVINCE, "--as", cast.head)
        out = r.ok("workflow", "start", KEY, PROVINCE, "--as", SECRETARIAT)
        started = f"{TITLE['en']} ({KEY}) started for province {CODE}"
        assert cli.squash(started) in cli.squash(out), out

        # The governor owes the MoU; day by day towards its 90-day deadline, reminded at the
        # province's morning with the time in its zone.
        owed = r.ok("actions", PROVINCE, "--as", GOVERNOR, "-w", KEY)
        assert "MoU signed by the governor" in owed and "WITA" in owed, owed
        clock.now += timedelta(days=82)
        for _ in range(8):
            clock.now += timedelta(days=1)
            r.tick()
        to_governor = [m for m in smtp_server.messages if GOVERNOR in str(m["To"])]
        assert to_governor, [str(m["To"]) for m in smtp_server.messages]
        body = to_governor[-1].get_body(("plain",)).get_content()
        assert any(f"{STAGE[lang]} ({TITLE[lang]})" in body for lang in ("id", "en")), body
        assert "Sulawesi Selatan" in body, body
        assert "pukul 23.59 WITA" in body or "at 23:59 WITA" in body, body
        assert "WIB" not in body, body
        assert not any(cast.head in str(m["To"]) for m in smtp_server.messages)

        # MoU through the API by the governor; a kabupaten/kota's head of region is refused.
        r.upload(GOVERNOR, PROVINCE, "signed_mou")
        refused = r.api(cast.head).post(f"/api/v1/provinces/{CODE}/advance",
                                        params={"workflow": KEY}, json={"trigger": "sign_mou"})
        assert refused.status_code == 403, refused.text
        assert r.act(GOVERNOR, CODE, "sign_mou")["to_state"] == "institutions"

        # Institutions through the command line.
        r.ok("submit", PROVINCE, "council_decree", r.document("sk-dewan.pdf"),
             "--as", SECRETARIAT, "-w", KEY)
        r.ok("submit", CODE, "implementation_team_decree", r.document("sk-tim.pdf"),
             "--as", SECRETARIAT, "--workflow", KEY)
        r.ok("advance", CODE, "establish_institutions", "--as", SECRETARIAT, "-w", KEY)

        # Bimtek I through the API, bimtek II through the command line.
        r.upload(SECRETARIAT, CODE, "strategic_analysis")
        assert r.act(SECRETARIAT, CODE, "close_bimtek_1")["to_state"] == "bimtek_2"
        r.ok("submit", PROVINCE, "coordination_plan", r.document("rencana-pembinaan.pdf"),
             "--as", SECRETARIAT, "-w", KEY)
        r.ok("submit", PROVINCE, "masterplan", r.document("masterplan.pdf"),
             "--as", SECRETARIAT, "-w", KEY)
        r.ok("advance", PROVINCE, "submit_for_review", "--as", SECRETARIAT, "-w", KEY)

        # The review: a mentor of a kabupaten/kota is refused; rejected once through the API,
        # not resubmitted before it is revised, revised and resubmitted, approved.
        clock.now += timedelta(days=5)
        assert "error:" in r.fail("advance", CODE, "approve", "--as", cast.mentor, "-w", KEY)
        assert "error:" in r.fail("advance", CODE, "approve", "--as", SECRETARIAT, "-w", KEY)
        rejected = r.act(cast.assessor, CODE, "reject", "Rencana pembinaan kabupaten belum rinci")
        assert rejected["to_state"] == "revision"
        assert "revise" in r.fail("advance", CODE, "resubmit", "--as", SECRETARIAT,
                                  "-w", KEY).lower()
        r.ok("submit", PROVINCE, "masterplan", r.document("masterplan-revisi.pdf"),
             "--as", SECRETARIAT, "-w", KEY)
        assert r.act(SECRETARIAT, CODE, "resubmit")["to_state"] == "masterplan_review"
        r.ok("advance", PROVINCE, "approve", "--as", cast.assessor, "-w", KEY)

        # Adopted by Pergub: uploaded through the API, adopted through the command line.
        r.upload(GOVERNOR, PROVINCE, "regulation")
        r.ok("advance", PROVINCE, "adopt", "--as", GOVERNOR, "-w", KEY)

        # The history holds every action, in the API and the command line alike.
        moves = ["sign_mou", "establish_institutions", "close_bimtek_1", "submit_for_review",
                 "reject", "resubmit", "approve", "adopt"]
        history = r.api(SECRETARIAT).get(f"/api/v1/provinces/{CODE}/history",
                                         params={"workflow": KEY}).json()
        assert (history["name"], history["zone"]) == (PROVINCE, "WITA")
        entries = history["entries"]
        assert [e["trigger"] for e in entries if e["kind"] == "transition"] == moves
        assert entries[0]["kind"] == "start" and entries[-1]["to_state"] == "implementation"
        assert sum(e["kind"] == "submission" for e in entries) == 8
        table = cli.table(r.ok("history", PROVINCE, "--workflow", KEY))
        assert [row["action"] for row in table if row["action"] in moves] == moves

        diagram = r.ok("workflow", "diagram", KEY, "--subject", PROVINCE)
        assert diagram.splitlines()[-1].strip() == "class implementation current"
    finally:
        r.prog.close()
