"""SmtpSender against a real aiosmtpd server: reuse, reconnect, and every failure classified."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from smtpkit import SmtpServer, free_port  # type: ignore[import-not-found]

from config.settings import Settings
from notifications.smtp import PermanentFailure, SmtpSender, TemporaryFailure, classify

FROM = "Smart City <noreply@smartcity.example.go.id>"
TO = "opd@kota.example.go.id"


def message(n: int = 0) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = FROM, TO, f"Uji {n}"
    msg["Message-ID"] = f"<uji{n}@smartcity.example.go.id>"
    msg.set_content("teks")
    msg.add_alternative("<p>teks</p>", subtype="html")
    return msg


def sender(server: SmtpServer | int, **kw: Any) -> SmtpSender:
    port = server if isinstance(server, int) else server.port
    options: dict[str, Any] = {"timeout": 3, "connections": 2, **kw}
    return SmtpSender(hostname="127.0.0.1", port=port, mail_from=FROM, **options)


def attempt(s: SmtpSender, *sends: tuple[Any, str]) -> list[Any]:
    """Run sends in order on one sender; each result is the reply or the exception."""
    async def go() -> list[Any]:
        out: list[Any] = []
        for msg, to in sends:
            try:
                out.append(await s.send(msg, to))
            except (TemporaryFailure, PermanentFailure) as exc:
                out.append(exc)
        await s.close()
        return out
    return asyncio.run(go())


@pytest.fixture
def server_with(request: pytest.FixtureRequest) -> Iterator[Any]:
    started: list[SmtpServer] = []

    def make(**options: Any) -> SmtpServer:
        server = SmtpServer(**options)
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def test_sends_over_reused_connections_with_bounded_concurrency(smtp_server: SmtpServer) -> None:
    s = sender(smtp_server, connections=2)

    async def go() -> list[str]:
        replies = await asyncio.gather(*(s.send(message(i), TO) for i in range(20)))
        await s.close()
        return list(replies)

    replies = asyncio.run(go())
    assert all("accepted" in r for r in replies)
    assert len(smtp_server.message_ids) == 20
    assert smtp_server.handler.sessions == 2
    assert smtp_server.messages[0].get_content_type() == "multipart/alternative"


def test_reconnects_once_after_the_server_dropped_an_idle_connection(
        server_with: Any) -> None:
    server = server_with(timeout=0.5)  # the server's idle timeout
    s = sender(server)

    async def go() -> None:
        await s.send(message(1), TO)
        await asyncio.sleep(1.2)
        await s.send(message(2), TO)
        await s.close()

    asyncio.run(go())
    assert len(server.message_ids) == 2
    assert server.handler.sessions == 2


def test_connection_refused_is_temporary() -> None:
    (failure,) = attempt(sender(free_port()), (message(), TO))
    assert isinstance(failure, TemporaryFailure)
    assert failure.code is None and "cannot connect" in failure.text


def test_550_from_rcpt_is_permanent_with_the_servers_answer(smtp_server: SmtpServer) -> None:
    smtp_server.handler.refuse[TO] = "550 5.1.1 User unknown"
    failure, ok = attempt(sender(smtp_server, connections=1), (message(1), TO),
                          (message(2), "other@kota.example.go.id"))
    assert isinstance(failure, PermanentFailure)
    assert (failure.code, failure.text, str(failure)) == (550, "5.1.1 User unknown",
                                                          "550 5.1.1 User unknown")
    assert "accepted" in ok  # the same connection carries on after the refusal
    assert smtp_server.handler.sessions == 1


def test_451_from_data_is_temporary(smtp_server: SmtpServer) -> None:
    smtp_server.handler.data_reply = "451 4.3.0 Try again later"
    (failure,) = attempt(sender(smtp_server), (message(), TO))
    assert isinstance(failure, TemporaryFailure)
    assert (failure.code, failure.text) == (451, "4.3.0 Try again later")


def test_452_from_rcpt_is_temporary(smtp_server: SmtpServer) -> None:
    smtp_server.handler.refuse[TO] = "452 4.2.2 Mailbox full"
    (failure,) = attempt(sender(smtp_server), (message(), TO))
    assert isinstance(failure, TemporaryFailure) and failure.code == 452


def test_a_slow_server_times_out_as_temporary(smtp_server: SmtpServer) -> None:
    smtp_server.handler.data_delay = 1.5
    start = time.monotonic()
    (failure,) = attempt(sender(smtp_server, timeout=0.5), (message(), TO))
    assert isinstance(failure, TemporaryFailure) and "timed out" in failure.text
    assert time.monotonic() - start < 1.4


@pytest.mark.parametrize("address", ["bad\r\nRCPT TO:<evil@x.go.id>", "no-at-sign",
                                     "a@b@c.go.id", "Name <a@b.go.id>", "a@b.go.id, c@d.go.id"])
def test_bad_addresses_are_permanent_and_never_reach_the_server(
        smtp_server: SmtpServer, address: str) -> None:
    (failure,) = attempt(sender(smtp_server), (message(), address))
    assert isinstance(failure, PermanentFailure)
    assert "cannot send to this address" in failure.text
    assert smtp_server.handler.sessions == 0


def test_forced_starttls_against_a_server_without_it_is_permanent(
        smtp_server: SmtpServer) -> None:
    (failure,) = attempt(sender(smtp_server, security="starttls"), (message(), TO))
    assert isinstance(failure, PermanentFailure) and "STARTTLS" in failure.text
    assert smtp_server.message_ids == []  # never fell back to clear text


def test_implicit_tls_against_a_plain_server_is_permanent(smtp_server: SmtpServer) -> None:
    (failure,) = attempt(sender(smtp_server, security="tls"), (message(), TO))
    assert isinstance(failure, PermanentFailure) and "TLS failed" in failure.text


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                   auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"rahasia"
    return AuthResult(success=ok)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_from_settings(server_with: Any) -> None:
    server = server_with(authenticator=_authenticator, auth_require_tls=False,
                         auth_required=True)
    good = SmtpSender.from_settings(Settings(
        smtp_host="127.0.0.1", smtp_port=server.port, smtp_username="relay",
        smtp_password="rahasia", smtp_timeout=3, mail_from=FROM))  # type: ignore[arg-type]
    (reply,) = attempt(good, (message(), TO))
    assert "accepted" in reply and len(server.message_ids) == 1
    anonymous = sender(server)
    (failure,) = attempt(anonymous, (message(), TO))
    assert isinstance(failure, PermanentFailure) and failure.code == 530  # auth required


def test_classify_other_errors() -> None:
    # aiosmtpd 1.4.6 does not answer a refused AUTH LOGIN in time for a test, so the
    # refused login is classified directly.
    refused = classify(aiosmtplib.SMTPAuthenticationError(535, "5.7.8 Authentication failed"))
    assert isinstance(refused, PermanentFailure) and refused.code == 535
    assert isinstance(classify(ValueError("bad")), PermanentFailure)
    assert isinstance(classify(ConnectionResetError("reset")), TemporaryFailure)
    assert isinstance(classify(RuntimeError("?")), TemporaryFailure)
