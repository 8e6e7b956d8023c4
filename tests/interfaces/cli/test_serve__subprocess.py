"""``smartcity serve`` as a user runs it: one process with pages, API, clock and a mail sink.

The server is the installed console script in a subprocess on a free port, with a local SMTP
sink; the test signs in over real HTTP and stops it with SIGTERM, after which uvicorn shuts
the application down (clock and dispatcher included) and exits by the signal it received.
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
from pathlib import Path
from typing import Any

SMARTCITY = Path(sys.executable).parent / "smartcity"
SMARTCITY_PASSWORD = "kata-sandi-rahasia-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(url: str, data: dict[str, Any] | None = None,
             token: str | None = None) -> tuple[int, Any]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    if body:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            raw = response.read()
            kind = response.headers.get("content-type", "")
            return response.status, json.loads(raw) if "json" in kind else raw.decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _wait(url: str, proc: subprocess.Popen[str], timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {timeout} s")


def test_serve_answers_pages_and_api_over_http_and_stops_cleanly_on_sigterm(
        script: Any, tmp_path: Path) -> None:
    env = script.env(tmp_path / "data", None, SMARTCITY_SMTP_PORT=str(_free_port()),
                     SMARTCITY_PASSWORD=SMARTCITY_PASSWORD)
    for args in [("init",), ("person", "add", "koordinator@komdigi.go.id", "--name", "Koordinator",
                             "--role", "coordinator"),
                 ("account", "add", "koordinator@komdigi.go.id")]:
        done = script.run(*args, env=env)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(SMARTCITY), "serve", "--port",
                             str(port), "--smtp-sink"], env=env, cwd=script.cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait(f"{base}/login", proc)
        status, created = _request(f"{base}/api/v1/tokens", {
            "email": "koordinator@komdigi.go.id", "password": SMARTCITY_PASSWORD,
            "name": "test"})
        assert status == 201, created
        status, me = _request(f"{base}/api/v1/me", token=created["token"])
        assert (status, me["role"]) == (200, "coordinator")
        status, _ = _request(f"{base}/api/v1/me", token="sct_wrong")
        assert status == 401
        status, page = _request(f"{base}/login?lang=en")
        assert status == 200 and "Sign in" in page
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "Application shutdown complete" in err and "Traceback" not in err
    assert f"serving http://127.0.0.1:{port}" in out
