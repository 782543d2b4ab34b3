from enum import StrEnum


class CaseStatus(StrEnum):
    suspected = "suspected"
    confirmed = "confirmed"
    recovered = "recovered"
    died = "died"
    discarded = "discarded"


class Classification(StrEnum):
    """Where the infection came from: only community cases count as community spread."""

    imported = "imported"
    community = "community"
    in_quarantine = "in_quarantine"  # found while already isolated


class TestMethod(StrEnum):
    __test__ = False
    pcr = "pcr"
    rapid_antigen = "rapid_antigen"
    antibody = "antibody"


class TestResult(StrEnum):
    __test__ = False
    pending = "pending"
    positive = "positive"
    negative = "negative"
    inconclusive = "inconclusive"


class SourceKind(StrEnum):
    """What infected a case: another case, a country (imported), a cluster, or unknown."""

    case = "case"
    country = "country"
    cluster = "cluster"
    unknown = "unknown"


# Statuses in which a person is an F0 for tracing.
F0_STATUSES = frozenset({CaseStatus.confirmed, CaseStatus.recovered, CaseStatus.died})
