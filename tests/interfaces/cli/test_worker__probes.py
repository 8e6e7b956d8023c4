"""``smartcity worker --metrics-port PORT``: a worker answers ``/healthz``, ``/readyz`` and
``/metrics`` while it runs, as the web does.

The worker is the installed console script in a subprocess on a migrated SQLite database, with
a real SMTP server (aiosmtpd) or none; the test reads its endpoint over real HTTP, lets it
deliver an email queued beforehand, and stops it with SIGTERM. Every wait is bounded and the
process is always killed in ``finally``.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from smtpkit import SmtpServer, free_port, plan  # type: ignore[import-not-found]

from engine import Database
from notifications import outbox

SMARTCITY = Path(sys.executable).parent / "smartcity"
TOKEN = "metrics-token-for-tests"
Started = Callable[..., tuple[subprocess.Popen[str], str]]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def _wait_until(check: Callable[[], bool], proc: subprocess.Popen[str], what: str,
                timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, f"the worker exited {proc.returncode}: {proc.communicate()}"
        try:
            if check():
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


def _samples(body: str) -> dict[str, float]:
    """Every unlabelled sample of an exposition by name (the parser fails on a bad one)."""
    return {s.name: s.value for family in text_string_to_metric_families(body)
            for s in family.samples if not s.labels}


@pytest.fixture
def workers(script: Any, tmp_path: Path) -> Iterator[Started]:
    """``start(smtp_port, *args, **env)``: a migrated SQLite database, then ``smartcity
    worker ARGS`` on it; yields (process, database URL). Every process started is killed."""
    url = f"sqlite:///{tmp_path / 'data' / 'worker.db'}"
    started: list[subprocess.Popen[str]] = []

    def start(smtp_port: int, *args: str, **extra: str) -> tuple[subprocess.Popen[str], str]:
        env = script.env(tmp_path / "data", url, SMARTCITY_SMTP_HOST="127.0.0.1",
                         SMARTCITY_SMTP_PORT=str(smtp_port), SMARTCITY_SMTP_TIMEOUT="5",
                         **extra)
        if not started:
            done = script.run("init", env=env)
            assert done.returncode == 0, done.stderr
        proc = subprocess.Popen([str(SMARTCITY), "worker", *args], env=env, cwd=script.cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(proc)
        return proc, url

    try:
        yield start
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=30)


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGTERM; the worker must be gone within a few seconds, cleanly."""
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    return out, err


def test_a_worker_serves_health_readiness_and_its_own_metrics(
        workers: Started, tmp_path: Path) -> None:
    smtp = SmtpServer()
    smtp.start()
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc, url = workers(smtp.port, "--metrics-port", str(port),
                            SMARTCITY_METRICS_TOKEN=TOKEN)
        db = Database(url)
        try:
            (queued,) = plan(db, 1)  # due long ago: the worker delivers it at once
        finally:
            db.dispose()
        _wait_until(lambda: _get(f"{base}/healthz")[0] == 200, proc, "/healthz")
        status, headers, body = _get(f"{base}/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        assert headers["cache-control"] == "no-store"

        status, headers, body = _get(f"{base}/readyz")
        assert status == 200, body
        assert json.loads(body) == {
            "status": "ready", "failing": [],
            "checks": {"database": {"ok": True}, "migrations": {"ok": True},
                       "smtp": {"ok": True}}}

        # The token is asked for exactly as on the web.
        status, headers, body = _get(f"{base}/metrics")
        assert status == 401 and headers["www-authenticate"] == "Bearer", body
        bearer = {"Authorization": f"Bearer {TOKEN}"}

        assert smtp.wait_for(1), "the worker did not deliver the queued email"
        assert smtp.message_ids == [queued]

        def scraped() -> dict[str, float]:
            status, headers, body = _get(f"{base}/metrics", bearer)
            assert status == 200, body
            assert headers["content-type"].startswith("text/plain; version=0.0.4")
            return _samples(body)

        _wait_until(lambda: scraped().get("smartcity_email_sends_total") == 1
                    and scraped().get("smartcity_scheduler_leader") == 1, proc,
                    "one send counted and the clock's leadership")
        found = scraped()
        assert found["smartcity_email_send_failures_total"] == 0
        assert found["smartcity_database_up"] == 1
        assert found["smartcity_outbox_oldest_pending_age_seconds"] == 0
        assert found["smartcity_reminder_sweep_duration_seconds_count"] >= 1  # the first sweep
        assert not any(name.startswith("smartcity_http_") for name in found)  # no pages here

        out, _ = _stop(proc)
    finally:
        smtp.stop()
    assert f"health and metrics at http://127.0.0.1:{port}" in out
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # the endpoint went with the worker


def test_readiness_names_the_relay_when_no_smtp_server_listens(workers: Started) -> None:
    port, relay = free_port(), free_port()  # nobody listens on the relay's port
    base = f"http://127.0.0.1:{port}"
    proc, _ = workers(relay, "--metrics-port", str(port))
    _wait_until(lambda: _get(f"{base}/healthz")[0] == 200, proc, "/healthz")
    status, _, body = _get(f"{base}/readyz?lang=en")
    answer = json.loads(body)
    assert (status, answer["status"], answer["failing"]) == (503, "not_ready", ["smtp"]), body
    assert answer["checks"]["smtp"]["reason"].startswith(
        f"Cannot reach the SMTP relay at 127.0.0.1:{relay}: ")
    status, _, body = _get(f"{base}/readyz", {"Accept-Language": "id"})
    assert status == 503
    assert json.loads(body)["checks"]["smtp"]["reason"].startswith(
        f"Relai SMTP di 127.0.0.1:{relay} tidak dapat dihubungi: ")
    status, _, body = _get(f"{base}/metrics")  # no token set: open, as on the web
    assert status == 200 and _samples(body)["smartcity_database_up"] == 1
    _stop(proc)


def test_a_port_in_use_is_one_line_and_exit_1_before_any_work(workers: Started) -> None:
    smtp = SmtpServer()
    smtp.start()
    taken = socket.socket()
    try:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        proc, url = workers(smtp.port, "--metrics-port", str(port))
        db = Database(url)
        try:
            plan(db, 1)
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 1, (out, err)
            assert "delivering email" not in out
            lines = [line for line in err.splitlines() if line.startswith("error:")]
            assert lines == [
                f"error: cannot serve /healthz, /readyz and /metrics on 127.0.0.1:{port}: "
                "the address is already in use; choose another --metrics-port, or stop the "
                "process that uses it"], err
            assert "Traceback" not in err
            assert outbox.counts(db)["pending"] == 1  # it never started delivering
        finally:
            db.dispose()
    finally:
        taken.close()
        smtp.stop()
    assert smtp.message_ids == []


def test_once_and_a_host_without_a_port_are_refused(cli: Any) -> None:
    assert cli.fail("worker", "--once", "--metrics-port", "9100") == (
        "error: --metrics-port serves /healthz, /readyz and /metrics while the worker runs, "
        "and --once ends after one round: drop one of them")
    assert cli.fail("worker", "--metrics-host", "0.0.0.0") == (
        "error: --metrics-host is the address of the metrics endpoint: add --metrics-port PORT")
