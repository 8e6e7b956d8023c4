"""Signing in to the API: bearer tokens, the caller's identity, accounts (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel, Field

from interfaces.web.api.errors import errors
from interfaces.web.deps import ApiViewer, Prog, Viewer, admin_viewer
from workflows.access import accounts, known_devices, sessions

router = APIRouter(tags=["accounts"], responses=errors(401, 422, 500, 503))
#: What only an administrator may do answers 403 to anyone else.
ADMIN = errors(403, why={403: "Only an administrator may manage accounts (or a cookie call "
                              "came without its X-CSRF-Token)."})


class TokenRequest(BaseModel):
    # No NUL: PostgreSQL refuses it in text, and the email is looked up and the name stored.
    email: str = Field(max_length=254, pattern=r"^[^\x00]*$", examples=["mentor@itb.ac.id"])
    password: str = Field(max_length=200)
    name: str = Field(default="api", min_length=1, max_length=100, pattern=r"^[^\x00]*$",
                      description="What the token is for, to recognise it later.")
    days: int | None = Field(default=90, ge=1, le=3650,
                             description="Days until it expires; null for never.")


class TokenCreated(BaseModel):
    id: int
    name: str
    token: str = Field(description="Send as 'Authorization: Bearer <token>'. Shown once.")
    expires_at: datetime | None


class TokenInfo(BaseModel):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class Me(BaseModel):
    email: str
    role: str
    name: str | None
    regions: list[str] | None = Field(description="Regions acted for; null: programme-wide.")
    party: str | None = Field(description="The OPD code, for an OPD account.")
    is_admin: bool
    locale: str


class AccountRequest(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=1, max_length=200)
    is_admin: bool = False
    locale: str = Field(default="id", pattern="^(id|en)$")


class AccountInfo(BaseModel):
    email: str
    is_admin: bool
    locale: str
    created_at: datetime
    disabled: bool


@router.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=TokenCreated,
             responses=errors(401, 413, 429, why={
                 401: "Wrong email address or password, or a disabled account."}))
def create_token(body: TokenRequest, request: Request, response: Response,
                 prog: Prog) -> TokenCreated:
    """Exchange an email address and password for a bearer token.

    The answer also sets an ``sc_device`` cookie: a client that keeps it and sends it back
    here is a known device of the address, which the address's shared sign-in limit (guessing
    from many networks) does not delay."""
    now = prog.engine.clock()
    host = request.client.host if request.client else None  # counted per client (429)
    # A client that keeps cookies is a known device after its first token: the throttle's
    # shared caps no longer delay it (workflows/access/known_devices.py).
    device = request.cookies.get(known_devices.COOKIE)
    with accounts.signing_in(prog, body.email, body.password, host, device) as (session,
                                                                                account):
        token, secret = sessions.issue_token(session, account, body.name, now, body.days)
        response.set_cookie(known_devices.COOKIE,
                            known_devices.issue(prog.settings, account.email, now),
                            max_age=int(known_devices.KEPT.total_seconds()), httponly=True,
                            samesite="lax", secure=prog.settings.cookies_secure)
        return TokenCreated(id=token.id or 0, name=token.name, token=secret,
                            expires_at=token.expires_at)


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(viewer: ApiViewer, prog: Prog) -> list[TokenInfo]:
    """The caller's tokens (never their secrets)."""
    with prog.db.read() as session:
        rows = sessions.tokens_of(session, viewer.account_id)
    return [TokenInfo(id=t.id or 0, name=t.name, created_at=t.created_at,
                      expires_at=t.expires_at, revoked_at=t.revoked_at) for t in rows]


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=errors(403, 404, why={404: "No such token of the caller's."}))
def revoke_token(token_id: Annotated[int, Path(ge=1, le=2**31 - 1)], viewer: ApiViewer,
                 prog: Prog) -> None:
    """Revoke one of the caller's tokens."""
    now = prog.engine.clock()
    with prog.db.transaction() as session:
        account = accounts.account_by_id(session, viewer.account_id)
        sessions.revoke_token(session, account, token_id, now)


@router.get("/me", response_model=Me)
def me(viewer: ApiViewer) -> Me:
    """Who the caller is, and what the engine will let them act as."""
    actor = viewer.actor
    regions = viewer.regions()
    return Me(email=viewer.email, role=viewer.role, name=actor.name if actor else None,
              regions=sorted(regions) if regions is not None else None,
              party=actor.party if actor else None, is_admin=viewer.is_admin,
              locale=viewer.locale)


@router.post("/accounts", status_code=status.HTTP_201_CREATED, response_model=AccountInfo,
             responses={**ADMIN, **errors(404, 413, why={
                 404: "Nobody with this email address is registered as a person or OPD."})})
def create_account(body: AccountRequest, prog: Prog,
                   viewer: Viewer = Depends(admin_viewer)) -> AccountInfo:  # noqa: B008
    """Create an account for a registered person or OPD (administrators only)."""
    account = accounts.create(prog, body.email, body.password, is_admin=body.is_admin,
                              locale=body.locale)
    return AccountInfo(email=account.email, is_admin=account.is_admin, locale=account.locale,
                       created_at=account.created_at, disabled=False)


@router.get("/accounts", response_model=list[AccountInfo], responses=ADMIN)
def list_accounts(prog: Prog, viewer: Viewer = Depends(admin_viewer)) -> list[AccountInfo]:  # noqa: B008
    """Every account (administrators only)."""
    return [AccountInfo(email=a.email, is_admin=a.is_admin, locale=a.locale,
                        created_at=a.created_at, disabled=a.disabled_at is not None)
            for a in accounts.listing(prog)]
