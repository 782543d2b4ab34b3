"""HTTP: signing in and out, one's own password, two-factor and tokens; accounts (admins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response, status

from cordon.access import service, signin, two_factor
from cordon.access.deps import COOKIE, CurrentPrincipal, client_address, set_session_cookie
from cordon.access.models import User
from cordon.access.principal import Principal
from cordon.access.roles import role
from cordon.access.schemas import (
    AlertContactsIn,
    BothFactorsIn,
    CodeIn,
    MeOut,
    PasswordIn,
    RecoveryCodesOut,
    SignedInOut,
    SignInIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    TwoFactorStartOut,
    UserCreatedOut,
    UserIn,
    UserOut,
)
from cordon.access.who import TokensOwner, UsersManager
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import Forbidden, InvalidInput, Unauthorized
from cordon.core.security import password_matches

router = APIRouter(tags=["access"])
T = TypeVar("T")


def _me(user: User, who: Principal | None = None) -> MeOut:
    r = role(user.role)
    permissions = who.permissions if who else r.permissions
    return MeOut.of(
        user,
        user_id=user.id,
        role_title=r.title,
        permissions=sorted(permissions),
        pseudonymised=r.pseudonymised,
        two_factor_enabled=user.totp_enabled,
    )


@router.post("/auth/sign-in", response_model=SignedInOut, responses={401: {}, 429: {}})
def sign_in(
    session: SessionDep, request: Request, response: Response, body: SignInIn
) -> SignedInOut:
    """Open a web session (cookie ``cordon_session``: HttpOnly, SameSite=Lax, Secure over
    HTTPS). Failures are slowed, then locked out (429 with Retry-After)."""
    result = signin.sign_in(
        session,
        username=body.username,
        password=body.password,
        code=body.code,
        address=client_address(request),
    )
    if isinstance(result, str):
        session.commit()  # the failure counts even though the answer is an error
        raise Unauthorized(result)
    set_session_cookie(response, request, result.session_token)
    me = _me(result.user)
    return SignedInOut(
        **me.model_dump(), csrf_token=result.csrf_token, two_factor_done=result.two_factor_done
    )


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(session: SessionDep, request: Request, who: CurrentPrincipal) -> Response:
    cookie = request.cookies.get(COOKIE)
    if cookie:
        signin.end_session(session, cookie)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/auth/me", response_model=MeOut)
def me(session: SessionDep, who: CurrentPrincipal) -> MeOut:
    return _me(session.get_one(User, who.user_id), who)


@router.post("/auth/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(session: SessionDep, who: CurrentPrincipal, body: PasswordIn) -> None:
    """Choose a new password (at least 12 characters); the current one is asked again."""
    user = session.get_one(User, who.user_id)
    if not password_matches(user.password_hash, body.current_password):
        raise InvalidInput.on("current_password", "this is not your current password")
    service.change_password(session, user=user, new=body.new_password)


def _own_account(session: SessionDep, request: Request, who: Principal) -> tuple[User, Any]:
    """The user and web session changing their own second factor: never with an API token."""
    if who.via != "session":
        raise Forbidden("The second factor is changed in a signed-in web session, not a token.")
    cookie = request.cookies.get(COOKIE)
    return session.get_one(User, who.user_id), signin.session_of(session, cookie or "")


def _counting_failures(
    session: SessionDep, who: Principal, user: User, change: Callable[[], T]
) -> T:
    """Run a change that asks the password and a code again: a wrong one counts as a failed
    sign-in (slowed, then locked out, like guessing at sign-in)."""
    signin.check_wait(user)
    try:
        return change()
    except two_factor.WrongFactor:
        signin.count_failure(session, user, who.client_address or "unknown")
        session.commit()
        raise


@router.post("/auth/two-factor", response_model=TwoFactorStartOut)
def start_two_factor(
    session: SessionDep, request: Request, who: CurrentPrincipal, body: BothFactorsIn | None = None
) -> TwoFactorStartOut:
    """Start enrolling an authenticator app; confirm with a code to switch it on. Once
    two-factor is on, a new app needs ``current_password`` and a ``code`` (or a recovery
    code); the old app works until the new one is confirmed. Not with an API token."""
    user, _ = _own_account(session, request, who)
    given = body or BothFactorsIn()
    uri = _counting_failures(
        session,
        who,
        user,
        lambda: two_factor.start(session, user, password=given.current_password, code=given.code),
    )
    return TwoFactorStartOut(otpauth_uri=uri)


@router.post("/auth/two-factor/confirm", response_model=RecoveryCodesOut)
def confirm_two_factor(
    session: SessionDep, request: Request, who: CurrentPrincipal, body: CodeIn
) -> RecoveryCodesOut:
    """Switch the new authenticator on with its first code: ends your other sessions and
    answers ten one-time recovery codes, shown this once."""
    user, web = _own_account(session, request, who)
    return RecoveryCodesOut(recovery_codes=two_factor.confirm(session, user, web, body.code))


@router.post("/auth/two-factor/off", status_code=status.HTTP_204_NO_CONTENT)
def switch_off_two_factor(
    session: SessionDep, request: Request, who: CurrentPrincipal, body: BothFactorsIn
) -> None:
    """Switch two-factor off (password and a code; not for roles that demand it); ends your
    other sessions."""
    user, web = _own_account(session, request, who)
    _counting_failures(
        session,
        who,
        user,
        lambda: two_factor.switch_off(
            session, user, web, password=body.current_password, code=body.code
        ),
    )


@router.post("/auth/recovery-codes", response_model=RecoveryCodesOut)
def renew_recovery_codes(
    session: SessionDep, request: Request, who: CurrentPrincipal, body: BothFactorsIn
) -> RecoveryCodesOut:
    """Ten new recovery codes (the old ones stop working); password and a code asked."""
    user, web = _own_account(session, request, who)
    codes = _counting_failures(
        session,
        who,
        user,
        lambda: two_factor.renew_recovery_codes(
            session, user, web, password=body.current_password, code=body.code
        ),
    )
    return RecoveryCodesOut(recovery_codes=codes)


@router.get("/tokens", response_model=list[TokenOut])
def my_tokens(session: SessionDep, who: TokensOwner) -> list[TokenOut]:
    return [TokenOut.model_validate(t) for t in service.list_tokens(session, user_id=who.user_id)]


@router.post("/tokens", response_model=TokenCreatedOut, status_code=status.HTTP_201_CREATED)
def create_token(session: SessionDep, who: TokensOwner, body: TokenIn) -> TokenCreatedOut:
    """A token for a machine, limited to some of your permissions, for ``days`` days."""
    user = session.get_one(User, who.user_id)
    token, secret = service.create_token(
        session, user=user, name=body.name, scopes=body.scopes, days=body.days
    )
    return TokenCreatedOut(**TokenOut.model_validate(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(session: SessionDep, who: TokensOwner, token_id: Id) -> None:
    service.revoke_token(session, token_id=token_id, user_id=who.user_id)


@router.get("/users", response_model=list[UserOut])
def list_users(session: SessionDep, who: UsersManager) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in service.list_users(session)]


@router.post("/users", response_model=UserCreatedOut, status_code=status.HTTP_201_CREATED)
def create_user(session: SessionDep, who: UsersManager, body: UserIn) -> UserCreatedOut:
    user, password = service.create_user(
        session, role_key=body.role, **body.model_dump(exclude={"role"})
    )
    return UserCreatedOut(**UserOut.model_validate(user).model_dump(), one_time_password=password)


@router.put("/users/{username}/alert-contacts", response_model=UserOut)
def set_alert_contacts(
    session: SessionDep, who: UsersManager, username: str, body: AlertContactsIn
) -> UserOut:
    """Where the user is alerted of flags of people in isolation in their unit."""
    user = service.set_alert_contacts(
        session, username=username, phone=body.phone, email=body.email
    )
    return UserOut.model_validate(user)


@router.post("/users/{username}/disable", response_model=UserOut)
def disable_user(session: SessionDep, who: UsersManager, username: str) -> UserOut:
    return UserOut.model_validate(service.disable_user(session, username=username))


@router.post("/users/{username}/reset-password", response_model=UserCreatedOut)
def reset_password(session: SessionDep, who: UsersManager, username: str) -> UserCreatedOut:
    """A new one-time password; unlocks the account and ends its sessions."""
    password = service.reset_password(session, username=username)
    user = service.user_by_name(session, username)
    return UserCreatedOut(**UserOut.model_validate(user).model_dump(), one_time_password=password)
