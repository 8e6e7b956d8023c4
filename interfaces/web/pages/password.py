"""Setting a password from an email: "forgot password", and the page an invitation or a reset
link opens.

``/password/forgot`` asks for an address and always answers the same page, whether or not an
account or a person has it (:func:`workflows.access.invitations.request_reset` decides in
silence), so the form tells no one who is registered. ``/password/<token>`` shows the form to
choose a password; sending it sets the password, uses the link up, ends the account's other
sessions and signs the person in, in one transaction. A link that no longer works (cut short,
expired, used, sent before a newer password, or for a disabled account) shows the sign-in form
with the reason instead, in the reader's language.

Nobody is signed in on these pages, so their forms carry a token that is also in a cookie
scoped to ``/password`` (as the sign-in form does): a hostile site cannot post them.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from config import messages
from engine import ConflictError, InvalidInputError
from interfaces.web.deps import Prog
from interfaces.web.pages.auth import _login_page, _sign_in
from interfaces.web.templating import render
from workflows.access import invitations, links
from workflows.access.accounts import MIN_PASSWORD
from workflows.programme import Programme

router = APIRouter()

FORM_COOKIE = "sc_password_form"
TokenPath = Annotated[str, Path(min_length=1, max_length=2000)]
PasswordField = Annotated[str, Form(max_length=200)]


def _form(request: Request, prog: Programme, template: str, status: int = 200,
          **context: object) -> Response:
    """A page with a form for someone not signed in, its anti-forgery token in the form and
    in a cookie."""
    token = secrets.token_urlsafe(24)
    response = render(request, template, None, status=status, form_token=token, **context)
    response.set_cookie(FORM_COOKIE, token, max_age=3600, httponly=True, samesite="lax",
                        secure=prog.settings.cookies_secure, path="/password")
    return response


def _genuine(request: Request, given: str) -> bool:
    expected = request.cookies.get(FORM_COOKIE, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _refused(request: Request, prog: Programme, reason: str) -> Response:
    """The sign-in form, saying why the link opened nothing."""
    return _login_page(request, prog, next="/", status=401,
                       error=messages.text(f"accounts.link.{reason}"))


@router.get("/password/forgot")
def forgot_form(request: Request, prog: Prog) -> Response:
    return _form(request, prog, "password_forgot.html", sent=False, email="", error=None)


@router.post("/password/forgot")
def forgot(request: Request, prog: Prog, email: Annotated[str, Form(max_length=254)],
           form_token: Annotated[str, Form(max_length=100)] = "") -> Response:
    """Email a link to set a password if the address may have one; the same answer always."""
    if not _genuine(request, form_token):
        return _form(request, prog, "password_forgot.html", status=403, sent=False,
                     email=email, error=messages.text("accounts.form_expired"))
    invitations.request_reset(prog, email)
    return _form(request, prog, "password_forgot.html", sent=True, email="", error=None,
                 hours=links.RESET_HOURS)


def _choose_page(request: Request, prog: Programme, token: str, *, error: str | None = None,
                 status: int = 200) -> Response:
    """The form to choose a password, or the sign-in form when the link no longer works."""
    with prog.db.read() as session:
        try:
            opened = invitations.check_link(session, prog.settings, token, prog.engine.clock())
        except invitations.LinkRefused as refused:
            return _refused(request, prog, refused.reason)
    return _form(request, prog, "password_set.html", status=status, token=token,
                 email=opened.email, purpose=opened.purpose, error=error, minimum=MIN_PASSWORD)


@router.get("/password/{token}")
def choose_form(request: Request, token: TokenPath, prog: Prog) -> Response:
    """The form to choose a password; nothing is used up by opening it."""
    return _choose_page(request, prog, token)


@router.post("/password/{token}")
def choose(request: Request, token: TokenPath, prog: Prog, password: PasswordField,
           repeated: PasswordField, form_token: Annotated[str, Form(max_length=100)] = ""
           ) -> Response:
    """Set the password, use the link up, sign the person in and open their start page."""
    if not _genuine(request, form_token):
        return _choose_page(request, prog, token, status=403,
                            error=messages.text("accounts.form_expired"))
    try:
        with prog.db.transaction() as session:
            account = invitations.set_password_by_link(session, prog.settings, token, password,
                                                       repeated, prog.engine.clock())
            return _sign_in(session, prog, RedirectResponse("/", status_code=303), account)
    except invitations.LinkRefused as refused:
        return _refused(request, prog, refused.reason)
    except ConflictError:  # the same link used at the same moment in another window
        return _refused(request, prog, links.USED)
    except InvalidInputError as problem:
        return _choose_page(request, prog, token, status=422, error=str(problem))
