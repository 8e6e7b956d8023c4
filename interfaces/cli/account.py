"""``smartcity account``: sign-in accounts for the web pages and the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from config.messages import text
from interfaces.cli.context import console, programme, table
from workflows.access import accounts
from workflows.zones import NATIONAL_TZ, local

app = typer.Typer(help="Accounts that sign in to the web pages and the API.",
                  no_args_is_help=True)

PasswordOption = Annotated[str, typer.Option(
    prompt=True, hide_input=True, confirmation_prompt=True, envvar="SMARTCITY_PASSWORD",
    help="The password (prompted when not given; or set SMARTCITY_PASSWORD).")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="account")


@app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="A registered person's or OPD's address.")],
    password: PasswordOption,
    admin: Annotated[bool, typer.Option("--admin", help="May manage accounts.")] = False,
    locale: Annotated[str, typer.Option(help="Interface language: id or en.")] = "id",
) -> None:
    """Create an account for a registered person or OPD (or an --admin account)."""
    account = accounts.create(programme(), email, password, is_admin=admin, locale=locale)
    console.print(text("cli.account.created", email=account.email)
                  + (text("cli.account.administrator") if admin else ""))


@app.command("password")
def password(email: str, password: PasswordOption) -> None:
    """Set a new password; the account's sessions and tokens stop working."""
    accounts.set_password(programme(), email, password)
    console.print(text("cli.account.password_changed", email=email.strip().lower()))


@app.command("disable")
def disable(email: str) -> None:
    """Stop an account from signing in (its sessions and tokens end now)."""
    accounts.set_disabled(programme(), email, True)
    console.print(text("cli.account.disabled", email=email.strip().lower()))


@app.command("enable")
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    accounts.set_disabled(programme(), email, False)
    console.print(text("cli.account.enabled", email=email.strip().lower()))


@app.command("list")
def listing() -> None:
    """Every account, with its role from the directory."""
    out = table(*(text(f"cli.account.{c}") for c in ("email", "admin", "language", "created_at",
                                                      "last_login", "status")))
    for a in accounts.listing(programme()):
        out.add_row(a.email, text("cli.actions.yes") if a.is_admin else "", a.locale,
                    local(_aware(a.created_at), NATIONAL_TZ),
                    local(_aware(a.last_login_at), NATIONAL_TZ) if a.last_login_at else "—",
                    text("cli.account.is_disabled" if a.disabled_at else "cli.account.active"))
    console.print(out)


def _aware(at: datetime) -> datetime:
    """A stored time as UTC (SQLite returns it without its zone)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
