"""The three ways a message leaves Cordon: SMS over SMPP, e-mail over SMTP, an HTTP webhook.

A sender delivers one message and returns the provider's id for it, or raises
``DeliveryError`` — *transient* (try again later) or *permanent* (never will work). Reasons
name the server's answer, never the recipient or the text. Each message carries its
idempotency key to the receiver (ADR 0010): the SMPP ``user_message_reference``, the e-mail's
``Message-ID``, the webhook's ``Idempotency-Key`` header.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

import httpx
import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm

from cordon.core.config import Settings
from cordon.outbox.enums import Channel

# smpplib logs every PDU in hex at DEBUG: phone numbers and texts. Its logger never goes
# below WARNING, whatever the application's logging says.
SMPP_LOGGER = "cordon.outbox.smpp"
logging.getLogger(SMPP_LOGGER).setLevel(logging.WARNING)


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of a message."""

    id: int
    key: str
    recipient: str
    language: str
    kind: str
    subject: str | None
    body: str


class Sender(Protocol):
    def send(self, message: Outgoing) -> str | None: ...

    def close(self) -> None: ...


# Channels whose sender another feature provides (the network's, installed by
# ``cordon.wiring``): a factory that returns None while the channel cannot send.
SenderFactory = Callable[[Settings], "Sender | None"]
_installed: dict[Channel, SenderFactory] = {}


def install_sender(channel: Channel, factory: SenderFactory) -> None:
    _installed[channel] = factory


def configured(settings: Settings) -> dict[Channel, Sender]:
    """A sender for each channel the settings configure; messages of the others wait."""
    senders: dict[Channel, Sender] = {}
    for channel, factory in _installed.items():
        if (sender := factory(settings)) is not None:
            senders[channel] = sender
    if settings.smpp_host:
        senders[Channel.sms] = SmppSender(settings)
    if settings.smtp_host:
        senders[Channel.email] = SmtpSender(settings)
    if settings.webhook_url and settings.webhook_secret:
        senders[Channel.webhook] = WebhookSender(settings)
    return senders


def is_configured(settings: Settings, channel: Channel) -> bool:
    return {
        Channel.sms: bool(settings.smpp_host),
        Channel.email: bool(settings.smtp_host),
        Channel.webhook: bool(settings.webhook_url and settings.webhook_secret),
        Channel.network: Channel.network in _installed,
    }[channel]


# -- SMS ----------------------------------------------------------------------------------

GSM_7BIT, UCS2 = 0x00, 0x08
UDHI = 0x40  # esm_class: the text starts with a user data header (a part of a long SMS)
# Answers of an SMS centre that say "not now": anything else refuses the message for good.
SMPP_TRANSIENT = frozenset({0x08, 0x14, 0x45, 0x58, 0x64})


def segments(text: str, ref: int) -> tuple[list[bytes], int, int]:
    """The text as SMS parts: GSM 7-bit when it can be (160 characters, 153 a part), else
    UCS-2 (70, 67 a part), with a concatenation header (reference ``ref``) when long.
    Returns (parts, data_coding, esm_class)."""
    try:
        encoded, coding, single, size = smpplib.gsm.gsm_encode(text), GSM_7BIT, 160, 153
    except (UnicodeError, ValueError):
        encoded, coding, single, size = text.encode("utf-16-be"), UCS2, 140, 134
    if len(encoded) <= single:
        return [encoded], coding, 0
    chunks: list[bytes] = []
    while encoded:
        cut = min(size, len(encoded))
        if coding == GSM_7BIT and encoded[cut - 1] == 0x1B:  # never split an escape
            cut -= 1
        if coding == UCS2 and cut < len(encoded) and 0xD8 <= encoded[cut - 2] <= 0xDB:
            cut -= 2  # never split a surrogate pair
        chunks.append(encoded[:cut])
        encoded = encoded[cut:]
    if len(chunks) > 255:
        raise DeliveryError("message too long for SMS (over 255 parts)", permanent=True)
    head = bytes([0x05, 0x00, 0x03, ref & 0xFF, len(chunks)])
    return [head + bytes([i]) + chunk for i, chunk in enumerate(chunks, 1)], coding, UDHI


def _smpp_reason(status: int) -> str:
    name = smpplib.consts.DESCRIPTIONS.get(status, "unknown status")
    return f"SMS centre answered 0x{status:08x} ({name})"


