"""The production layout as processes: two ``serve --no-background`` and two ``worker`` on one
PostgreSQL database, over real HTTP and a real SMTP server.

What a deployment promises and only several processes can show: an action fired at either web
process is recorded once; two conflicting actions on one region sent to the two processes at
the same moment end with exactly one applied and the other refused with 409; every email the
actions and the clock cause reaches the SMTP server exactly once, sent by a worker (never by a
web process); and exactly one process runs the clock. The schema is created the way the
compose file's ``init`` service does it (``smartcity init`` as its own process); the cohort is
seeded through the command line (in this process: each command as a subprocess would cost two
seconds of start-up); the services run at ``SMARTCITY_NOW``, a morning on which every head of
region is owed a reminder.

Which process leads the clock is read from PostgreSQL itself: each process connects with its
own ``application_name`` (libpq's ``PGAPPNAME``), and the clock's advisory lock
(``workflows.background.LOCK_KEY``) shows in ``pg_locks`` with the session that holds it.
Every subprocess is stopped (SIGTERM, then SIGKILL) whatever happens.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from smtpkit import SmtpServer, free_port
from sqlalchemy import create_engine, text
from typer.testing import CliRunner
from worldkit import document

from config.settings import get_settings
from interfaces.cli.app import app
from workflows.background import LOCK_KEY

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("deployment")]

SMARTCITY = Path(sys.executable).parent / "smartcity"
PASSWORD = "kata-sandi-penerapan-1"
SEEDED_AT = "2027-03-01T09:00+07:00"  # Monday: the cohort's MoU date is set for Friday the 5th
RUN_AT = "2027-03-02T09:00+07:00"  # Tuesday 09:00 WIB: past 08:00 in WIB, WITA and WIT
COHORT = "Smart City 2027"
COORDINATOR = "koordinator@komdigi.go.id"
ASSESSOR = "penilai@komdigi.go.id"
# Four regions across the three zones; each head of region owes the signed MoU.
REGIONS = {"64.71": "kepala@balikpapan.go.id", "94.04": "kepala@mimikakab.go.id",
           "73.71": "kepala@makassarkota.go.id", "32.73": "kepala@bandung.go.id"}
CONTESTED = "64.71"
#: Each region's history after seeding: joined the cohort, assessed, the cohort's MoU date.
SEEDED = [("start", "start"), ("submission", "assessment_result"), ("transition", "assess"),
          ("deadline", "set_deadline")]
BUDGET = 45.0  # seconds any one wait may take; the whole test stays under a minute


def _cli(url: str, data_dir: Path) -> Callable[..., str]:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--database-url", url, "--data-dir", str(data_dir), *args])
        assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
        return result.stdout

    return run


def _seed(url: str, data_dir: Path, files: Path) -> None:
    """The cohort, people and accounts, through the command line, on the Monday: each region
    assessed (so in the MoU stage) and the cohort's MoU date set for Friday."""
    run = _cli(url, data_dir)
    pdf = files / "dokumen.pdf"
    pdf.write_bytes(document(".pdf", "asesmen"))
    run("cohort", "create", COHORT, "--year", "2027")
    run("cohort", "add", COHORT, *REGIONS)
    run("person", "add", COORDINATOR, "--name", "Koordinator", "--role", "coordinator")
    run("person", "add", ASSESSOR, "--name", "Penilai", "--role", "assessor")
    for code, head in REGIONS.items():
        run("person", "add", head, "--name", f"Kepala Daerah {code}", "--role",
            "head_of_region", "--region", code)
        run("submit", code, "assessment_result", str(pdf), "--as", ASSESSOR)
        run("advance", code, "assess", "--as", ASSESSOR)
    run("deadlines", "set", COHORT, "mou", "2027-03-05", "--as", COORDINATOR)
    for email in [COORDINATOR, *REGIONS.values()]:
        run("account", "add", email)


