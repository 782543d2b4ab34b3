"""``cordon users`` and ``cordon tokens``: accounts and machine tokens, for operators.

The first administrator is made here (``cordon users add admin --role city_admin --unit 01``);
there is no default account or password anywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cordon.access import service
from cordon.access.roles import roles
from cordon.access.schemas import TokenOut, UserOut
from cordon.cli.output import AsJson, console, print_listing, user_errors
from cordon.core.db import session_scope

users_app = typer.Typer(help="Accounts: add, list, disable, reset passwords.", no_args_is_help=True)
tokens_app = typer.Typer(
    help="API tokens for machines: create, list, revoke.", no_args_is_help=True
)


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name: letters, digits, . - _")],
    role: Annotated[str, typer.Option(help="A role key (see `cordon users roles`).")],
    unit: Annotated[str, typer.Option(help="Code of the user's city, district or ward.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: username).")] = None,
    language: Annotated[str, typer.Option(help="vi or en.")] = "vi",
) -> None:
    """Add an account; its one-time password is printed once (changed at first sign-in)."""
    with user_errors(), session_scope() as session:
        user, password = service.create_user(
            session,
            username=username,
            display_name=name or username,
            role_key=role,
            unit_code=unit,
            language=language,
        )
    console.print(f"User [bold]{user.username}[/bold] ({user.role}) added.")
    console.print(f"One-time password (shown once): [bold]{password}[/bold]")


@users_app.command("alerts")
def alerts(
    username: str,
    phone: Annotated[str | None, typer.Option(help="Phone for SMS alerts ('' removes it).")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail for alerts ('' removes it).")] = None,
) -> None:
    """Where the user is alerted of flags of people in isolation in their unit."""
    with user_errors(), session_scope() as session:
        user = service.user_by_name(session, username)
        user = service.set_alert_contacts(
            session,
            username=username,
            phone=user.alert_phone if phone is None else phone,
            email=user.alert_email if email is None else email,
        )
        said = ", ".join(c for c in (user.alert_phone, user.alert_email) if c) or "nowhere"
    console.print(f"{username} is alerted at {said}.")


def _state(user: UserOut) -> str:
    return "disabled" if user.disabled_at else ("locked" if user.locked_until else "active")


@users_app.command("list")
def list_users(as_json: AsJson = False) -> None:
    """Every account with its role, unit and state."""
    with session_scope() as session:
        shown = [UserOut.model_validate(u) for u in service.list_users(session)]
    print_listing(shown, len(shown), "users", as_json=as_json, columns={
        "username": lambda u: u.username,
        "name": lambda u: u.display_name,
        "role": lambda u: u.role,
        "unit": lambda u: str(u.unit_id),
        "2FA": lambda u: "on" if u.totp_enabled else "",
        "state": _state,
    })  # fmt: skip


@users_app.command("roles")
def list_roles(as_json: AsJson = False) -> None:
    """The roles of this installation and their permissions."""
    shown: list[dict[str, Any]] = [
        {
            "id": r.id,
            "title": r.title,
            "jurisdiction": r.jurisdiction.value,
            "permissions": sorted(r.permissions),
        }
        for r in roles()
    ]
    print_listing(shown, len(shown), "roles", as_json=as_json, columns={
        "role": lambda r: r["id"],
        "title": lambda r: r["title"],
        "jurisdiction": lambda r: r["jurisdiction"],
        "permissions": lambda r: ", ".join(r["permissions"]),
    })  # fmt: skip


@users_app.command("disable")
def disable(username: str) -> None:
    """No more sign-ins, sessions or tokens for this account."""
    with user_errors(), session_scope() as session:
        service.disable_user(session, username=username)
    console.print(f"User {username} disabled.")


@users_app.command("reset-password")
def reset_password(username: str) -> None:
    """A new one-time password (printed once); also unlocks the account and ends its
    sessions and API tokens."""
    with user_errors(), session_scope() as session:
        password = service.reset_password(session, username=username)
    console.print(f"One-time password for {username} (shown once): [bold]{password}[/bold]")


@tokens_app.command("create")
def create_token(
    username: Annotated[str, typer.Argument(help="Whose token (it acts as this user).")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'lab LIS'.")],
    scope: Annotated[list[str], typer.Option(help="A permission; repeat for several.")],
    days: Annotated[int, typer.Option(help="Days until it expires (1–366).")] = 90,
) -> None:
    """A token for a machine; printed once, stored only as a hash."""
    with user_errors(), session_scope() as session:
        user = service.user_by_name(session, username)
        token, secret = service.create_token(session, user=user, name=name, scopes=scope, days=days)
    console.print(f"Token {token.id} for {username}, expires {token.expires_at:%Y-%m-%d}.")
    console.print(f"Token (shown once): [bold]{secret}[/bold]")


@tokens_app.command("list")
def list_tokens(
    username: Annotated[str | None, typer.Argument()] = None, as_json: AsJson = False
) -> None:
    """Tokens (of one user), with their scopes and state; never the secrets."""
    with user_errors(), session_scope() as session:
        user_id = service.user_by_name(session, username).id if username else None
        shown = [TokenOut.model_validate(t) for t in service.list_tokens(session, user_id=user_id)]
    print_listing(shown, len(shown), "tokens", as_json=as_json, columns={
        "id": lambda t: str(t.id),
        "user": lambda t: str(t.user_id),
        "name": lambda t: t.name,
        "scopes": lambda t: " ".join(t.scopes),
        "expires": lambda t: f"{t.expires_at:%Y-%m-%d}",
        "state": lambda t: "revoked" if t.revoked_at else "active",
    })  # fmt: skip


@tokens_app.command("revoke")
def revoke(token_id: int) -> None:
    """Revoke a token at once."""
    with user_errors(), session_scope() as session:
        service.revoke_token(session, token_id=token_id)
    console.print(f"Token {token_id} revoked.")
