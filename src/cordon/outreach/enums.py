from enum import StrEnum


class Channel(StrEnum):
    """How the tracer tried to reach the contact."""

    phone = "phone"
    visit = "visit"  # at home, by the ward health station or the residential group
    message = "message"  # SMS, Zalo: counts as reached only when the person answers


class Outcome(StrEnum):
    reached = "reached"  # told of the exposure and what to do (isolate, test, report)
    no_answer = "no_answer"
    wrong_number = "wrong_number"
    refused = "refused"  # reached but would not cooperate: the ward follows up in person
    moved_away = "moved_away"  # no longer at this address: hand over or correct the ward


# Outcomes after which the contact is no longer waiting to be reached (until their tier moves).
DONE = frozenset({Outcome.reached, Outcome.refused})
