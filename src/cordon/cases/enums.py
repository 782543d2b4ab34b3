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


class HowFound(StrEnum):
    """How the case came to the response's attention (the investigation form asks it)."""

    contact_tracing = "contact_tracing"  # traced as a contact of a known case
    in_quarantine = "in_quarantine"  # tested while already isolated
    symptoms = "symptoms"  # came forward with symptoms (clinic, hotline, hospital)
    entry_screening = "entry_screening"  # tested on arrival from abroad or another province
    community_screening = "community_screening"  # mass testing of an area or workplace
    other = "other"


class Condition(StrEnum):
    """Underlying conditions that raise the risk of severe COVID-19."""

    diabetes = "diabetes"
    hypertension = "hypertension"
    heart_disease = "heart_disease"
    lung_disease = "lung_disease"
    kidney_disease = "kidney_disease"
    liver_disease = "liver_disease"
    cancer = "cancer"
    immunosuppressed = "immunosuppressed"
    obesity = "obesity"
    pregnancy = "pregnancy"
    other = "other"


class Symptom(StrEnum):
    """The symptoms of COVID-19 that a case's investigation records and a daily report of a
    person in isolation can tick (the Ministry of Health's health declaration)."""

    fever = "fever"
    cough = "cough"
    sore_throat = "sore_throat"
    shortness_of_breath = "shortness_of_breath"
    loss_of_smell_or_taste = "loss_of_smell_or_taste"
    fatigue = "fatigue"
    muscle_ache = "muscle_ache"
    runny_nose = "runny_nose"
    diarrhoea = "diarrhoea"