class SmppSender:
    """A transmitter bind to the SMS centre, kept open across messages."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: Any = None

    def _bound(self) -> Any:
        if self.client is not None:
            return self.client
        s = self.settings
        client = smpplib.client.Client(
            s.smpp_host,
            s.smpp_port,
            timeout=s.outbox_send_timeout,
            logger_name=SMPP_LOGGER,
            allow_unknown_opt_params=True,
        )
        try:
            client.connect()
            # The parts of a long SMS go out back to back: without this, Nagle's algorithm
            # holds the second until the first is acknowledged (40 ms of delayed ACK).
            client._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.bind_transmitter(
                system_id=s.smpp_system_id,
                password=s.smpp_password.get_secret_value() if s.smpp_password else "",
            )
        except smpplib.exceptions.PDUError as exc:
            client.disconnect()
            status = exc.args[1] if len(exc.args) > 1 else 0
            raise DeliveryError(f"bind refused: {_smpp_reason(status)}", permanent=False) from None
        except (smpplib.exceptions.ConnectionError, OSError):
            client.disconnect()
            raise DeliveryError("SMS centre unreachable", permanent=False) from None
        self.client = client
        return client

    def _source(self) -> dict[str, Any]:
        source = self.settings.smpp_source_addr
        if source.lstrip("+").isdigit():
            return {"source_addr_ton": 1, "source_addr_npi": 1, "source_addr": source.lstrip("+")}
        return {"source_addr_ton": 5, "source_addr_npi": 0, "source_addr": source}

    def send(self, message: Outgoing) -> str | None:
        parts, coding, esm_class = segments(message.body, message.id)
        client = self._bound()
        sequences = []
        try:
            for part in parts:  # every part on the wire, then their answers
                pdu = client.send_message(
                    **self._source(),
                    dest_addr_ton=1,
                    dest_addr_npi=1,
                    destination_addr=message.recipient.lstrip("+"),
                    short_message=part,
                    data_coding=coding,
                    esm_class=esm_class,
                    registered_delivery=0,
                    user_message_reference=message.id & 0xFFFF,
                )
                sequences.append(pdu.sequence)
            ids = [self._answer(client, sequence) for sequence in sequences]
        except (smpplib.exceptions.ConnectionError, OSError):
            self.close()
            raise DeliveryError("SMS centre unreachable or silent", permanent=False) from None
        return ",".join(ids)[:100]

    def _answer(self, client: Any, sequence: int) -> str:
        while True:
            resp = client.read_pdu()
            if resp.command == "enquire_link":
                client._enquire_link_received(resp)
                continue
            if resp.sequence != sequence:
                continue
            if resp.is_error():
                permanent = resp.status not in SMPP_TRANSIENT
                raise DeliveryError(_smpp_reason(resp.status), permanent=permanent)
            message_id = resp.message_id
            return message_id.decode() if isinstance(message_id, bytes) else str(message_id)

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        with contextlib.suppress(Exception):  # the bind may be dead already
            client.unbind()
        client.disconnect()


# -- e-mail -------------------------------------------------------------------------------


def message_id(key: str, sender: str) -> str:
    """The e-mail's Message-ID, the same on every attempt at the message."""
    domain = sender.rsplit("@", 1)[-1] or "cordon"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.conn: smtplib.SMTP | None = None

    def _connected(self) -> smtplib.SMTP:
        if self.conn is not None:
            return self.conn
        s = self.settings
        assert s.smtp_host is not None
        try:
            if s.smtp_tls == "ssl":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.outbox_send_timeout
                )
            else:
                conn = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.outbox_send_timeout)
                if s.smtp_tls == "starttls":
                    conn.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                conn.login(s.smtp_user, password)
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"mail server answered {exc.smtp_code}", permanent=False) from None
        except (smtplib.SMTPException, OSError):
            raise DeliveryError("mail server unreachable", permanent=False) from None
        self.conn = conn
        return conn

    def send(self, message: Outgoing) -> str | None:
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or ""
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message_id(message.key, self.settings.smtp_from)
        mail["Content-Language"] = message.language
        mail.set_content(message.body)
        conn = self._connected()
        try:
            conn.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            raise DeliveryError(
                f"mail server refused the recipient ({code})", permanent=code >= 500
            ) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            permanent = 500 <= exc.smtp_code < 600
            raise DeliveryError(
                f"mail server answered {exc.smtp_code}", permanent=permanent
            ) from None
        except (smtplib.SMTPException, OSError):
            self.close()
            raise DeliveryError("mail server unreachable", permanent=False) from None
        return str(mail["Message-ID"])

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()


# -- webhook ------------------------------------------------------------------------------

RETRY_HTTP = frozenset({408, 425, 429})


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """``X-Cordon-Signature``: HMAC-SHA256 of ``timestamp.body`` (docs/messages.md)."""
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class WebhookSender:
    def __init__(self, settings: Settings) -> None:
        assert settings.webhook_url
        assert settings.webhook_secret
        self.url = settings.webhook_url
        self.secret = settings.webhook_secret.get_secret_value().encode()
        self.http = httpx.Client(timeout=settings.outbox_send_timeout)

    def send(self, message: Outgoing) -> str | None:
        body = json.dumps(
            {
                "id": message.id,
                "idempotency_key": message.key,
                "kind": message.kind,
                "language": message.language,
                "recipient": message.recipient,
                "subject": message.subject,
                "text": message.body,
            },
            ensure_ascii=False,
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
            "X-Cordon-Timestamp": timestamp,
            "X-Cordon-Signature": signature(self.secret, timestamp, body),
        }
        try:
            answer = self.http.post(self.url, content=body, headers=headers)
        except httpx.HTTPError:
            raise DeliveryError("webhook unreachable or silent", permanent=False) from None
        code = answer.status_code
        if 200 <= code < 300:
            return str(answer.headers["X-Message-Id"]) if "X-Message-Id" in answer.headers else None
        permanent = 400 <= code < 500 and code not in RETRY_HTTP
        raise DeliveryError(f"webhook answered HTTP {code}", permanent=permanent)

    def close(self) -> None:
        self.http.close()
