"""``smartcity account``: sign-in accounts for the web pages and the API."""

from __future__ import annotations

from typing import Annotated

import typer

from interfaces.cli.context import console, programme, table
from workflows.access import accounts

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
    console.print(f"account {account.email} created" + (" (administrator)" if admin else ""))


@app.command("password")
def password(email: str, password: PasswordOption) -> None:
    """Set a new password; the account's sessions and tokens stop working."""
    accounts.set_password(programme(), email, password)
    console.print(f"password of {email.strip().lower()} changed; its sessions and tokens "
                  "were revoked")


@app.command("disable")
def disable(email: str) -> None:
    """Stop an account from signing in (its sessions and tokens end now)."""
    accounts.set_disabled(programme(), email, True)
    console.print(f"account {email.strip().lower()} disabled")


@app.command("enable")
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    accounts.set_disabled(programme(), email, False)
    console.print(f"account {email.strip().lower()} enabled")


@app.command("list")
def listing() -> None:
    """Every account, with its role from the directory."""
    out = table("Email", "Admin", "Language", "Created (UTC)", "Last sign-in (UTC)", "Status")
    for a in accounts.listing(programme()):
        out.add_row(a.email, "yes" if a.is_admin else "", a.locale,
                    f"{a.created_at:%Y-%m-%d %H:%M}",
                    f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "—",
                    "disabled" if a.disabled_at else "active")
    console.print(out)
