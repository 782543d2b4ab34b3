from enum import StrEnum


class Channel(StrEnum):
    sms = "sms"  # SMPP to the SMS centre; recipient: a phone number
    email = "email"  # SMTP; recipient: an e-mail address
    webhook = "webhook"  # HTTP POST to the city's own system; recipient: an id it knows
    network = "network"  # a signed envelope to a partner city's node; recipient: its node id


# Channels whose messages reach each recipient in the order they were written: a later
# message waits while an earlier one to the same recipient is still to be delivered.
IN_ORDER = frozenset({Channel.network})


class Language(StrEnum):
    vi = "vi"
    en = "en"


class MessageKind(StrEnum):
    """What a message says; each kind is a template in every language (templates/*.toml)."""

    order_created = "order_created"  # an isolation order: place, start, end
    report_link = "report_link"  # the link to today's self-report form
    flag_raised = "flag_raised"  # to the ward health worker: which flag, whose record
    release = "release"  # released from isolation on a date
    warning_received = "warning_received"  # to officers: a partner city's early warning
    warning_cancelled = "warning_cancelled"  # to officers: a partner city cancelled one
    envelope = "envelope"  # the network's: a machine-readable envelope, no template


TEMPLATED = tuple(kind for kind in MessageKind if kind is not MessageKind.envelope)


class MessageStatus(StrEnum):
    queued = "queued"  # waiting for its next attempt (``next_attempt_at``)
    sending = "sending"  # claimed by a worker until ``next_attempt_at`` (its lease)
    sent = "sent"  # accepted by the SMS centre, the mail server or the webhook
    failed = "failed"  # refused for good, or out of attempts: ``last_error`` says why


# Flags a ward health worker is told about (isolation, issue 5): the SMS names the flag,
# never a reading or a diagnosis. Their words are in the template files.
FLAGS = ("missed_report", "fever", "symptoms", "positive_test")  # monitoring.enums.FlagKind
