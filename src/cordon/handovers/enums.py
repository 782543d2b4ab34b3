from enum import StrEnum


class HandoverStatus(StrEnum):
    open = "open"  # sent, not yet taken up by the receiving unit
    accepted = "accepted"  # the receiving unit is reaching the contact
    completed = "completed"  # reached; the outcome says what was done
    declined = "declined"  # the receiving unit says it is not theirs (the reason says why)
    cancelled = "cancelled"  # withdrawn by the sender before it was taken up


# Which answers each status admits, and from which side. Policy as data: the service checks
# every transition against this table and nothing else.
RECEIVER_MOVES: dict[HandoverStatus, frozenset[HandoverStatus]] = {
    HandoverStatus.open: frozenset({HandoverStatus.accepted, HandoverStatus.declined}),
    HandoverStatus.accepted: frozenset({HandoverStatus.completed, HandoverStatus.declined}),
}
SENDER_MOVES: dict[HandoverStatus, frozenset[HandoverStatus]] = {
    HandoverStatus.open: frozenset({HandoverStatus.cancelled}),
}
PENDING = frozenset({HandoverStatus.open, HandoverStatus.accepted})
