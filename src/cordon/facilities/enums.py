from enum import StrEnum


class FacilityKind(StrEnum):
    hospital = "hospital"
    military_camp = "military_camp"
    hotel = "hotel"
    field_hospital = "field_hospital"
    dormitory = "dormitory"  # student dormitories, as Hanoi used in 2021
    other = "other"


class FacilityStatus(StrEnum):
    open = "open"  # takes people while it has free beds
    full = "full"  # no free bed (set by the service), or declared full by its manager
    closed = "closed"  # takes no one; those inside stay until moved or released
