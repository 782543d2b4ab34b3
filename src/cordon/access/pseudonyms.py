"""Stable pseudonyms for analysts and pseudonymised exports, and the coarsening of what could
still single a person out beside one.

A person's pseudonym is a keyed hash of their id under the installation key: the same person
always gets the same pseudonym (so analyses can link records), nobody without the key can
go back from pseudonym to person, and two installations give different pseudonyms.

A pseudonym alone does not protect a person whose birth year and ward make them one of a
handful (the only 1931-born in a ward of 8,000). Pseudonymised output therefore shows no
birth year and no ward: an age band of ``AGE_BAND_YEARS`` years (the oldest together, from
``OPEN_BAND_FROM``) and the district (docs/access.md).
"""

from __future__ import annotations

import base64
import datetime as dt

from cordon.core.dates import today
from cordon.core.security import keyed_digest

IDENTIFYING = ("phone", "national_id", "address", "date_of_birth", "household_id", "residence")
# Quasi-identifiers, shown coarsened: birth year → age band, ward → district.
COARSENED = ("birth_year", "ward_id")
AGE_BAND_YEARS = 10
OPEN_BAND_FROM = 80  # few people are this old: one band for all of them


def age_band(birth_year: int | None, on: dt.date | None = None) -> str | None:
    """The age band of someone born in ``birth_year``, as of ``on`` (today): "30-39", "80+"."""
    if birth_year is None:
        return None
    age = max((on or today()).year - birth_year, 0)
    if age >= OPEN_BAND_FROM:
        return f"{OPEN_BAND_FROM}+"
    low = age // AGE_BAND_YEARS * AGE_BAND_YEARS
    return f"{low}-{low + AGE_BAND_YEARS - 1}"


def pseudonym(person_id: int) -> str:
    raw = bytes.fromhex(keyed_digest("person", str(person_id)))[:6]
    return "P-" + base64.b32encode(raw).decode().rstrip("=")
