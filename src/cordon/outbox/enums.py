from enum import StrEnum


class Channel(StrEnum):
    sms = "sms"  # SMPP to the SMS centre; recipient: a phone number
    email = "email"  # SMTP; recipient: an e-mail address
    webhook = "webhook"  # HTTP POST to the city's own system; recipient: an id it knows


class Language(StrEnum):
    vi = "vi"
    en = "en"


class MessageKind(StrEnum):
    """What a message says; each kind is a template in every language (templates/*.toml)."""

    order_created = "order_created"  # an isolation order: place, start, end
    report_link = "report_link"  # the link to today's self-report form
    flag_raised = "flag_raised"  # to the ward health worker: which flag, whose record
    release = "release"  # released from isolation on a date


class MessageStatus(StrEnum):
    queued = "queued"  # waiting for its next attempt (``next_attempt_at``)
    sending = "sending"  # claimed by a worker until ``next_attempt_at`` (its lease)
    sent = "sent"  # accepted by the SMS centre, the mail server or the webhook
    failed = "failed"  # refused for good, or out of attempts: ``last_error`` says why


# Flags a ward health worker is told about (isolation, issue 5): the SMS names the flag,
# never a reading or a diagnosis. Their words are in the template files.
FLAGS = ("missed_report", "fever", "symptoms", "positive_test")  # monitoring.enums.FlagKind
