"""The words of the inter-city network (ADR 0021, docs/network.md)."""

from enum import StrEnum


class Kind(StrEnum):
    """What a message carries: each kind has a receiver in ``network.kinds``."""

    ping = "ping"  # a signed hello: checks the trust set-up both ways, carries nothing
    sitrep = "sitrep"  # a situation report (OASIS EDXL-SitRep)
    cap_alert = "cap-alert"  # an early warning (OASIS CAP 1.2)
    rm_request = "rm-request"  # EDXL-RM RequestResource
    rm_offer = "rm-offer"  # EDXL-RM OfferUnsolicitedResource
    rm_response = "rm-response"  # EDXL-RM ResponseToRequestResource
    rm_commit = "rm-commit"  # EDXL-RM CommitResource
    rm_release = "rm-release"  # EDXL-RM ReleaseResource
    rm_return = "rm-return"  # EDXL-RM RequestReturn
    share_request = "share-request"  # a person handed over (sealed personal payload)
    share_answer = "share-answer"  # accepted / rejected
    share_revoke = "share-revoke"  # the sender takes the request back


AGGREGATE = frozenset(Kind) - {Kind.share_request}  # nothing personal travels in these
# A person handed over between cities: these kinds go both ways with a peer whose
# ``handovers`` is allowed, and with no other, whatever its lists of kinds say.
SHARES = frozenset({Kind.share_request, Kind.share_answer, Kind.share_revoke})


class DistributionStatus(StrEnum):
    """EDXL-DE ``distributionStatus``: only Actual messages change what a city sees as real."""

    actual = "Actual"
    exercise = "Exercise"
    test = "Test"


class DistributionKind(StrEnum):
    """EDXL-DE ``distributionKind``."""

    report = "Report"
    update = "Update"
    cancel = "Cancel"
    request = "Request"
    response = "Response"


class PeerStatus(StrEnum):
    active = "active"
    suspended = "suspended"  # nothing sent to it, nothing accepted from it, until resumed
    removed = "removed"  # kept for the record of what was exchanged; refused like a stranger


class Direction(StrEnum):
    sent = "sent"
    received = "received"


class KeyUse(StrEnum):
    signing = "signing"  # Ed25519: signs every request this node sends
    sealing = "sealing"  # X25519: personal payloads are sealed to it


class ReportVersion(StrEnum):
    """EDXL-SitRep ``reportVersion``."""

    initial = "initial"
    update = "update"
    final = "final"


class ReportStatus(StrEnum):
    draft = "draft"  # this city's, being edited
    approved = "approved"  # this city's, ready to send (by hand or on the schedule)
    sent = "sent"  # this city's, sent to its peers
    received = "received"  # a partner city's


class ShareState(StrEnum):
    """A person handed over to a partner city (docs/network.md, "People between cities")."""

    pending = "pending"  # sent, not answered: the sender still holds the person
    accepted = "accepted"  # the receiver has the person in its registry now
    rejected = "rejected"  # the receiver said no (the reason says why)
    revoked = "revoked"  # the sender took it back while it was pending


OPEN_SHARES = frozenset({ShareState.pending, ShareState.accepted})  # one per person
