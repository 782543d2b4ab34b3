"""Secrets and hashes: Argon2id passwords, random tokens stored as SHA-256, the install key."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cordon.core.config import PROJECT_ROOT, get_settings

_hasher = PasswordHasher()  # Argon2id with the library's (RFC 9106) parameters
# Verified against when the username is unknown, so both answers take the same time.
_UNKNOWN = _hasher.hash(secrets.token_urlsafe(16))
KEY_FILE = PROJECT_ROOT / "var" / "secret.key"
MIN_PASSWORD = 12
MAX_PASSWORD = 128
STRONG_ENOUGH = 3  # zxcvbn's score, 0 … 4: 3 is "safely unguessable" for an online attack


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _UNKNOWN, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def guessable(password: str, *, user_inputs: list[str]) -> bool:
    """A password that an online attacker finds soon: a common or breached-pattern one
    (dictionaries, keyboard walks, repeats, dates, leet speak, the user's own names), by the
    zxcvbn estimator (OWASP ASVS 2.1.7)."""
    from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # loads its dictionaries

    found = zxcvbn(password[:MAX_PASSWORD], user_inputs=user_inputs, max_length=MAX_PASSWORD)
    return int(found["score"]) < STRONG_ENOUGH


def new_password() -> str:
    """A password to hand over once: 20 characters from an unambiguous alphabet."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(token: str) -> str:
    """What is stored of a token: tokens are random, so one SHA-256 is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache
def secret_key() -> bytes:
    """The installation's key: from settings, else made once in ``var/secret.key``."""
    configured = get_settings().secret_key
    if configured is not None:
        value = configured.get_secret_value()
        if len(value) < 32:
            raise ValueError("CORDON_SECRET_KEY must be at least 32 characters")
        return value.encode()
    return _key_file(KEY_FILE)


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def keyed_digest(purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under the installation key, separated by ``purpose``."""
    return hmac.new(secret_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
