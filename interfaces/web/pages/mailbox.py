"""The mailbox: the email a local SMTP sink received (``smartcity serve --smtp-sink``).

People trying the programme out read here the reminders, escalations and notices it sends,
without a mail relay. Programme-wide coordinators and administrators see all mail; anyone else
signed in sees only mail addressed to them (the envelope's recipients), so a demo account
cannot read another region's reminders.

An email's HTML part is *not* trusted page content: it is shown in an ``<iframe sandbox
srcdoc="...">`` (the attribute escaped by the template, the sandbox without
``allow-scripts`` nor ``allow-same-origin``), under a Content-Security-Policy that forbids
scripts as well, so a ``<script>`` in a message can neither run nor reach the page. The raw
message is offered as plain text.

A link in the email (a sign-in link, "choose your password") must open the page itself, not
inside the frame: the frame's document starts with ``<base target="_top">`` and its sandbox
allows top navigation on a click (``allow-top-navigation-by-user-activation``), nothing more.
Without script the frame cannot size itself to the email, so its height is estimated from the
email's text for a phone's width and a desktop's, and the whole email shows without a
scroll bar of its own in the usual case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from config import messages
from engine import NotFoundError
from interfaces.web.deps import PageViewer, Viewer
from interfaces.web.templating import render
from notifications.sink import MailSink, Received
from workflows import roles

router = APIRouter()

#: Nothing on a mailbox page runs script; the email's HTML (in a srcdoc iframe, which
#: inherits this policy) may not either.
POLICY = ("default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
          "frame-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
          "form-action 'self'; frame-ancestors 'self'")
MAX_NUMBER = 2**63 - 1


def _mailbox(request: Request) -> MailSink:
    sink: MailSink | None = getattr(request.app.state, "mailbox", None)
    if sink is None:
        raise NotFoundError("mailbox.none")
    return sink


def _sees_all(viewer: Viewer) -> bool:
    return viewer.is_admin or (viewer.role == roles.COORDINATOR and viewer.regions() is None)


def _addressed_to(viewer: Viewer, mail: Received) -> bool:
    me = viewer.email.lower()
    return any(r.lower() == me for r in mail.recipients)


@dataclass(frozen=True)
class Summary:
    number: int
    received_at: datetime
    to: str
    subject: str


def _summary(mail: Received) -> Summary:
    message = mail.message()
    to = str(message.get("To", "")) or ", ".join(mail.recipients)
    return Summary(mail.number, mail.received_at, to, str(message.get("Subject", "")))


def _part(message: EmailMessage, kind: str) -> str | None:
    part = message.get_body(preferencelist=(kind,))
    if part is None or part.get_content_subtype() != kind:
        return None
    content = part.get_content()
    return content if isinstance(content, str) else None


def _visible(request: Request, viewer: Viewer, number: int) -> Received:
    sink = _mailbox(request)
    mail = sink.get(number)
    # The same answer for a message that is not there and one addressed to someone else.
    if mail is None or not (_sees_all(viewer) or _addressed_to(viewer, mail)):
        raise NotFoundError("mailbox.no_message", number=number)
    return mail


# A link from an email that acts as its recipient: signing in (``/l/<token>``) or choosing a
# password (``/password/<token>``); quoted-printable may fold it with "=\n".
_LINK = re.compile(r"/(?:l|password)/(?:[A-Za-z0-9_.\-]|=\r?\n){20,}")


def _unlinked(text: str | None, viewer: Viewer, mail: Received) -> str | None:
    """Someone else's mail without its sign-in and password links: reading every message
    must not let a coordinator act as its recipient."""
    if text is None or _addressed_to(viewer, mail):
        return text
    return _LINK.sub("/" + messages.text("accounts.mailbox_link_hidden"), text)


def _secured(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/mailbox")
def mailbox(request: Request, viewer: PageViewer) -> Response:
    """The received mail, newest first: number, time, recipient, subject."""
    sink = _mailbox(request)
    everyone = _sees_all(viewer)
    shown = [_summary(m) for m in reversed(sink.listing())
             if everyone or _addressed_to(viewer, m)]
    return _secured(render(request, "mailbox.html", viewer, mails=shown, everyone=everyone,
                           total=sink.count))


#: Opens every link of the email in the top window (the page), not in the frame.
TOP = '<base target="_top">\n'
_HEAD = re.compile(r"<head\b.*?</head>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
_BLOCKS = re.compile(r"<(?:p|h[1-6]|div|blockquote|li|tr|hr|br|table)\b", re.IGNORECASE)
#: (characters a line, pixels a line, pixels a block, pixels more) on a phone (a 374 px frame)
#: and on a wider screen (the emails are at most 640 px wide): fitted on the catalogue's
#: emails as Chromium lays them out, then 50 px added so none is cut short.
_LAYOUTS = ((44, 22.4, 34.5, -35), (85, 21.0, 35.1, -20))


def frame_heights(html: str) -> tuple[int, int]:
    """The frame's height in pixels on a phone and on a wider screen, from the email's
    visible text and its blocks: tall enough that its last button shows without scrolling
    inside the frame."""
    body = _HEAD.sub("", html)
    length = len(" ".join(_TAGS.sub(" ", body).split()))
    blocks = len(_BLOCKS.findall(body))
    phone, wide = (max(320, min(8000, int(extra + per_line * length / chars + per_block * blocks)))
                   for chars, per_line, per_block, extra in _LAYOUTS)
    return phone, wide


def _sent_at(message: EmailMessage) -> datetime | None:
    """The message's Date header as a moment (shown in WIB, in the reader's language), or
    None when it has none or it cannot be read."""
    try:
        sent = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    return sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)


@router.get("/mailbox/{number}")
def message(request: Request, viewer: PageViewer,
            number: Annotated[int, Path(ge=1, le=MAX_NUMBER)]) -> Response:
    """One message: its headers, its text part, and its HTML part in a sandboxed frame."""
    mail = _visible(request, viewer, number)
    parsed = mail.message()
    html = _unlinked(_part(parsed, "html"), viewer, mail)
    return _secured(render(
        request, "mailbox_message.html", viewer, mail=mail, summary=_summary(mail),
        sender=str(parsed.get("From", mail.mail_from)), date=_sent_at(parsed),
        text=_unlinked(_part(parsed, "plain"), viewer, mail),
        html=TOP + html if html is not None else None,
        heights=frame_heights(html) if html is not None else (0, 0)))


@router.get("/mailbox/{number}/raw")
def raw(request: Request, viewer: PageViewer,
        number: Annotated[int, Path(ge=1, le=MAX_NUMBER)]) -> Response:
    """The message exactly as received, as plain text (never rendered as HTML)."""
    mail = _visible(request, viewer, number)
    body = _unlinked(mail.raw.decode("utf-8", "replace"), viewer, mail) or ""
    response = Response(body, media_type="text/plain; charset=utf-8",
                        headers={"Content-Security-Policy": "sandbox; default-src 'none'"})
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
