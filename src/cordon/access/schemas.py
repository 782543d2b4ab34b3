from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from cordon.core.schemas import Out


class SignInIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    code: str | None = Field(
        default=None,
        max_length=32,
        description="The authenticator's code, if enrolled, or a one-time recovery code.",
    )


class MeOut(Out):
    user_id: int
    username: str
    display_name: str
    role: str
    role_title: str
    unit_id: int
    language: str
    permissions: list[str]
    pseudonymised: bool
    two_factor_enabled: bool
    must_change_password: bool


class SignedInOut(MeOut):
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header on every change.")
    two_factor_done: bool


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(
        max_length=200,
        description="12 to 128 characters, not easy to guess (checked with zxcvbn): a few "
        "unrelated words make a strong one.",
    )


class TwoFactorStartOut(BaseModel):
    otpauth_uri: str = Field(description="Show as a QR code to the authenticator app.")


class CodeIn(BaseModel):
    code: str = Field(max_length=32)


class BothFactorsIn(BaseModel):
    """What a change of an enrolled second factor asks again."""

    current_password: str | None = Field(default=None, max_length=200)
    code: str | None = Field(
        default=None,
        max_length=32,
        description="A current code of the authenticator app, or a recovery code.",
    )


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(
        description="Shown once: each works once at sign-in in place of a code. Keep them "
        "somewhere safe, apart from the phone."
    )


class UserIn(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=64)
    unit_code: str = Field(max_length=16, description="Code of the city, district or ward.")
    language: str = Field(default="vi", pattern="^(vi|en)$")


class AlertContactsIn(BaseModel):
    phone: str | None = Field(default=None, max_length=40, description="SMS alerts (empty: none).")
    email: str | None = Field(default=None, max_length=254, description="E-mail alerts.")


class UserOut(Out):
    id: int
    username: str
    display_name: str
    role: str
    unit_id: int
    language: str
    totp_enabled: bool
    disabled_at: dt.datetime | None
    locked_until: dt.datetime | None
    alert_phone: str | None
    alert_email: str | None


class UserCreatedOut(UserOut):
    one_time_password: str = Field(description="Shown once; changed at the first sign-in.")


class TokenIn(BaseModel):
    name: str = Field(max_length=120)
    scopes: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=100)
    days: int = Field(default=90, ge=1, le=366)


class TokenOut(Out):
    id: int
    user_id: int
    name: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Shown once: send it as Authorization: Bearer <token>.")
