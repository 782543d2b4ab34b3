"""The daily report on a schedule: from the city's time of day, the worker sends the day's
report once an officer has approved it — once, and never a draft or a report sent by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cordon.core.dates import today
from cordon.network.models import SituationReport
from cordon.network.sitrep_schedule import send_scheduled
from cordon.outbox.enums import Channel
from cordon.outbox.models import OutboxMessage
from cordon.outbox.worker import Worker
from networkkit import Partner

URL = "/api/v1/network/sitreps"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _approved(client: TestClient) -> int:
    draft = client.post(URL, json={}).json()
    approved = client.post(f"{URL}/{draft['id']}/approve", json={"version": draft["version"]})
    assert approved.status_code == 200, approved.text
    return int(draft["id"])


def _envelopes(session: Session) -> int:
    session.expire_all()
    query = select(func.count()).select_from(OutboxMessage)
    return int(session.scalar(query.where(OutboxMessage.channel == Channel.network)) or 0)


def _local(hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(today(), dt.time(hour, minute), tzinfo=HANOI)


def test_the_schedule_is_set_read_and_turned_off(client: TestClient, seoul: Partner) -> None:
    assert client.get(f"{URL}/schedule").json() == {"daily_at": None}
    assert client.put(f"{URL}/schedule", json={"daily_at": "17:00"}).json() == {
        "daily_at": "17:00:00"
    }
    assert client.get(f"{URL}/schedule").json() == {"daily_at": "17:00:00"}
    wrong = client.put(f"{URL}/schedule", json={"daily_at": "25:00"})
    assert wrong.status_code == 422
    assert "daily_at" in wrong.text
    assert client.put(f"{URL}/schedule", json={"daily_at": None}).json() == {"daily_at": None}


def test_the_approved_report_goes_at_its_time_once(
    client: TestClient, hanoi: Session, seoul: Partner
) -> None:
    client.put(f"{URL}/schedule", json={"daily_at": "17:00"})
    draft = client.post(URL, json={}).json()
    hanoi.expire_all()
    assert send_scheduled(hanoi, at=_local(18, 0)) == 0  # a draft waits for its officer
    report_id = _approved(client)
    hanoi.expire_all()
    assert send_scheduled(hanoi, at=_local(16, 59)) == 0  # not yet
    assert send_scheduled(hanoi, at=_local(17, 0)) == 1  # one copy: Seoul
    hanoi.commit()
    assert send_scheduled(hanoi, at=_local(17, 1)) == 0  # sent once
    assert client.get(f"{URL}/{report_id}").json()["status"] == "sent"
    assert client.get(f"{URL}/{draft['id']}").json()["status"] == "draft"
    assert _envelopes(hanoi) == 1


def test_a_report_sent_by_hand_is_not_sent_again(
    client: TestClient, hanoi: Session, seoul: Partner
) -> None:
    client.put(f"{URL}/schedule", json={"daily_at": "00:00"})
    report_id = _approved(client)
    version = client.get(f"{URL}/{report_id}").json()["version"]
    assert client.post(f"{URL}/{report_id}/send", json={"version": version}).status_code == 202
    hanoi.expire_all()
    assert send_scheduled(hanoi, at=_local(18, 0)) == 0
    assert _envelopes(hanoi) == 1


def test_the_worker_sends_it_on_its_rounds(
    client: TestClient, engine: Engine, hanoi: Session, seoul: Partner
) -> None:
    client.put(f"{URL}/schedule", json={"daily_at": "00:00"})  # due all day
    report_id = _approved(client)
    Worker(engine, senders={}).run(once=True)
    hanoi.expire_all()
    row = hanoi.get(SituationReport, report_id)
    assert row is not None
    assert row.status.value == "sent"
    assert _envelopes(hanoi) == 1
