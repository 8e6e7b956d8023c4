"""How ``serve`` and ``worker`` write their logs: lines for a person, or one JSON object a line.

``SMARTCITY_LOG_FORMAT=json`` is for a log collector (Loki, Elasticsearch, CloudWatch): each
line is one object with ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, the
``request_id`` of the web request it was written in (when it was), and ``exc_info`` (the
traceback) when there is one, so a collector indexes fields instead of parsing prose. The
request id is held in a context variable (:data:`REQUEST_ID`, set by
:class:`interfaces.web.requestid.RequestIdMiddleware`), which the event loop copies into every
task and thread the request runs, so a line written deep in a view, or in the thread pool,
still names its request; :class:`RequestIdFilter` puts it on each record.

Both the application's loggers and uvicorn's go through the same formatter:
:func:`uvicorn_log_config` is the ``log_config`` ``serve`` hands uvicorn, which would otherwise
install its own coloured text handlers. The standard :mod:`logging` module only: a small
:class:`logging.Formatter` subclass is all JSON lines need.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

#: The id of the web request being answered in this context, or None outside a request.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request)s: %(message)s"
#: Loggers whose INFO lines are routine noise: APScheduler says "Running job" every minute,
#: the demo's SMTP sink (aiosmtpd) a few lines per connection, readiness probes included.
QUIET = ("apscheduler", "mail.log")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (``record.request_id``, None outside a
    request); a record that already carries one keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, exc_info."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        # default=str: a message argument that is not JSON (a path, a date) is still written.
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for a person, with ``[request id]`` after the logger when there is one."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        record.request = f" [{request_id}]" if request_id else ""
        return super().format(record)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is written, not when the handler was
    made: a test runner that swaps (and closes) stderr per command leaves no stale stream."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass  # always the current sys.stderr


def formatter(fmt: str) -> logging.Formatter:
    """The formatter of ``fmt`` (``"json"`` or ``"text"``)."""
    return JsonFormatter() if fmt == "json" else TextFormatter()


def handler(fmt: str) -> logging.Handler:
    """A stderr handler in ``fmt`` that knows the request id."""
    made = StderrHandler()
    made.addFilter(RequestIdFilter())
    made.setFormatter(formatter(fmt))
    made.set_name("smartcity")
    return made


def configure(fmt: str, level: int = logging.INFO) -> None:
    """The process's root logger writes ``level`` and above to stderr in ``fmt``.

    Called again (a second command in one process, a test), it replaces the handler it
    installed before instead of adding a second one.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "smartcity"]:
        root.removeHandler(old)
    root.addHandler(handler(fmt))
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))


@contextlib.contextmanager
def configured(fmt: str, level: int = logging.INFO) -> Iterator[None]:
    """:func:`configure` for the length of one command, then the logging it found.

    A command is a process of its own in production, but a test (or a script) runs many in
    one interpreter: a worker's stderr handler left behind would write into every later
    command's error output.
    """
    root = logging.getLogger()
    kept = (root.level, {name: logging.getLogger(name).level for name in QUIET})
    configure(fmt, level)
    try:
        yield
    finally:
        for mine in [h for h in root.handlers if h.get_name() == "smartcity"]:
            root.removeHandler(mine)
        root.setLevel(kept[0])
        for name, quiet in kept[1].items():
            logging.getLogger(name).setLevel(quiet)


def uvicorn_log_config(fmt: str) -> dict[str, Any]:
    """uvicorn's ``log_config``: its loggers through the same handler as the application's.

    With ``"json"`` every uvicorn line (start-up, shutdown, errors) is a JSON object too; with
    ``"text"`` uvicorn keeps its own format (what ``serve`` always printed).
    """
    if fmt != "json":
        from uvicorn.config import LOGGING_CONFIG

        return LOGGING_CONFIG
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": {"()": f"{__name__}.StderrHandler", "formatter": "json",
                                "filters": ["request_id"]}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }
