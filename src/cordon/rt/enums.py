from enum import StrEnum


class DateBasis(StrEnum):
    """Which day a case counts on in the incidence series (rt/service.py)."""

    onset = "onset"  # symptom onset, else sample, else confirmation
    confirmed = "confirmed"  # confirmation, for every case
