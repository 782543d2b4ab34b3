"""Stable pseudonyms for analysts and pseudonymised exports.

A person's pseudonym is a keyed hash of their id under the installation key: the same person
always gets the same pseudonym (so analyses can link records), nobody without the key can
go back from pseudonym to person, and two installations give different pseudonyms.
"""

from __future__ import annotations

import base64

from cordon.core.security import keyed_digest

IDENTIFYING = ("phone", "national_id", "address", "date_of_birth", "household_id", "residence")


def pseudonym(person_id: int) -> str:
    raw = bytes.fromhex(keyed_digest("person", str(person_id)))[:6]
    return "P-" + base64.b32encode(raw).decode().rstrip("=")
