from enum import StrEnum


class Place(StrEnum):
    """Where a person is isolated."""

    facility = "facility"  # centralised: hospital, military camp, hotel, field hospital
    home = "home"  # at home, supervised by the ward health unit
    monitoring = "monitoring"  # at home after isolation, reporting daily
