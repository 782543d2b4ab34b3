"""Seeing the outbox: ``GET /api/v1/outbox`` (city level, no text, recipients masked) and
``cordon outbox status``."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import SignIn
from cordon.cli.main import app
from cordon.outbox import service

from .conftest import Configure


def _enqueue(session: Session) -> None:
    service.enqueue(
        session,
        channel="sms",
        recipient="0912 345 678",
        kind="release",
        params={"date": dt.date(2021, 8, 3)},
        idempotency_key="release:1:sms",
    )
    service.enqueue(
        session,
        channel="email",
        recipient="lan.nguyen@example.vn",
        kind="release",
        params={"date": dt.date(2021, 8, 3)},
        idempotency_key="release:1:email",
    )
    session.commit()


def test_city_operators_see_the_outbox_without_texts(client: TestClient, hanoi: Session) -> None:
    _enqueue(hanoi)
    page = client.get("/api/v1/outbox", params={"channel": "sms"})
    assert page.status_code == 200, page.text
    [item] = page.json()["items"]
    assert item["recipient"] == "•••••••••678"
    assert item["status"] == "queued"
    assert "body" not in item
    assert "912345" not in page.text
    assert "Sở Y tế" not in page.text
    everything = client.get("/api/v1/outbox").json()
    assert everything["total"] == 2
    assert everything["items"][0]["recipient"] == "l•••@example.vn"


def test_others_may_not_see_it(anonymous: TestClient, hanoi: Session, sign_in: SignIn) -> None:
    ward = anonymous.get("/api/v1/outbox", headers=sign_in("ward_worker", "00004"))
    assert ward.status_code == 403
    assert anonymous.get("/api/v1/outbox").status_code == 401


def test_bad_filters_name_the_field(client: TestClient) -> None:
    answer = client.get("/api/v1/outbox", params={"status": "lost"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"].startswith("status")


def test_status_counts_by_channel(session: Session, configure: Configure) -> None:
    configure()  # nothing configured
    _enqueue(session)
    result = CliRunner().invoke(app, ["outbox", "status"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.output.splitlines() if "│" in line[:2]}
    assert "no: messages wait" in lines["sms"]
    assert lines["sms"].split("│")[3].strip() == "1"  # queued
