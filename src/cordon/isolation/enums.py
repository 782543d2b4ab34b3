from enum import StrEnum


class Place(StrEnum):
    """Where a person is isolated."""

    facility = "facility"  # centralised: hospital, military camp, hotel, field hospital
    home = "home"  # at home, supervised by the ward health unit
    monitoring = "monitoring"  # at home after isolation, reporting daily


class OrderStatus(StrEnum):
    proposed = "proposed"  # made from the regime; an officer confirms, changes or declines it
    confirmed = "confirmed"  # in force: the person is isolated (or monitored) there
    declined = "declined"  # an officer said no (with a reason)
    replaced = "replaced"  # a later order took its place (a change of place, a new tier)
    ended = "ended"  # stopped early: the person became a confirmed case, or the tier fell away
    released = "released"  # the period is over and an officer approved the release


# Orders that hold a bed or a person's place: at most one per person.
OPEN = frozenset({OrderStatus.proposed, OrderStatus.confirmed})


class TaskStatus(StrEnum):
    scheduled = "scheduled"
    done = "done"
    cancelled = "cancelled"
