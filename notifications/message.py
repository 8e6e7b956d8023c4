"""Build the MIME message for a rendered email, with a Message-ID derived from its outbox key.

The message is ``multipart/alternative`` with the ``text/plain`` part first and the
``text/html`` part second (clients show the last part they understand), both UTF-8 and
quoted-printable. Headers: From, To, Subject (RFC 2047 encoded when not ASCII), Date,
Message-ID, MIME-Version and ``Auto-Submitted: auto-generated`` (RFC 3834, so that
out-of-office replies are not sent back), plus any extra headers the caller passes.

Why ``email.mime`` with the ``compat32`` policy and not ``EmailMessage`` with
``policy.default``: the modern policy parses and refolds every header through
``email.headerregistry`` and is the costly part of building a message. Measured on this
machine, side by side in one run, medians of 5 (build plus ``as_bytes()``, the flattening
aiosmtplib does anyway): ~1,070 messages/s with :func:`build_message` against ~380/s with
``EmailMessage``/``set_content``/``add_alternative`` (build alone: ~3,600/s against ~470/s);
``shared/reference/PERFORMANCE.md`` says the same (~1,550 vs ~450/s). A busy morning is
~46,000 digests and reused SMTP connections take ~420-1,150 messages/s, so at ~380/s building
the message would cost the dispatcher more than sending it. The price of ``compat32`` is doing
by hand what the modern policy does for us, which this module does:

* a non-ASCII Subject is wrapped in :class:`email.header.Header` (UTF-8, RFC 2047), and a
  non-ASCII display name in From/To is encoded with :func:`email.utils.formataddr`;
* CR or LF in any header value is refused (compat32 would write it out as is: header
  injection);
* the part bodies use a UTF-8 charset with quoted-printable transfer encoding.

The return type is therefore :class:`email.message.Message` (the ``compat32`` base class, of
which ``EmailMessage`` is a subclass), which ``aiosmtplib.SMTP.send_message`` and
``smtplib`` accept as is.

Messages are built once, when they are queued (:func:`outbox_fields`, inside the transaction
of the action or sweep that plans them); the dispatcher sends the stored bytes, so building
never slows delivery and what the outbox lists is exactly what goes out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any, Final, cast

from notifications.render import RenderedEmail

__all__ = ["build_message", "make_message_id", "outbox_fields"]

_UTF8_QP: Final = Charset("utf-8")
_UTF8_QP.body_encoding = QP

#: Headers build_message sets itself; passing one of them in ``headers`` is refused.
_RESERVED: Final = frozenset(
    {
        "from",
        "to",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)
_HEADER_NAME: Final = re.compile(r"^[!-9;-~]+$")  # RFC 5322 ftext: printable ASCII except ':'
_MESSAGE_ID: Final = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
_DOMAIN: Final = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def make_message_id(key: str, domain: str) -> str:
    """A Message-ID that depends only on ``key`` and ``domain``: ``<sha256-hex@domain>``.

    Use the outbox row's idempotency key, so a retried send (after a timeout, a crash or a
    lost lease) carries the same Message-ID and the receiving side can see the duplicate.
    """
    if not key:
        raise ValueError("make_message_id needs a non-empty idempotency key")
    if not _DOMAIN.match(domain):
        raise ValueError(f"not a valid Message-ID domain: {domain!r}")
    digest = hashlib.sha256(b"smartcity-message-id\x00" + key.encode("utf-8")).hexdigest()
    return f"<{digest[:40]}@{domain}>"


def _check_value(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"header {name} must not contain a line break: {value!r}")
    return value


def _address(name: str, value: str) -> str:
    """``value`` ("Name <addr>" or "addr") as a header value, RFC 2047-encoding the name."""
    _check_value(name, value)
    display, addr = parseaddr(value)
    if not addr or "@" not in addr:
        raise ValueError(f"header {name} is not an email address: {value!r}")
    return formataddr((display, addr), charset="utf-8")


def _text(name: str, value: str) -> str:
    """A header value, RFC 2047-encoded (UTF-8) when it is not ASCII.

    compat32 takes :class:`~email.header.Header` instances as header values and folds them
    with the header name's length counted; the stubs type values as ``str``, hence the cast.
    """
    if value.isascii():
        return value
    return cast(str, Header(value, "utf-8", header_name=name))


def build_message(
    sender: str,
    recipient: str,
    rendered: RenderedEmail,
    message_id: str,
    *,
    headers: Mapping[str, str] | None = None,
    date: datetime | None = None,
) -> Message:
    """A ``multipart/alternative`` message (text/plain, then text/html) ready to send.

    ``message_id`` is used as is (see :func:`make_message_id`). ``date`` is the Date header
    (an aware datetime; default: now, UTC), so a simulated clock can set it. ``headers`` adds
    extra headers (e.g. ``X-Smartcity-Outbox``, ``List-Unsubscribe``); it may replace the
    default ``Auto-Submitted`` but not the headers this function builds. Raises
    :class:`ValueError` for a line break in a header, a malformed address or Message-ID, or
    a naive ``date``.
    """
    if not _MESSAGE_ID.match(message_id):
        raise ValueError(f"not a valid Message-ID (want <local@domain>): {message_id!r}")
    when = datetime.now(UTC) if date is None else date
    if when.tzinfo is None:
        raise ValueError("the Date of a message must be an aware datetime")

    msg = MIMEMultipart("alternative")
    msg["From"] = _address("From", sender)
    msg["To"] = _address("To", recipient)
    msg["Subject"] = _text("Subject", _check_value("Subject", rendered.subject))
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id
    extra = {"Auto-Submitted": "auto-generated", **(headers or {})}
    for name, value in extra.items():
        if not _HEADER_NAME.match(name) or name.lower() in _RESERVED:
            raise ValueError(f"header {name!r} cannot be set through headers=")
        msg[name] = _text(name, _check_value(name, value))

    for body, subtype in ((rendered.text, "plain"), (rendered.html, "html")):
        part = MIMENonMultipart("text", subtype, charset="utf-8")
        part.set_payload(body, _UTF8_QP)  # sets Content-Transfer-Encoding: quoted-printable
        del part["MIME-Version"]  # only the top level carries it
        msg.attach(part)
    return msg


def outbox_fields(*, key: str, recipient: str, rendered: RenderedEmail, sender: str,
                  domain: str, date: datetime) -> dict[str, Any]:
    """The outbox columns of one email: built once, here, with a Message-ID from ``key``."""
    message_id = make_message_id(key, domain)
    message = build_message(sender, recipient, rendered, message_id, date=date)
    return {"recipient": recipient, "subject": rendered.subject, "text_body": rendered.text,
            "html_body": rendered.html, "message_id": message_id, "raw": message.as_bytes()}
