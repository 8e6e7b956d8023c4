"""The last-resort handler's log line (interfaces/web/app.py, ``unexpected``): it names the
route *template*, the method and the request id, never the path, so a 500 on a sign-in link
(``/l/<token>``, ``/password/<token>``) writes no credential to the log, and a decoded path
with a newline cannot forge a line of a text log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from interfaces.web import problems
from interfaces.web.app import create_app
from interfaces.web.pages import auth, password
from workflows.programme import Programme

TOKEN = "s3cret-sign-in-token"


@pytest.fixture
def client(tmp_path: Path, sqlite_template: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The application, with the sign-in link's and the password form's pages failing."""
    (tmp_path / "t.db").write_bytes(sqlite_template.read_bytes())
    prog = Programme(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 't.db'}"))

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the test fails on purpose")

    monkeypatch.setattr(auth, "_link_refusal", boom)
    monkeypatch.setattr(password, "_choose_page", boom)
    yield TestClient(create_app(prog), raise_server_exceptions=False)
    prog.close()


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if r.name == "interfaces.web.app" and r.levelno == logging.ERROR]


@pytest.mark.parametrize(("path", "template"), [
    (f"/l/{TOKEN}", "/l/{token}"),
    (f"/password/{TOKEN}", "/password/{token}"),
    (f"/l/{TOKEN}%0A2026-01-01 INFO forged: admin signed in", "/l/{token}"),
])
def test_a_500_logs_the_route_template_not_the_token(
        client: TestClient, caplog: pytest.LogCaptureFixture, path: str, template: str) -> None:
    with caplog.at_level(logging.ERROR, logger="interfaces.web.app"):
        answer = client.get(path, headers={"X-Request-ID": "req-42"})
    assert answer.status_code == 500
    assert TOKEN not in answer.text
    (record,) = _errors(caplog)
    line = record.getMessage()
    assert line == f"internal error on GET {template} (request req-42)"
    assert getattr(record, "request_id", None) == "req-42"
    # Nothing of the path anywhere in the record, the traceback included.
    written = logging.Formatter("%(message)s").format(record)
    assert TOKEN not in written and "forged" not in written
    assert "RuntimeError: the test fails on purpose" in written


def test_a_failure_on_an_unmatched_path_is_logged_as_unmatched(
        client: TestClient, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No route matched (the 404 handler itself fails here): still no path in the log."""
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the test fails on purpose")

    monkeypatch.setattr(problems, "http_message", boom)
    with caplog.at_level(logging.ERROR, logger="interfaces.web.app"):
        answer = client.get(f"/no/such/{TOKEN}", headers={"X-Request-ID": "req-43"})
    assert answer.status_code == 500
    (record,) = _errors(caplog)
    assert record.getMessage() == "internal error on GET unmatched (request req-43)"
    assert TOKEN not in logging.Formatter("%(message)s").format(record)