class Processes:
    """The subprocesses of one test, each with its own log file; all stopped at the end."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        proc = subprocess.Popen([str(SMARTCITY), *args], env={**self.env, "PGAPPNAME": name},
                                cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.running[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def check_alive(self) -> None:
        for name, proc in self.running.items():
            assert proc.poll() is None, f"{name} exited {proc.returncode}:\n{self.log(name)}"

    def stop(self) -> dict[str, int | None]:
        for proc in self.running.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        for name, proc in self.running.items():
            try:
                codes[name] = proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
                codes[name] = None
        return codes


def _until(what: str, check: Callable[[], bool], procs: Processes) -> None:
    end = time.monotonic() + BUDGET
    while time.monotonic() < end:
        procs.check_alive()
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {BUDGET} s: {what}")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def pg_url(root_conftest: Any) -> Iterator[str]:
    """A new, empty PostgreSQL database (``smartcity init`` creates the schema)."""
    admin = root_conftest._pg_admin()  # skips without PostgreSQL, fails under CI=true
    name = f"sc_deploy_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield root_conftest._pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def seeded_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SMARTCITY_NOW", SEEDED_AT)
    monkeypatch.setenv("SMARTCITY_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_two_web_processes_and_two_workers_share_one_postgresql_database(
        pg_url: str, tmp_path: Path, seeded_clock: None) -> None:
    data_dir = tmp_path / "shared"  # the uploads every serve and worker must share
    data_dir.mkdir()
    smtp = SmtpServer()
    smtp.start()
    web_ports = [free_port(), free_port()]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTCITY_", "PG"))}
    env.update({
        "SMARTCITY_DATABASE_URL": pg_url, "SMARTCITY_DATA_DIR": str(data_dir),
        "SMARTCITY_SECRET_KEY": "a-secret-shared-by-every-process-0123456789",
        "SMARTCITY_BASE_URL": f"http://127.0.0.1:{web_ports[0]}",
        "SMARTCITY_SMTP_HOST": smtp.host, "SMARTCITY_SMTP_PORT": str(smtp.port),
        "SMARTCITY_NOW": RUN_AT, "SMARTCITY_LANG": "en", "NO_COLOR": "1"})
    procs = Processes(tmp_path, env)
    try:
        init = subprocess.run([str(SMARTCITY), "init"], env=env, cwd=tmp_path, timeout=BUDGET,
                              capture_output=True, text=True, check=False)
        assert init.returncode == 0, init.stderr
        _seed(pg_url, data_dir, tmp_path)

        for i, port in enumerate(web_ports, 1):
            procs.start(f"serve-{i}", "serve", "--no-background", "--host", "127.0.0.1",
                        "--port", str(port), "--forwarded-allow-ips", "127.0.0.1")
        workers = [procs.start(f"worker-{i}", "worker") for i in (1, 2)]
        bases = [f"http://127.0.0.1:{port}" for port in web_ports]
        for base in bases:
            _until(f"{base} answers", functools.partial(_answers, f"{base}/healthz"), procs)

        # The clock's first sweep: one digest for each head of region, sent by a worker.
        _until("the reminder digests", lambda: len(smtp.message_ids) >= len(REGIONS), procs)
        leading_first = _clock_holders(pg_url)
        fired = _act_over_http(bases)
        expected = Counter({(head, "reminder_digest") for head in REGIONS.values()})
        expected.update((COORDINATOR, "extension_requested") for _ in REGIONS)
        expected.update((head, "extension_decided") for head in REGIONS.values())
        _until("every email sent", lambda: _outbox_settled(pg_url), procs)
        smtp.wait_for(sum(expected.values()), 2)  # a duplicate would show here

        leaders = _clock_holders(pg_url)
        worker_ids = {f"{os.uname().nodename}:{w.pid}" for w in workers}
        rows = _outbox(pg_url)
        history = {code: _history(pg_url, code) for code in REGIONS}
    finally:
        codes = procs.stop()
        smtp.stop()

    # Exactly one process held the clock, a worker, the same one from the first sweep on.
    assert len(leaders) == 1 and leaders[0].startswith("worker-"), leaders
    assert leading_first == leaders
    # Every email once: each outbox row sent by a worker, and received once by the server.
    assert Counter((r["recipient"], r["kind"]) for r in rows) == expected, rows
    assert {r["status"] for r in rows} == {"sent"}
    assert {r["locked_by"] for r in rows} <= worker_ids, (rows, worker_ids)
    assert smtp.duplicates() == 0
    assert sorted(smtp.message_ids) == sorted(r["message_id"] for r in rows)
    # The history holds exactly the actions made, the contested one once.
    for code in REGIONS:
        assert history[code] == fired[code], (code, history[code])
    assert all(code in (0, -signal.SIGTERM) for code in codes.values()), codes
    for name in procs.running:
        assert "Traceback" not in procs.log(name), procs.log(name)


def _token(base: str, email: str) -> str:
    answer = httpx.post(f"{base}/api/v1/tokens", timeout=10,
                        json={"email": email, "password": PASSWORD, "name": "deploy-test"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["token"])


def _act_over_http(bases: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Per region, alternating between the two web processes: the head asks for more time,
    the coordinator grants it, the head submits the signed MoU and signs; on CONTESTED the
    signing is sent to both processes at once with the same expected version. Returns the
    history entries (kind, trigger) each region should end with."""
    turn = iter(range(10_000))

    def base() -> str:
        return bases[next(turn) % 2]

    coordinator = _token(base(), COORDINATOR)
    fired: dict[str, list[tuple[str, str]]] = {}
    for code, head in REGIONS.items():
        token = {"Authorization": f"Bearer {_token(base(), head)}"}
        asked = httpx.post(f"{base()}/api/v1/regions/{code}/extensions", headers=token,
                           json={"until": "2027-03-19", "reason": "DPRD sedang reses"},
                           timeout=10)
        assert asked.status_code == 201, asked.text
        decided = httpx.post(f"{base()}/api/v1/extensions/{asked.json()['id']}/decision",
                             headers={"Authorization": f"Bearer {coordinator}"},
                             json={"decision": "grant"}, timeout=10)
        assert decided.status_code == 200, decided.text
        sent = httpx.post(f"{base()}/api/v1/regions/{code}/submissions", headers=token,
                          data={"deliverable": "signed_mou"}, timeout=10,
                          files={"file": ("mou.pdf", document(".pdf", code), "application/pdf")})
        assert sent.status_code == 201, sent.text
        version = httpx.get(f"{base()}/api/v1/regions/{code}", headers=token,
                            timeout=10).json()["version"]
        body = {"trigger": "sign_mou", "expected_version": version}
        if code == CONTESTED:
            statuses = _at_once([(b, token, body) for b in bases])
            assert sorted(statuses) == [200, 409], statuses
        else:
            signed = httpx.post(f"{base()}/api/v1/regions/{code}/advance", headers=token,
                                json=body, timeout=10)
            assert signed.status_code == 200, signed.text
        fired[code] = [*SEEDED, ("extension", "request_extension"),
                       ("extension", "grant_extension"), ("submission", "signed_mou"),
                       ("transition", "sign_mou")]
    return fired


