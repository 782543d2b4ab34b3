"""The words of early warnings: OASIS CAP 1.2's code values, as the standard spells them, and
the life of a warning in this city (docs/network.md, "Early warnings (CAP 1.2)")."""

from enum import StrEnum


class CapStatus(StrEnum):
    """CAP ``status``: only Actual warnings are in force, on the feed and alerted."""

    actual = "Actual"
    exercise = "Exercise"
    system = "System"
    test = "Test"
    draft = "Draft"


class MsgType(StrEnum):
    """CAP ``msgType`` (Ack and Error are not sent between cities)."""

    alert = "Alert"
    update = "Update"
    cancel = "Cancel"


class Scope(StrEnum):
    public = "Public"
    restricted = "Restricted"  # ``restriction`` says who may see it
    private = "Private"


class Urgency(StrEnum):
    immediate = "Immediate"
    expected = "Expected"
    future = "Future"
    past = "Past"
    unknown = "Unknown"


class Severity(StrEnum):
    extreme = "Extreme"
    severe = "Severe"
    moderate = "Moderate"
    minor = "Minor"
    unknown = "Unknown"


class Certainty(StrEnum):
    observed = "Observed"
    likely = "Likely"
    possible = "Possible"
    unlikely = "Unlikely"
    unknown = "Unknown"


class Language(StrEnum):
    vi = "vi-VN"
    en = "en-US"


class WarningStatus(StrEnum):
    draft = "draft"  # this city's, being written (a rule's proposal is a draft too)
    approved = "approved"  # this city's, ready to send
    sent = "sent"  # this city's, sent to its peers
    received = "received"  # a partner city's
