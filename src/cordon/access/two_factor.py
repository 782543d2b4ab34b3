"""The second factor: an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

- A first enrolment needs a web session (never an API token): the app's secret, then one
  code to switch it on.
- Changing it once it is on — a new authenticator, switching it off, new recovery codes —
  needs the current password **and** a current code (or a recovery code). The old
  authenticator keeps working until the new one is confirmed.
- Every enrolment, switch-off and new set of recovery codes ends the user's other sessions
  and is in the audit log.
- Recovery codes: ten, shown once when two-factor is switched on (or made anew), stored as
  keyed hashes, each accepted once at sign-in in place of a code.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pyotp
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from cordon.access.models import RecoveryCode, User, WebSession
from cordon.access.roles import role
from cordon.audit import recorder
from cordon.core.errors import N_, Conflict, InvalidInput
from cordon.core.models import utcnow
from cordon.core.security import keyed_digest, password_matches, same

RECOVERY_CODES = 10


class WrongFactor(InvalidInput):
    """The password or the code asked again is wrong (counted like a failed sign-in)."""


_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


# -- TOTP: 30-second steps, six digits, one step of clock drift either way ---------------------


def _matching_step(secret: str, code: str, after: int) -> int | None:
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (-1, 0, 1):
        at = now + dt.timedelta(seconds=30 * drift)
        step = totp.timecode(at)
        if same(totp.at(at), code.strip()) and step > after:
            return int(step)
    return None


def totp_ok(user: User, code: str) -> bool:
    """The code of the user's authenticator, now; a code works once."""
    if user.totp_secret is None:
        return False
    step = _matching_step(user.totp_secret, code, user.totp_last_step or -1)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def code_ok(session: Session, user: User, code: str) -> bool:
    """A current authenticator code, or one of the user's unused recovery codes (then used)."""
    return totp_ok(user, code) or use_recovery_code(session, user, code)


# -- recovery codes ----------------------------------------------------------------------------


def _normal(code: str) -> str:
    return "".join(code.lower().split()).replace("-", "")


def _hash(user_id: int, code: str) -> str:
    return keyed_digest("recovery-code", f"{user_id}:{_normal(code)}")


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten new codes, shown once (the old ones stop working); only their hashes are kept."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODES)
    ]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(user.id, c)) for c in codes)
    session.flush()
    return codes


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """Spend one recovery code: true once, false for a wrong or already used one (the update
    settles a race between two sign-ins with the same code)."""
    if len(_normal(code)) != 10:
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 0) == 1:
        recorder.note(session, "recovery code used", "users", user.id)
        return True
    return False


# -- enrolling, changing, switching off --------------------------------------------------------


def check_both_factors(
    session: Session, user: User, password: str | None, code: str | None
) -> None:
    """The current password and a current code (or a recovery code), or 422 naming the field
    at fault."""
    if not password or not password_matches(user.password_hash, password):
        raise WrongFactor.on("current_password", N_("this is not your current password"))
    if not code or not code_ok(session, user, code):
        raise WrongFactor.on(
            "code", N_("give a current code of your authenticator app or a recovery code")
        )


def start(session: Session, user: User, *, password: str | None, code: str | None) -> str:
    """A new secret for an authenticator app (``otpauth://`` URI). Once two-factor is on, the
    password and a code are asked, and the old app works until the new one is confirmed."""
    new = pyotp.random_base32()
    if user.totp_enabled:
        check_both_factors(session, user, password, code)
        user.totp_pending_secret = new
    else:
        user.totp_secret = new
    recorder.note(session, "two-factor enrolment started", "users", user.id)
    return uri_of(user.username, new)


def pending_uri(user: User) -> str | None:
    """The URI of the secret waiting for its first code, if any."""
    secret = user.totp_pending_secret if user.totp_enabled else user.totp_secret
    return uri_of(user.username, secret) if secret else None


def uri_of(username: str, secret: str) -> str:
    """What an authenticator app scans for a secret."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Cordon")


def confirm(session: Session, user: User, web: WebSession | None, code: str) -> list[str]:
    """Switch on the secret waiting for its first code; the new recovery codes (shown once).
    The user's other sessions end."""
    secret = user.totp_pending_secret if user.totp_enabled else user.totp_secret
    step = _matching_step(secret, code, -1) if secret else None
    if step is None:
        raise InvalidInput.on("code", N_("the code does not match; check the device's clock"))
    user.totp_secret, user.totp_pending_secret = secret, None
    user.totp_enabled, user.totp_last_step = True, step
    if web is not None:
        web.two_factor_done = True
    end_other_sessions(session, user.id, web)
    recorder.note(session, "two-factor enabled", "users", user.id)
    return new_recovery_codes(session, user)


def switch_off(
    session: Session, user: User, web: WebSession | None, *, password: str | None, code: str | None
) -> None:
    """Two-factor off (not for a role that demands it: enrol a new app instead)."""
    if role(user.role).two_factor:
        raise Conflict.of(
            N_("Your role needs two-factor sign-in: enrol a new authenticator instead.")
        )
    check_both_factors(session, user, password, code)
    user.totp_enabled, user.totp_secret, user.totp_pending_secret = False, None, None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_other_sessions(session, user.id, web)
    recorder.note(session, "two-factor disabled", "users", user.id)


def renew_recovery_codes(
    session: Session, user: User, web: WebSession | None, *, password: str | None, code: str | None
) -> list[str]:
    if not user.totp_enabled:
        raise Conflict.of(N_("Two-factor sign-in is off: enrol an authenticator first."))
    check_both_factors(session, user, password, code)
    end_other_sessions(session, user.id, web)
    recorder.note(session, "recovery codes renewed", "users", user.id)
    return new_recovery_codes(session, user)


def end_other_sessions(session: Session, user_id: int, web: WebSession | None) -> None:
    query = update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
    if web is not None:
        query = query.where(WebSession.id != web.id)
    session.execute(query.values(ended_at=utcnow()).execution_options(synchronize_session=False))
