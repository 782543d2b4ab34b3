from enum import StrEnum


class Setting(StrEnum):
    household = "household"
    workplace = "workplace"
    school = "school"
    hospital = "hospital"
    venue = "venue"
    transport = "transport"
    other = "other"


class Closeness(StrEnum):
    """How close the contact was; the tier policy says which closeness makes an F-tier."""

    close = "close"
    casual = "casual"
