"""Phone numbers in E.164 (+84…), parsed with Google's libphonenumber rules."""

from __future__ import annotations

import phonenumbers

from cordon.core.config import get_settings
from cordon.core.errors import N_, BadValue


def normalize_phone(raw: str, region: str | None = None) -> str:
    """'0912 345 678' → '+84912345678'. Raises ValueError with a reason for a bad number."""
    try:
        number = phonenumbers.parse(raw, region or get_settings().phone_region)
    except phonenumbers.NumberParseException:
        raise BadValue(N_("not a phone number")) from None
    if not phonenumbers.is_valid_number(number):
        raise BadValue(N_("not a valid phone number for its country"))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
