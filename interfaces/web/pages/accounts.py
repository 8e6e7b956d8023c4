"""Accounts in the browser: invite a registered person or OPD, invite a cohort's OPDs at once,
disable and re-enable accounts, and the list of accounts, filtered, a page at a time.

For administrators and programme-wide coordinators (:func:`workflows.access.roster.manager`
decides, in every request; anyone else gets 403). Every change is one call into
:mod:`workflows.access` (one transaction, the emails queued in it) behind the session's CSRF
token, answered with a redirect back to the list and a notice from a fixed list. A refused
invitation shows the page again with the reason beside the form and the address kept.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from engine import WorkflowError
from interfaces.web.deps import PageViewer, Prog, Viewer, check_csrf
from interfaces.web.templating import render
from workflows.access import invitations, roster
from workflows.access.accounts import LOCALES
from workflows.programme import Programme

router = APIRouter()

MAX_INT = 2**31 - 1
NO_NUL = r"^[^\x00]*$"
#: Notices a redirect may ask the page to show (a fixed list: the query cannot inject text).
NOTICES = ("invited", "bulk", "disabled", "enabled")
PER_PAGE = roster.PER_PAGE

SearchField = Annotated[str, Form(max_length=254, pattern=NO_NUL)]
StatusField = Annotated[str, Form(max_length=20)]
RoleField = Annotated[str, Form(max_length=20)]
PageField = Annotated[int, Form(ge=1, le=100_000)]
LocaleField = Annotated[str, Form(max_length=2)]
CsrfField = Annotated[str, Form()]


def _manager(viewer: Viewer) -> roster.Manager:
    return roster.manager(viewer.email, viewer.is_admin, viewer.actor)


def _listing(q: str, status: str, role: str, page: int = 1) -> dict[str, str | int]:
    """The list's filters as a query (empty ones left out)."""
    found: dict[str, str | int] = {k: v for k, v in (("q", q.strip()), ("status", status),
                                                      ("role", role)) if v}
    if page > 1:
        found["page"] = page
    return found


def _back(done: str, filters: dict[str, str | int], **extra: str | int) -> RedirectResponse:
    query = urlencode({"done": done, **extra, **filters})
    return RedirectResponse(f"/accounts?{query}#accounts", status_code=303)


def _page(request: Request, viewer: Viewer, prog: Programme, *, q: str = "", status: str = "",
          role: str = "", page: int = 1, done: str | None = None, count: int = 0,
          error: str | None = None, invite_email: str = "", invite_locale: str = "id",
          code: int = 200) -> Response:
    status = status if status in roster.STATUSES else ""
    role = role if role in roster.ROLES else ""
    with prog.db.read() as session:
        found = roster.roster(session, search=q, status=status, role=role, page=page,
                              per_page=PER_PAGE)
        cohorts = roster.cohorts_to_invite(session)
    return render(
        request, "accounts.html", viewer, status=code, listing=found, q=q, chosen_status=status,
        chosen_role=role, statuses=roster.STATUSES, roles=roster.ROLES, locales=LOCALES,
        cohorts=cohorts, notice=done if done in NOTICES else None, count=count, error=error,
        invite_email=invite_email, invite_locale=invite_locale,
        filters=_listing(q, status, role), admin=viewer.is_admin, me=viewer.email,
        pages_query=urlencode(_listing(q, status, role)))


@router.get("/accounts")
def accounts_page(
    request: Request, viewer: PageViewer, prog: Prog,
    q: Annotated[str, Query(max_length=254, pattern=NO_NUL)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    role: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    done: Annotated[str | None, Query(max_length=20)] = None,
    count: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """The forms to invite, and the accounts matching the filters."""
    _manager(viewer)
    return _page(request, viewer, prog, q=q, status=status, role=role, page=page, done=done,
                 count=count)


@router.post("/accounts/invite")
def invite(
    request: Request, viewer: PageViewer, prog: Prog,
    email: Annotated[str, Form(max_length=254, pattern=NO_NUL)],
    locale: LocaleField = "id", csrf_token: CsrfField = "",
) -> Response:
    """Open an account for a registered person or OPD and email them a link to choose a
    password (again, for an invited account with no password yet)."""
    check_csrf(viewer, csrf_token)
    by = _manager(viewer)
    try:
        account = invitations.invite(prog, by, email, locale)
    except WorkflowError as exc:
        return _page(request, viewer, prog, error=str(exc), invite_email=email.strip(),
                     invite_locale=locale, code=exc.status_code)
    return _back("invited", {"q": account.email})


@router.post("/accounts/invite-cohort")
def invite_cohort(
    viewer: PageViewer, prog: Prog,
    cohort: Annotated[str, Form(min_length=1, max_length=100, pattern=NO_NUL)],
    locale: LocaleField = "id", csrf_token: CsrfField = "",
) -> Response:
    """Invite every OPD of the cohort's regions that has no account yet."""
    check_csrf(viewer, csrf_token)
    invited = invitations.invite_cohort_opds(prog, _manager(viewer), cohort, locale)
    return _back("bulk", {"role": "opd", "status": roster.INVITED} if invited else {},
                 count=invited)


def _switch(viewer: Viewer, prog: Programme, account_id: int, disabled: bool, csrf_token: str,
            filters: dict[str, str | int]) -> Response:
    check_csrf(viewer, csrf_token)
    roster.set_disabled(prog, _manager(viewer), account_id, disabled)
    return _back("disabled" if disabled else "enabled", filters)


@router.post("/accounts/{account_id}/disable")
def disable(
    viewer: PageViewer, prog: Prog, account_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    q: SearchField = "", status: StatusField = "", role: RoleField = "", page: PageField = 1,
    csrf_token: CsrfField = "",
) -> Response:
    """Stop an account from signing in; its sessions and API tokens end now."""
    return _switch(viewer, prog, account_id, True, csrf_token, _listing(q, status, role, page))


@router.post("/accounts/{account_id}/enable")
def enable(
    viewer: PageViewer, prog: Prog, account_id: Annotated[int, Path(ge=1, le=MAX_INT)],
    q: SearchField = "", status: StatusField = "", role: RoleField = "", page: PageField = 1,
    csrf_token: CsrfField = "",
) -> Response:
    """Let a disabled account sign in again."""
    return _switch(viewer, prog, account_id, False, csrf_token, _listing(q, status, role, page))
