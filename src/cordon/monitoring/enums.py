from enum import StrEnum


class Reporter(StrEnum):
    self = "self"  # the person, through their link
    household = "household"  # the household head, for a dependent
    worker = "worker"  # a ward health worker, taken by phone or at the door


class FlagKind(StrEnum):
    missed_report = "missed_report"  # no report in 24 hours
    fever = "fever"  # a temperature of 37.5 °C or more
    symptoms = "symptoms"  # two or more symptoms
    positive_test = "positive_test"


class FlagStatus(StrEnum):
    open = "open"
    closed = "closed"