def _at_once(calls: list[tuple[str, dict[str, str], dict[str, Any]]]) -> list[int]:
    """The same action posted to each web process from its own thread, released together."""
    ready = threading.Barrier(len(calls))
    statuses: list[int] = []

    def post(base: str, headers: dict[str, str], body: dict[str, Any]) -> None:
        with httpx.Client(timeout=10) as client:
            ready.wait()
            statuses.append(client.post(f"{base}/api/v1/regions/{CONTESTED}/advance",
                                        headers=headers, json=body).status_code)

    threads = [threading.Thread(target=post, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def _query(url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _outbox(url: str) -> list[dict[str, Any]]:
    return _query(url, "select recipient, kind, status, locked_by, message_id from outbox")


def _outbox_settled(url: str) -> bool:
    rows = _outbox(url)
    return bool(rows) and all(r["status"] in ("sent", "dead") for r in rows)


def _clock_holders(url: str) -> list[str]:
    """The ``application_name`` of every session holding the clock's advisory lock."""
    key = LOCK_KEY
    return [r["application_name"] for r in _query(
        url, "select a.application_name from pg_locks l join pg_stat_activity a using (pid) "
             "join pg_database d on d.oid = l.database where d.datname = current_database() "
             "and l.locktype = 'advisory' and l.granted and l.classid = :high "
             "and l.objid = :low", high=key >> 32, low=key & 0xFFFFFFFF)]


def _history(url: str, code: str) -> list[tuple[str, str]]:
    return [(r["kind"], r["trigger"]) for r in _query(
        url, "select h.kind, h.trigger from workflow_history h join workflow_instance i "
             "on i.id = h.instance_id where i.subject = :code order by h.seq", code=code)]
