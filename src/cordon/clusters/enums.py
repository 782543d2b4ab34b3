from enum import StrEnum


class ClusterKind(StrEnum):
    place = "place"  # a hospital, a village, a market
    event = "event"  # a bar night, a wedding, a religious service
    flight = "flight"
    household = "household"
    other = "other"
