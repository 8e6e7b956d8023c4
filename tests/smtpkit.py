"""A real SMTP server (aiosmtpd) on 127.0.0.1 for delivery tests, and outbox helpers.

``smtp_server`` is an :class:`SmtpServer` already listening; it records every accepted message
and can be told to refuse recipients (``refuse``: address -> reply, from RCPT), to answer DATA
with a reply of its own (``data_reply``, e.g. ``"451 4.3.0 Try again later"``), or be stopped
and started again on the same port (the relay is down, then back).

``Controller(port=0)`` does not work (its readiness probe connects to port 0), so a free port
is picked first.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from engine import Database
from notifications import outbox
from notifications.message import outbox_fields
from notifications.render import Catalogue, RenderedEmail

#: A two-kind catalogue of test emails (``tests/notifications/emails/``): the notification layer
#: is tested on words of its own, not the programme's.
CATALOGUE = Catalogue(
    templates=Path(__file__).resolve().parent / "notifications" / "emails",
    kinds={"notice": ("recipient_name", "comment"), "digest": ("items",)},
    locales=("id", "en"),
    digests=frozenset({"digest"}),
)

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RecordingHandler:
    """Accepts mail and keeps it; refusals and DATA replies are configurable at run time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[str, list[str], bytes]] = []
        self.message_ids: list[str] = []
        self.refuse: dict[str, str] = {}
        self.data_reply: str | None = None
        self.data_delay = 0.0
        self.sessions = 0

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.data_reply is not None:
            return self.data_reply
        content: bytes = envelope.original_content or envelope.content
        found = MESSAGE_ID.search(content)
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), content))
            self.message_ids.append(found.group(1).decode() if found else "")
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd server on a fixed port of 127.0.0.1 that can be stopped and restarted."""

    def __init__(self, port: int | None = None, **controller_options: Any) -> None:
        self.options = controller_options  # e.g. server_kwargs, authenticator, tls_context
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(
                self.handler, hostname=self.host, port=self.port, **self.options)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            raw = [content for _, _, content in self.handler.received]
        return [message_from_bytes(r, policy=policy.default) for r in raw]  # type: ignore[misc]

    @property
    def message_ids(self) -> list[str]:
        with self.handler.lock:
            return list(self.handler.message_ids)

    def duplicates(self) -> int:
        return sum(n - 1 for n in Counter(self.message_ids).values() if n > 1)

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.handler.message_ids) >= count:
                return True
            time.sleep(0.02)
        return False


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
MAIL_FROM = "Smart City <noreply@smartcity.example.go.id>"


def plan(db: Database, n: int, *, start: int = 0, due_at: datetime = T0,
         recipient: Callable[[int], str] | str = "opd{i}@kota.example.go.id",
         kind: str = "reminder") -> list[str]:
    """Enqueue ``n`` multipart messages in one transaction; returns their Message-IDs."""
    ids = []
    with db.transaction() as session:
        for i in range(start, start + n):
            to = recipient(i) if callable(recipient) else recipient.format(i=i)
            rendered = RenderedEmail(
                subject=f"Pengingat {i}: batas waktu — 3 hari lagi",
                text=f"Yth. OPD {i},\nbatas waktu 5 Maret 2026 08:00 WIB.\n",
                html=f"<p>Yth. OPD {i},<br>batas waktu <b>5 Maret 2026 08:00 WIB</b>.</p>")
            fields = outbox_fields(key=f"test:{i}", recipient=to, rendered=rendered,
                                   sender=MAIL_FROM, domain="smartcity.example.go.id",
                                   date=due_at)
            outbox.enqueue(session, key=f"test:{i}", kind=kind, due_at=due_at, now=due_at,
                           **fields)
            ids.append(fields["message_id"])
    return ids


@pytest.fixture
def planner() -> Callable[..., list[str]]:
    """``planner(db, n, ...)``: enqueue ``n`` due test messages (see :func:`plan`)."""
    return plan
