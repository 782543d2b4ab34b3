"""``cordon demo live-outbreak``: an outbreak going on today, played through the real services,
with work waiting for every demo account — through the real command line and database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cordon.access.models import User
from cordon.cli.main import app
from cordon.core import rulesets
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.db import new_session
from cordon.facilities.models import Facility
from cordon.geography.models import AdminUnit
from cordon.handovers.models import Handover
from cordon.isolation import regimes
from cordon.isolation.enums import OrderStatus, Place, TaskStatus
from cordon.isolation.models import IsolationOrder, LabTask
from cordon.monitoring.enums import FlagKind, FlagStatus
from cordon.monitoring.models import Flag
from cordon.outbox.models import OutboxMessage
from cordon.public.figures import dashboard, rt_windows

runner = CliRunner()


def _text(output: str) -> str:
    return " ".join(output.split())


@pytest.fixture
def city_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Where the demo writes the city's regime file; the settings put back afterwards."""
    monkeypatch.setattr(get_settings(), "regime_file", None)
    rulesets.clear()
    yield tmp_path / "demo-city" / "regimes.toml"
    rulesets.clear()


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _ward(session: Session, code: str) -> int:
    found = session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    assert found is not None
    return found


def _work_is_waiting(s: Session) -> None:
    now = today()
    phuc_xa = _ward(s, "00001")
    orders = select(IsolationOrder.id)
    proposed = orders.where(IsolationOrder.status == OrderStatus.proposed)
    assert _count(s, proposed.where(IsolationOrder.ward_id == phuc_xa)) >= 1  # for phucxa
    held = orders.where(
        IsolationOrder.status == OrderStatus.confirmed, IsolationOrder.place == Place.facility
    )
    assert _count(s, held) >= 10
    hotel = s.scalar(select(Facility).where(Facility.code == "DEMO-KS-HONGHA"))
    manager = s.scalar(select(User.id).where(User.username == "facility"))
    assert hotel is not None
    assert hotel.manager_user_id == manager
    assert hotel.booked > 0
    flags = {
        f.kind
        for f in s.scalars(
            select(Flag).where(Flag.status == FlagStatus.open, Flag.ward_id == phuc_xa)
        )
    }
    assert {FlagKind.fever, FlagKind.missed_report} <= flags
    handover = s.scalar(select(Handover))
    assert handover is not None
    assert handover.to_unit_id == _ward(s, "00040")  # Đồng Xuân
    due = select(LabTask.id).where(LabTask.status == TaskStatus.scheduled, LabTask.due_on <= now)
    assert _count(s, due) >= 1  # samples for the laboratory
    assert _count(s, select(OutboxMessage.id)) > 0  # the SMS of the orders, queued
    board = dashboard(s, on=now)
    assert board.city.last_case_on == now
    assert board.city.last_7 > 0
    assert board.in_isolation > 0
    new = [d for d, n in zip(board.days, board.series["community"], strict=True) if n]
    assert new[-1] == now
    assert len([d for d in new if (now - d).days < 28]) >= 5
    assert regimes.get_regimes().in_force(now).id.startswith("hn-outbreak-")
    reliable = [w for w in rt_windows(board) if w.reliable]
    assert reliable
    assert reliable[-1].end == now  # the headline Rt is this week's


def test_live_outbreak_leaves_work_for_every_role_and_loads_once(
    engine: Engine, city_file: Path
) -> None:
    assert runner.invoke(app, ["demo", "vietnam-2020"]).exit_code == 0
    first = runner.invoke(app, ["demo", "live-outbreak", "--regime-file", str(city_file)])
    assert first.exit_code == 0, first.output
    start = today() - dt.timedelta(days=24)
    assert "Wrote the city's regime file" in _text(first.output)
    assert f"effective_from = {start}" in city_file.read_text(encoding="utf-8")
    assert "Played the live outbreak" in _text(first.output)
    with new_session(engine) as s:
        _work_is_waiting(s)
        people = _count(s, select(IsolationOrder.id))
    again = runner.invoke(app, ["demo", "live-outbreak", "--regime-file", str(city_file)])
    assert again.exit_code == 0, again.output
    assert "already loaded" in _text(again.output)
    with new_session(engine) as s:
        assert _count(s, select(IsolationOrder.id)) == people


def test_a_city_file_that_isolates_no_f1_is_refused(engine: Engine, city_file: Path) -> None:
    city_file.parent.mkdir(parents=True)
    city_file.write_text(regimes.BUILT_IN.read_text(encoding="utf-8"), encoding="utf-8")
    refused = runner.invoke(app, ["demo", "live-outbreak", "--regime-file", str(city_file)])
    assert refused.exit_code == 1
    assert "isolates no F1" in _text(refused.output)
    with new_session(engine) as s:
        assert s.scalar(select(func.count(Facility.id))) == 0


def test_the_public_page_says_its_period_and_the_2020_cases_without_outcome(
    engine: Engine, anonymous: TestClient
) -> None:
    """The 2020 data set ends on 8 May 2020 with 39 patients still positive, 15 of them
    reported by Hanoi: today they are records without an outcome, and the page says so."""
    assert runner.invoke(app, ["demo", "vietnam-2020"]).exit_code == 0
    page = anonymous.get("/public", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = _text(re.sub(r"<[^>]+>", " ", page.text))
    assert "These figures cover the cases confirmed from Mar 6, 2020 to " in text
    assert "with no outcome recorded since: 15 —" in text
    then = anonymous.get("/public", params={"on": "2020-05-08"}, headers={"Accept-Language": "en"})
    # on 8 May 2020 only BN19, confirmed on 7 March, had been in hospital so long
    assert "with no outcome recorded since: 1 —" in _text(re.sub(r"<[^>]+>", " ", then.text))
