"""End to end on each channel: enqueue in a transaction, the worker delivers to local servers
(an SMS centre speaking SMPP, an SMTP server, a webhook), failures retried with back-off or
failed for good, and bad input refused by field, adding nothing."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.core.errors import InvalidInput
from cordon.outbox import service
from cordon.outbox.channels import signature
from cordon.outbox.enums import MessageStatus
from cordon.outbox.models import OutboxMessage
from cordon.outbox.worker import Worker

from .conftest import SECRET, Configure, Hook, Inbox
from .smsc import FakeSmsc

PHONE = "0912 345 678"
ORDER = {"place": "Khách sạn Mường Thanh, Phạm Văn Đồng", "start": dt.date(2021, 7, 20)}
ORDER |= {"end": dt.date(2021, 8, 2)}


def order_sms(session: Session, key: str = "order:1:created:sms", **kw: Any) -> int:
    fields: dict[str, Any] = {
        "channel": "sms",
        "recipient": PHONE,
        "kind": "order_created",
        "params": ORDER,
        "idempotency_key": key,
    }
    return service.enqueue(session, **(fields | kw))


def row(session: Session, message_id: int) -> OutboxMessage:
    session.expire_all()
    found = session.get(OutboxMessage, message_id)
    assert found is not None
    return found


def drain(engine: Engine) -> None:
    Worker(engine).run(once=True)


def test_a_rolled_back_event_sends_nothing(
    engine: Engine, session: Session, smsc: FakeSmsc, configure: Configure
) -> None:
    configure(smsc=smsc)
    order_sms(session)
    session.rollback()
    drain(engine)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert smsc.received == []


def test_sms_is_delivered_in_vietnamese(
    engine: Engine, session: Session, smsc: FakeSmsc, configure: Configure
) -> None:
    configure(smsc=smsc)
    message_id = order_sms(session, person_id=None)
    session.commit()
    drain(engine)
    [sms] = smsc.messages()
    assert sms.destination == "84912345678"
    assert sms.text == (
        "Sở Y tế Hà Nội: Ông/Bà thực hiện cách ly y tế tại Khách sạn Mường Thanh, Phạm Văn "
        "Đồng từ 20/07/2021 đến hết 02/08/2021. Đề nghị chấp hành nghiêm và khai báo y tế "
        "hằng ngày."
    )
    assert sms.parts == 3
    assert {s.data_coding for s in smsc.received} == {0x08}  # UCS-2
    assert sms.reference == message_id
    sent = row(session, message_id)
    assert (sent.status, sent.attempts, sent.last_error) == (MessageStatus.sent, 1, None)
    assert sent.provider_id == "m1,m2,m3"
    assert sent.sent_at is not None


def test_email_is_delivered_with_a_stable_message_id(
    engine: Engine, session: Session, smtpd: Inbox, configure: Configure
) -> None:
    configure(smtpd=smtpd)
    message_id = service.enqueue(
        session,
        channel="email",
        recipient="lan.nguyen@example.vn",
        kind="release",
        params={"date": dt.date(2021, 8, 3)},
        idempotency_key="order:1:release:email",
    )
    session.commit()
    drain(engine)
    [mail] = smtpd.mails
    assert mail["To"] == "lan.nguyen@example.vn"
    assert mail["Subject"] == "Kết thúc cách ly y tế"
    assert "kết thúc cách ly y tế từ ngày 03/08/2021" in mail.get_content()
    assert mail["Message-ID"] == row(session, message_id).provider_id
    assert mail["Message-ID"].endswith("@soytehanoi.example>")


def test_webhook_is_delivered_signed_with_its_idempotency_key(
    engine: Engine, session: Session, webhook: Hook, configure: Configure
) -> None:
    configure(webhook=webhook)
    message_id = service.enqueue(
        session,
        channel="webhook",
        recipient="ward:00004",
        kind="flag_raised",
        params={"flag": "missed_report", "record": "P-17"},
        idempotency_key="flag:99:sms",
        language="en",
    )
    session.commit()
    drain(engine)
    [(headers, body)] = webhook.calls
    assert headers["idempotency-key"] == "flag:99:sms"
    expected = signature(SECRET.encode(), headers["x-cordon-timestamp"], body)
    assert hmac.compare_digest(headers["x-cordon-signature"], expected)
    [payload] = webhook.bodies()
    assert payload["recipient"] == "ward:00004"
    assert payload["subject"] == "Isolation alert: record P-17"
    assert "Record P-17 has a missed daily report." in payload["text"]
    assert row(session, message_id).provider_id == "w1"


def test_the_same_idempotency_key_twice_is_one_message(
    engine: Engine, session: Session, smsc: FakeSmsc, configure: Configure
) -> None:
    configure(smsc=smsc)
    first = order_sms(session)
    session.commit()
    assert order_sms(session) == first  # the same event again, say a retried request
    session.commit()
    drain(engine)
    assert order_sms(session) == first  # even after it was sent
    session.commit()
    drain(engine)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert len(smsc.messages()) == 1


def test_a_server_down_is_retried_with_back_off_then_delivered(
    engine: Engine, session: Session, configure: Configure
) -> None:
    smsc = FakeSmsc()
    smsc.port = 1  # nothing listens there yet
    configure(smsc=smsc, outbox_backoff_seconds=0.3)
    message_id = order_sms(session)
    session.commit()
    drain(engine)
    waiting = row(session, message_id)
    assert (waiting.status, waiting.attempts) == (MessageStatus.queued, 1)
    assert waiting.last_error == "SMS centre unreachable"
    assert waiting.next_attempt_at > waiting.updated_at + dt.timedelta(seconds=0.25)
    drain(engine)  # not due yet: nothing is tried
    assert row(session, message_id).attempts == 1
    smsc.start()
    configure(smsc=smsc, outbox_backoff_seconds=0.3)
    time.sleep(0.35)
    drain(engine)
    try:
        sent = row(session, message_id)
        assert (sent.status, sent.attempts, sent.last_error) == (MessageStatus.sent, 2, None)
        assert len(smsc.messages()) == 1
    finally:
        smsc.stop()


def test_out_of_attempts_is_failed(engine: Engine, session: Session, configure: Configure) -> None:
    down = FakeSmsc(port=1)
    configure(smsc=down, outbox_backoff_seconds=0.01, outbox_max_attempts=3)
    message_id = order_sms(session)
    session.commit()
    for _ in range(4):
        drain(engine)
        time.sleep(0.05)
    failed = row(session, message_id)
    assert (failed.status, failed.attempts) == (MessageStatus.failed, 3)
    assert failed.last_error == "SMS centre unreachable"


def test_refusals_fail_at_once_with_the_reason(
    engine: Engine,
    session: Session,
    smsc: FakeSmsc,
    smtpd: Inbox,
    webhook: Hook,
    configure: Configure,
) -> None:
    configure(smsc=smsc, smtpd=smtpd, webhook=webhook)
    smsc.answer_status = 0x0B  # invalid destination address
    smtpd.refuse.add("nobody@example.vn")
    webhook.status = 410
    sms = order_sms(session)
    mail = service.enqueue(
        session,
        channel="email",
        recipient="nobody@example.vn",
        kind="report_link",
        params={"link": "https://c.example/r/1"},
        idempotency_key="link:1:email",
    )
    hook = service.enqueue(
        session,
        channel="webhook",
        recipient="zalo:123",
        kind="report_link",
        params={"link": "https://c.example/r/1"},
        idempotency_key="link:1:webhook",
    )
    session.commit()
    drain(engine)
    reasons = {m: (row(session, m).status, row(session, m).last_error) for m in (sms, mail, hook)}
    assert reasons == {
        sms: (MessageStatus.failed, "SMS centre answered 0x0000000b (Invalid Destination Address)"),
        mail: (MessageStatus.failed, "mail server refused the recipient (550)"),
        hook: (MessageStatus.failed, "webhook answered HTTP 410"),
    }


def test_a_channel_not_configured_keeps_its_messages_queued(
    engine: Engine, session: Session, smsc: FakeSmsc, configure: Configure
) -> None:
    configure(smsc=smsc)  # no SMTP server
    mail = service.enqueue(
        session,
        channel="email",
        recipient="lan@example.vn",
        kind="release",
        params={"date": dt.date(2021, 8, 3)},
        idempotency_key="release:1:email",
    )
    session.commit()
    drain(engine)
    waiting = row(session, mail)
    assert (waiting.status, waiting.attempts) == (MessageStatus.queued, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": "12"}, "recipient"),
        ({"channel": "fax"}, "channel"),
        ({"kind": "birthday"}, "kind"),
        ({"language": "fr"}, "language"),
        ({"idempotency_key": " "}, "idempotency_key"),
        ({"params": {"place": "X", "start": dt.date(2021, 7, 20)}}, "params.end"),
        ({"params": ORDER | {"ward": "1"}}, "params.ward"),
        ({"params": ORDER | {"place": "  "}}, "params.place"),
        ({"channel": "email"}, "recipient"),
    ],
)
def test_bad_input_names_the_field_and_adds_nothing(
    session: Session, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        order_sms(session, **change)
    assert [p.field for p in raised.value.problems] == [field]
    assert "912" not in str(raised.value)  # never the number itself
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_flag_must_be_a_known_one(session: Session) -> None:
    with pytest.raises(InvalidInput) as raised:
        service.enqueue(
            session,
            channel="sms",
            recipient=PHONE,
            kind="flag_raised",
            params={"flag": "covid positive", "record": "P-1"},
            idempotency_key="flag:1",
        )
    assert raised.value.problems[0].field == "params.flag"


def test_no_number_and_no_text_in_the_logs(
    engine: Engine,
    session: Session,
    smsc: FakeSmsc,
    configure: Configure,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure(smsc=smsc)
    order_sms(session)
    order_sms(session, key="order:2:created:sms", recipient="0912 000 111")
    session.commit()
    smsc.answer_status = 0x58  # throttled: tried again later
    with caplog.at_level(logging.DEBUG):
        drain(engine)
        smsc.answer_status = 0
        time.sleep(0.25)
        drain(engine)
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "will be tried again" in logged
    for secret in ("912345678", "912000111", "Mường", "M\\x00", "cách ly"):
        assert secret not in logged
    assert len(smsc.messages()) == 2
