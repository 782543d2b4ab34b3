"""What a case is recorded with: the one list of a case's fields, in the order every list of
cases uses (the bulk insert, the service's rules, the line lists and their export derive
from it; ``tests/cases/test_case_fields.py`` keeps them in agreement)."""

from __future__ import annotations

CASE_DATES = ("onset_on", "sample_on", "confirmed_on", "isolated_on", "discharged_on", "died_on")
# What the case's record says beyond its code, its person and its status: edited in place.
DETAILS = ("classification", "asymptomatic", *CASE_DATES, "province", "treated_at")
CASE_FIELDS = ("code", "person_id", "status", *DETAILS)
