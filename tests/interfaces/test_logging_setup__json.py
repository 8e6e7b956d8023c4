"""JSON log lines (interfaces/logging_setup.py) and the request id (interfaces/web/requestid.py):
each line parses as one object with time, level, logger, message, the request id the
response's ``X-Request-ID`` shows (the caller's when it is a sane token, a fresh one
otherwise) and the traceback when there is one; uvicorn's own lines go through the same
formatter; configuring twice leaves one handler."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from interfaces.logging_setup import (
    JsonFormatter,
    RequestIdFilter,
    configure,
    uvicorn_log_config,
)
from interfaces.web.app import create_app
from workflows.programme import Programme

log = logging.getLogger("tests.logging_setup")


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the JSON handler writes while the test runs (at INFO and above)."""
    written = io.StringIO()
    root = logging.getLogger()
    level = root.level
    stream = logging.StreamHandler(written)  # what handler("json") is, on a string
    stream.addFilter(RequestIdFilter())
    stream.setFormatter(JsonFormatter())
    root.addHandler(stream)
    root.setLevel(logging.INFO)
    yield written
    root.removeHandler(stream)
    root.setLevel(level)


def parsed(written: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in written.getvalue().splitlines()]


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Iterator[TestClient]:
    (tmp_path / "t.db").write_bytes(sqlite_template.read_bytes())
    prog = Programme(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 't.db'}"))
    web = create_app(prog)

    @web.get("/test/log")
    def logs() -> dict[str, str]:
        log.info("inside the request")
        return {}

    @web.get("/test/boom")
    def boom() -> dict[str, str]:
        raise RuntimeError("the test fails on purpose")

    yield TestClient(web, raise_server_exceptions=False)
    prog.close()


def test_a_line_is_one_object_with_the_request_id_the_answer_shows(
        app: TestClient, lines: io.StringIO) -> None:
    answer = app.get("/test/log", headers={"X-Request-ID": "proxy-7f3a.01_b"})
    assert answer.headers["x-request-id"] == "proxy-7f3a.01_b"
    (line,) = [e for e in parsed(lines) if e["logger"] == log.name]
    assert line["message"] == "inside the request"
    assert line["level"] == "INFO"
    assert line["request_id"] == "proxy-7f3a.01_b"
    assert str(line["time"]).endswith("Z")
    assert datetime.fromisoformat(str(line["time"]).replace("Z", "+00:00")).utcoffset() \
        is not None
    assert "exc_info" not in line


@pytest.mark.parametrize("given", [None, "has space", "x" * 129, "quote\"d", "ünï".encode()])
def test_an_absent_or_odd_request_id_is_replaced_by_a_fresh_one(
        app: TestClient, lines: io.StringIO, given: str | bytes | None) -> None:
    headers = {"X-Request-ID": given} if given is not None else {}
    answer = app.get("/test/log", headers=headers)
    chosen = answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", chosen)
    (line,) = [e for e in parsed(lines) if e["logger"] == log.name]
    assert line["request_id"] == chosen
    assert app.get("/healthz").headers["x-request-id"] != chosen  # one per request


def test_an_unexpected_error_is_logged_with_its_traceback_and_request_id(
        app: TestClient, lines: io.StringIO) -> None:
    answer = app.get("/test/boom", headers={"X-Request-ID": "boom-1"})
    assert answer.status_code == 500
    (line,) = [e for e in parsed(lines) if e["level"] == "ERROR"]
    assert line["request_id"] == "boom-1"
    assert "RuntimeError: the test fails on purpose" in str(line["exc_info"])


def test_outside_a_request_a_line_has_no_request_id(lines: io.StringIO) -> None:
    log.warning("between requests %s", 42)
    (line,) = parsed(lines)
    assert line["message"] == "between requests 42" and "request_id" not in line


@pytest.fixture
def clean_logging() -> Iterator[None]:
    """The root logger and uvicorn's as they were."""
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler", "mail.log")
    kept = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level,
                logging.getLogger(n).propagate) for n in names}
    yield
    for n, (handlers, level, propagate) in kept.items():
        logger = logging.getLogger(n)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def test_configure_installs_one_handler_and_uvicorn_writes_json_too(
        clean_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure("text")
    configure("json")
    mine = [h for h in logging.getLogger().handlers if h.get_name() == "smartcity"]
    assert len(mine) == 1
    logging.config.dictConfig(uvicorn_log_config("json"))
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 1)
    logging.getLogger("workflows.background").warning("a warning")
    written = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(e["logger"], e["message"]) for e in written] == [
        ("uvicorn.error", "Started server process [1]"),
        ("workflows.background", "a warning")]
