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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

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
        raise NotFoundError(
            "this server has no mailbox: it sends email to the configured mail server. To "
            "read the email here instead, start it with 'smartcity serve --smtp-sink'")
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
        raise NotFoundError(f"no message #{number} in your mailbox; the list is at /mailbox")
    return mail


# A sign-in link from an email (``/l/<token>``); quoted-printable may fold it with "=\n".
_LINK = re.compile(r"/l/(?:[A-Za-z0-9_.\-]|=\r?\n)+")


def _unlinked(text: str | None, viewer: Viewer, mail: Received) -> str | None:
    """Someone else's mail without its sign-in links: reading every message must not let a
    coordinator act as its recipient."""
    if text is None or _addressed_to(viewer, mail):
        return text
    return _LINK.sub("/l/[link hidden: it signs in its recipient]", text)


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


@router.get("/mailbox/{number}")
def message(request: Request, viewer: PageViewer,
            number: Annotated[int, Path(ge=1, le=MAX_NUMBER)]) -> Response:
    """One message: its headers, its text part, and its HTML part in a sandboxed frame."""
    mail = _visible(request, viewer, number)
    parsed = mail.message()
    return _secured(render(
        request, "mailbox_message.html", viewer, mail=mail, summary=_summary(mail),
        sender=str(parsed.get("From", mail.mail_from)), date=str(parsed.get("Date", "")),
        text=_unlinked(_part(parsed, "plain"), viewer, mail),
        html=_unlinked(_part(parsed, "html"), viewer, mail)))


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
