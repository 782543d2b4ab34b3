"""What a person is recorded with: the one list of a person's fields, in the order every
list of people uses (the bulk insert, the merge, the line lists and their export derive
from it; ``tests/people/test_person_fields.py`` keeps them in agreement)."""

from __future__ import annotations

# Who the person is.
IDENTITY = ("full_name", "sex")
# What else is known of them: a merge fills these on the kept person from the merged one.
DETAILS = (
    "date_of_birth",
    "birth_year",
    "phone",
    "national_id",
    "nationality",
    "address",
    "residence",
    "ward_id",
    "household_id",
)
PERSON_FIELDS = (*IDENTITY, *DETAILS)
# Recorded through the person's form and the API only: not in line lists nor bulk inserts,
# not filled by a merge.
VACCINATION = ("vaccine_doses", "last_dose_on")
