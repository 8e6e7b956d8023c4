"""A workflow whose subjects are provinces, through the command line and the REST API: the
definition is validated and published (an unknown subject kind is refused with its problem
line), people are bound to a province with ``person add --province``, the province's
coordinator starts it by the province's name, sends its plan, the governor endorses it through
``/api/v1/provinces/91/...``; another province's people are refused (403 / error); the history
and ``workflow diagram KEY --subject 91`` show it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from provincekit import KEY, TEXT, TITLE_EN  # type: ignore[import-not-found]

from config.settings import Settings, get_settings
from interfaces.web.app import create_app
from workflows.access import accounts
from workflows.programme import Programme

PASSWORD = "kata-sandi-rahasia-1"
PAPUA = "diskominfo@papua.go.id"
GOVERNOR = "gubernur@papua.go.id"
JABAR = "gubernur@jabarprov.go.id"


@pytest.fixture
def api(cli: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(accounts, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    prog = Programme(Settings(database_url=cli.url, data_dir=cli.data_dir))
    app = create_app(prog)
    made: dict[str, TestClient] = {}

    def client(email: str) -> TestClient:
        if email in made:
            return made[email]
        accounts.create(prog, email, PASSWORD)
        answer = TestClient(app).post("/api/v1/tokens", json={
            "email": email, "password": PASSWORD, "name": "province"})
        assert answer.status_code == 201, answer.text
        found = TestClient(app, raise_server_exceptions=False)
        found.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        found.headers["Accept-Language"] = "en"
        made[email] = found
        return found

    yield client
    prog.close()
    get_settings.cache_clear()


def test_a_province_runs_its_own_workflow(cli: Any, cast: Any, api: Any) -> None:
    cli.setup_region()
    bad = cli.write("village.yaml", TEXT.replace("kind: province", "kind: village"))
    checked = cli.run("workflow", "validate", bad)
    assert checked.exit_code == 1 and "unknown subject kind 'village'" in checked.stderr
    assert "village" in cli.fail("workflow", "publish", bad)
    assert "published" in cli.ok("workflow", "publish", cli.write("province.yaml", TEXT))

    cli.ok("person", "add", PAPUA, "--name", "Diskominfo Papua", "--role", "coordinator",
           "--province", "Papua")
    cli.ok("person", "add", GOVERNOR, "--name", "Gubernur Papua", "--role", "head_of_region",
           "--province", "91")
    cli.ok("person", "add", JABAR, "--name", "Gubernur Jawa Barat", "--role", "head_of_region",
           "--province", "jawa barat")
    assert "not both" in cli.fail("person", "add", "x@papua.go.id", "--name", "X", "--role",
                                  "coordinator", "--province", "91", "--region", cast.region)
    assert "no province “Atlantis”" in cli.fail("person", "add", "x@papua.go.id", "--name",
                                                "X", "--role", "coordinator",
                                                "--province", "Atlantis")
    assert "91" in cli.ok("person", "whoami", "--as", PAPUA)

    assert "no province" in cli.fail("workflow", "start", KEY, "Atlantis", "--as", PAPUA)
    assert "error:" in cli.fail("workflow", "start", KEY, "Jawa Barat", "--as", PAPUA)
    out = cli.ok("workflow", "start", KEY, "Papua", "--as", PAPUA)
    assert cli.squash(f"{TITLE_EN} ({KEY}) started for province 91") in cli.squash(out), out

    owed = cli.ok("actions", "Papua", "--as", PAPUA, "-w", KEY)
    assert "91 Papua" in owed and "Conducting plan" in owed, owed
    assert "23:59 WIT" in owed, owed  # due at the end of the day in Papua's zone
    cli.ok("submit", "Papua", "conducting_plan", cli.document("rencana.pdf"), "--as", PAPUA,
           "-w", KEY)
    assert "error:" in cli.fail("advance", "91", "send", "--as", JABAR, "-w", KEY)
    cli.ok("advance", "91", "send", "--as", PAPUA, "--workflow", KEY)

    # The governor through the API; another province's governor is refused.
    refused = api(JABAR).post("/api/v1/provinces/91/advance", params={"workflow": KEY},
                              json={"trigger": "endorse"})
    assert refused.status_code == 403, refused.text
    assert api(JABAR).get("/api/v1/provinces/91/actions",
                          params={"workflow": KEY}).status_code == 403
    governor = api(GOVERNOR)
    listed = governor.get("/api/v1/provinces/Papua/actions", params={"workflow": KEY}).json()
    assert [(a["trigger"], a["allowed"]) for a in listed["actions"]] == [("endorse", True)]
    done = governor.post("/api/v1/provinces/Papua/advance", params={"workflow": KEY},
                         json={"trigger": "endorse"})
    assert done.status_code == 200, done.text
    assert (done.json()["region"], done.json()["to_state"]) == ("91", "endorsed")

    history = governor.get("/api/v1/provinces/91/history", params={"workflow": KEY}).json()
    assert (history["name"], history["zone"]) == ("Papua", "WIT")
    assert [e["trigger"] for e in history["entries"] if e["kind"] == "transition"] == [
        "send", "endorse"]
    assert [e["kind"] for e in history["entries"]].count("submission") == 1
    table = cli.table(cli.ok("history", "Papua", "--workflow", KEY))
    assert [row["action"] for row in table if row["action"] in ("send", "endorse")] == [
        "send", "endorse"]
    assert "WIT" in cli.ok("history", "91", "-w", KEY)

    # The next round, started through the API by the province's coordinator.
    again = api(PAPUA).post(f"/api/v1/provinces/Papua/workflows/{KEY}")
    assert again.status_code == 201, again.text
    assert (again.json()["region"], again.json()["cycle"]) == ("91", 2)
    assert api(JABAR).post(f"/api/v1/provinces/91/workflows/{KEY}").status_code in (403, 409)

    diagram = cli.ok("workflow", "diagram", KEY, "--subject", "Papua")
    assert diagram.splitlines()[-1].strip() == "class planning current"
    assert "no province" in cli.fail("workflow", "diagram", KEY, "--region", "Atlantis")
