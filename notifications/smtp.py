"""Sending email over a few reused SMTP connections, with every failure classified.

:class:`SmtpSender` keeps ``smtp_connections`` long-lived :class:`aiosmtplib.SMTP` clients;
a message waits for a free one, so at most that many transactions are in flight. Security is
taken from the settings: ``none``; ``starttls`` (forced: a relay that does not offer STARTTLS
is an error, never a silent fall-back to clear text); ``tls`` (implicit TLS, port 465). The
client logs in when a username is set.

Every failure leaves :meth:`SmtpSender.send` as exactly one of two exceptions, both carrying
the server's reply code (``None`` when there was no reply) and text:

* :class:`TemporaryFailure`: connection refused or lost, timeouts, 4xx replies, a server that
  disconnected twice in a row. Try again later.
* :class:`PermanentFailure`: 5xx replies (a refused recipient, a refused sender), an address
  that cannot be sent to, a failed login, TLS errors, a missing server extension. Trying
  again will not help until someone changes the data or the configuration.

A server that closed an idle connection is reconnected once, transparently.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from types import TracebackType
from typing import Any

import aiosmtplib

from config.settings import Settings


class SendFailure(Exception):
    """Delivery of one message failed; ``code`` and ``text`` are the server's answer."""

    temporary = True

    def __init__(self, code: int | None, text: str) -> None:
        self.code = code
        self.text = text.strip()
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.code} {self.text}" if self.code is not None else self.text


class TemporaryFailure(SendFailure):
    """Worth retrying later: the relay was unreachable, slow or said 4xx."""

    temporary = True


class PermanentFailure(SendFailure):
    """Not worth retrying: the relay said 5xx, the address is bad, or the setup is wrong."""

    temporary = False


