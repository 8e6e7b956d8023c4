"""A local SMTP server that keeps what it receives: the demo's and ``serve --smtp-sink``'s mail.

aiosmtpd on 127.0.0.1 accepts every message and keeps the newest ``keep`` of them in memory,
so people trying the programme out can read the emails it sends (the web pages show them at
``/mailbox``) without a mail relay. Nothing leaves the machine.
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from engine import InvalidInputError


@dataclass(frozen=True)
class Received:
    number: int
    received_at: datetime
    mail_from: str
    recipients: tuple[str, ...]
    raw: bytes

    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)


class MailSink:
    """aiosmtpd handler that accepts every message and keeps the newest ``keep`` of them."""

    def __init__(self, keep: int = 10_000) -> None:
        self.lock = threading.Lock()
        self.kept: deque[Received] = deque(maxlen=keep)
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        with self.lock:
            self.count += 1
            self.kept.append(Received(self.count, datetime.now(UTC), envelope.mail_from,
                                      tuple(envelope.rcpt_tos), content))
        return "250 2.0.0 Message accepted for delivery"

    def load(self, mails: Iterable[tuple[datetime, str, Sequence[str], bytes]]) -> int:
        """Keep messages delivered before this sink started, as ``(delivered at, envelope
        sender, recipients, raw message)``, oldest first: the mail a database already sent
        (the demo's) is read in the mailbox like the mail received since. Returns how many."""
        loaded = 0
        with self.lock:
            for at, sender, recipients, raw in mails:
                self.count += 1
                self.kept.append(Received(self.count, at, sender, tuple(recipients), raw))
                loaded += 1
        return loaded

    @property
    def received(self) -> list[bytes]:
        with self.lock:
            return [r.raw for r in self.kept]

    def messages(self) -> list[EmailMessage]:
        return [r.message() for r in self.listing()]

    def listing(self) -> list[Received]:
        """What was received, oldest first."""
        with self.lock:
            return list(self.kept)

    def get(self, number: int) -> Received | None:
        with self.lock:
            return next((r for r in self.kept if r.number == number), None)


def free_port() -> int:
    # Controller(port=0) does not work (its readiness probe connects to port 0).
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_sink(port: int | None = None,
                 host: str = "127.0.0.1") -> Iterator[tuple[int, MailSink]]:
    """A local SMTP server for the length of the block; yields its port and its mail."""
    sink = MailSink()
    port = port or free_port()
    controller = Controller(sink, hostname=host, port=port)
    try:
        controller.start()
    except (OSError, RuntimeError) as exc:
        raise InvalidInputError("notifications.sink_failed", host=host, port=port,
                                reason=exc) from None
    try:
        yield port, sink
    finally:
        controller.stop()
