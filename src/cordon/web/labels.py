"""Words the templates show from data (statuses, settings …): listed here so that the
catalogue extraction finds them (``_(c.status.value)`` alone names no message). Templates
write ``label(value)``: the value's words (``SPOKEN`` for values that are not words) in the
user's language."""

from __future__ import annotations

from cordon.core.errors import N_

LABELS = (
    # case statuses
    N_("suspected"),
    N_("confirmed"),
    N_("recovered"),
    N_("died"),
    N_("discarded"),
    # exposure settings
    N_("household"),
    N_("workplace"),
    N_("school"),
    N_("hospital"),
    N_("venue"),
    N_("transport"),
    N_("other"),
    # handover statuses
    N_("open"),
    N_("accepted"),
    N_("completed"),
    N_("declined"),
    N_("cancelled"),
    # import jobs and their stages
    N_("running"),
    N_("done"),
    N_("failed"),
    N_("queued"),
    N_("reading"),
    N_("validating"),
    N_("checking"),
    N_("writing people"),
    N_("writing cases"),
    N_("writing exposures"),
    # case classifications
    N_("imported"),
    N_("community"),
    N_("in quarantine"),
    # lab tests: methods and results
    N_("PCR"),
    N_("rapid antigen"),
    N_("antibody"),
    N_("pending"),
    N_("positive"),
    N_("negative"),
    N_("inconclusive"),
    # closeness of a contact
    N_("close"),
    N_("casual"),
    # sex
    N_("male"),
    N_("female"),
    N_("unknown"),
    # cluster kinds (household and other above)
    N_("place"),
    N_("event"),
    N_("flight"),
    # reaching a contact: how, and what came of it
    N_("phone"),
    N_("visit"),
    N_("message"),
    N_("reached"),
    N_("no answer"),
    N_("wrong number"),
    N_("refused"),
    N_("moved away"),
    # symptoms of a daily report (fever is above)
    N_("cough"),
    N_("sore throat"),
    N_("shortness of breath"),
    N_("loss of smell or taste"),
    N_("fatigue"),
    N_("muscle ache"),
    N_("runny nose"),
    N_("diarrhoea"),
    # monitoring flags
    N_("missed report"),
    N_("fever"),
    N_("symptoms"),
    N_("positive test"),
    # isolation orders: statuses and places
    N_("proposed"),
    N_("replaced"),
    N_("ended"),
    N_("released"),
    N_("facility"),
    N_("home"),
    N_("monitoring"),
    # how a case was found (the investigation; symptoms, in quarantine and other above)
    N_("contact tracing"),
    N_("entry screening"),
    N_("community screening"),
    # underlying conditions
    N_("diabetes"),
    N_("hypertension"),
    N_("heart disease"),
    N_("lung disease"),
    N_("kidney disease"),
    N_("liver disease"),
    N_("cancer"),
    N_("weakened immunity"),
    N_("obesity"),
    N_("pregnancy"),
    # who sent a daily report (household above)
    N_("the person"),
    N_("health worker"),
)
# Values whose message is not the value itself.
SPOKEN = {
    "in_quarantine": "in quarantine",
    "pcr": "PCR",
    "rapid_antigen": "rapid antigen",
    "no_answer": "no answer",
    "wrong_number": "wrong number",
    "moved_away": "moved away",
    "missed_report": "missed report",
    "positive_test": "positive test",
    "sore_throat": "sore throat",
    "shortness_of_breath": "shortness of breath",
    "loss_of_smell_or_taste": "loss of smell or taste",
    "muscle_ache": "muscle ache",
    "runny_nose": "runny nose",
    "contact_tracing": "contact tracing",
    "entry_screening": "entry screening",
    "community_screening": "community screening",
    "heart_disease": "heart disease",
    "lung_disease": "lung disease",
    "kidney_disease": "kidney disease",
    "liver_disease": "liver disease",
    "immunosuppressed": "weakened immunity",
    "self": "the person",
    "worker": "health worker",
}


def words(value: object) -> str:
    """The message of a value shown from data (an enum member or its value)."""
    text = str(getattr(value, "value", value))
    return SPOKEN.get(text, text)