def classify(exc: BaseException) -> SendFailure:
    """Map an exception from aiosmtplib (or the socket below it) to one of the two failures."""
    if isinstance(exc, SendFailure):
        return exc
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refusals = exc.recipients or []
        worst = max(refusals, key=lambda r: r.code, default=None)
        if worst is None:
            return TemporaryFailure(None, str(exc))
        kind = PermanentFailure if worst.code >= 500 else TemporaryFailure
        return kind(worst.code, worst.message)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return PermanentFailure(exc.code, f"login refused: {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        if 500 <= exc.code < 600:
            return PermanentFailure(exc.code, exc.message)
        if 400 <= exc.code < 500:
            return TemporaryFailure(exc.code, exc.message)
        # No usable reply code (e.g. a garbled greeting): treat as a flaky connection.
        return TemporaryFailure(None, f"{type(exc).__name__}: {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return PermanentFailure(None, f"server does not support it: {exc}")
    if isinstance(exc, ssl.SSLError) or isinstance(exc.__cause__, ssl.SSLError):
        # Before OSError (SSLError is one); a TLS handshake failing at connect arrives as
        # SMTPConnectError caused by it. A wrong port or certificate: configuration.
        return PermanentFailure(None, f"TLS failed: {exc}")
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return TemporaryFailure(None, f"server disconnected: {exc}")
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return TemporaryFailure(None, f"timed out: {exc}" if str(exc) else "timed out")
    if isinstance(exc, aiosmtplib.SMTPConnectError | OSError):
        return TemporaryFailure(None, f"cannot connect: {exc}")
    if isinstance(exc, ValueError):  # bad address, CR/LF in it, not ASCII
        return PermanentFailure(None, f"cannot send to this address: {exc}")
    if type(exc) is aiosmtplib.SMTPException:
        # aiosmtplib raises the bare class only for setup problems: STARTTLS or AUTH not
        # offered by the server, XOAUTH2 misconfigured.
        return PermanentFailure(None, f"SMTP setup: {exc}")
    if isinstance(exc, aiosmtplib.SMTPException):
        return TemporaryFailure(None, f"{type(exc).__name__}: {exc}")
    return TemporaryFailure(None, f"{type(exc).__name__}: {exc}")


_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+")


def check_address(address: str) -> str:
    """``address`` if it is one bare address; else :class:`PermanentFailure`.

    aiosmtplib would pick an address out of anything (``"x\\r\\nRCPT TO:<y@z>"`` becomes
    ``y@z``), so the recipient is checked before it reaches the envelope or a header.
    """
    if not _ADDRESS.fullmatch(address) or not address.isascii():
        raise PermanentFailure(None, f"cannot send to this address: {address!r}")
    return address


def envelope_address(mailbox: str) -> str:
    """The bare address of ``"Name <addr>"`` (what MAIL FROM / RCPT TO carry)."""
    return parseaddr(mailbox)[1] or mailbox


class SmtpSender:
    """A pool of reused SMTP connections; ``send`` is safe to call from many tasks at once."""

    def __init__(
        self,
        *,
        hostname: str,
        port: int,
        mail_from: str,
        security: str = "none",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        connections: int = 2,
        **smtp_options: Any,
    ) -> None:
        if security not in ("none", "starttls", "tls"):
            raise ValueError(f"unknown SMTP security {security!r}: none, starttls or tls")
        if connections < 1:
            raise ValueError("connections must be at least 1")
        self.mail_from = mail_from
        self.envelope_from = envelope_address(mail_from)
        self.connections = connections
        self._options: dict[str, Any] = {
            "hostname": hostname, "port": port, "timeout": timeout,
            "use_tls": security == "tls",
            "start_tls": security == "starttls",
            **smtp_options,
        }
        if username:
            self._options.update(username=username, password=password or "")
        self._idle: asyncio.Queue[_Connection] | None = None
        self._all: list[_Connection] = []

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> SmtpSender:
        options: dict[str, Any] = {
            "hostname": settings.smtp_host,
            "port": settings.smtp_port,
            "mail_from": settings.mail_from,
            "security": settings.smtp_security,
            "username": settings.smtp_username,
            "password": (settings.smtp_password.get_secret_value()
                         if settings.smtp_password else None),
            "timeout": settings.smtp_timeout,
            "connections": settings.smtp_connections,
        }
        options.update(overrides)
        return cls(**options)

    def _pool(self) -> asyncio.Queue[_Connection]:
        # Created on first use, inside the running loop.
        if self._idle is None:
            self._idle = asyncio.Queue()
            self._all = [_Connection(self._options) for _ in range(self.connections)]
            for conn in self._all:
                self._idle.put_nowait(conn)
        return self._idle

    async def send(self, message: bytes | str | EmailMessage, recipient: str,
                   sender: str | None = None) -> str:
        """Deliver one message to one recipient; returns the server's acceptance text.

        Raises :class:`TemporaryFailure` or :class:`PermanentFailure`, nothing else.
        """
        check_address(recipient)
        pool = self._pool()
        conn = await pool.get()
        try:
            return await conn.send(sender or self.envelope_from, recipient, message)
        except Exception as exc:
            raise classify(exc) from exc
        finally:
            pool.put_nowait(conn)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()

    async def __aenter__(self) -> SmtpSender:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()


class _Connection:
    """One reused client: (re)connects on demand, reconnects once after a disconnect."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        self.smtp: aiosmtplib.SMTP | None = None

    async def _ensure(self) -> aiosmtplib.SMTP:
        if self.smtp is None or not self.smtp.is_connected:
            smtp = aiosmtplib.SMTP(**self.options)
            await smtp.connect()
            self.smtp = smtp
        return self.smtp

    async def send(self, sender: str, recipient: str,
                   message: bytes | str | EmailMessage) -> str:
        for attempt in (1, 2):
            smtp = await self._ensure()
            try:
                if isinstance(message, EmailMessage):
                    errors, reply = await smtp.send_message(
                        message, sender=sender, recipients=[recipient])
                else:
                    errors, reply = await smtp.sendmail(sender, [recipient], message)
            except aiosmtplib.SMTPServerDisconnected:
                self._drop()
                if attempt == 2:
                    raise
                continue
            except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused,
                    ValueError):
                raise  # the connection is still in a known state (aiosmtplib sent RSET)
            except BaseException:
                self._drop()  # timeouts and the unknown: do not reuse a desynced session
                raise
            if errors:  # one recipient per message, so a refusal normally raises instead
                address, response = next(iter(errors.items()))
                raise aiosmtplib.SMTPRecipientsRefused(
                    [aiosmtplib.SMTPRecipientRefused(response.code, response.message, address)])
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    def _drop(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            smtp.close()

    async def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None and smtp.is_connected:
            try:
                await smtp.quit()
            except Exception:  # noqa: BLE001 - closing anyway
                smtp.close()
