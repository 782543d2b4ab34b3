"""Scenario runs through the API: a tiny scenario posted as JSON or as TOML runs in the
background and ends with its figures; a scenario that cannot run is refused naming the field
and nothing is stored; only the roles with the right start or read runs; a run a stopped
server left running is failed when the server starts again."""

from __future__ import annotations

import datetime as dt

import dask
import pytest
from distributed import LocalCluster
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import SignIn
from cordon.core.config import get_settings
from cordon.core.dates import today
from cordon.core.models import utcnow
from cordon.scenarios.models import RunStatus, ScenarioRun
from cordon.sim.results import METRICS

from .tiny import TINY, TINY_TOML, finished


def runs_stored(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(ScenarioRun)) or 0)


def test_a_tiny_scenario_runs_in_the_background(client: TestClient, hanoi: Session) -> None:
    started = client.post("/api/v1/scenarios/runs", json=TINY)
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    assert started.headers["location"] == f"/api/v1/scenarios/runs/{run_id}"
    assert started.json()["status"] == "queued"

    run = finished(client, run_id)
    assert run["status"] == "done", run["failure"]
    assert (run["runs_done"], run["runs_total"]) == (2, 2)
    assert run["started_by"] == "tester"
    assert run["finished_at"] is not None
    result = run["result"]
    assert result["days"] == 30
    assert result["runs"] == 2
    assert result["start"] == TINY.get("start", "2020-03-01")
    assert set(result["metrics"]) <= set(METRICS)
    assert {"infections", "confirmed", "hospital"} <= set(result["metrics"])
    for metric, band in result["metrics"].items():
        assert len(band["median"]) == 30, metric
        for low, mid, high in zip(band["p05"], band["median"], band["p95"], strict=True):
            assert 0 <= low <= mid <= high, metric
    low, mid, high = result["summary"]["infections"]["total"]
    assert 0 <= low <= mid <= high
    assert result["summary"]["hospital"]["peak"][1] >= max(result["metrics"]["hospital"]["p05"])

    listed = client.get("/api/v1/scenarios/runs").json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == run_id
    assert "result" not in listed["items"][0]  # the list is light


def test_a_scenario_file_started_from_the_registry(client: TestClient, hanoi: Session) -> None:
    started = client.post(
        "/api/v1/scenarios/runs?from_registry=true",
        content=TINY_TOML.encode(),
        headers={"Content-Type": "application/toml"},
    )
    assert started.status_code == 202, started.text
    run = finished(client, started.json()["id"])
    assert run["status"] == "done", run["failure"]
    assert run["from_registry"] is True
    assert run["scenario"]["name"] == "Tiny: trace F1 + F2"
    assert run["scenario"]["start"] == today().isoformat()
    assert len(run["scenario"]["population"]["districts"]) == 30
    assert run["registry"]["on"] == today().isoformat()
    assert run["registry"]["in_care"] == {}  # an empty registry: nothing in care
    assert run["registry"]["growth_as_imports"] is False
    assert run["result"]["start"] == today().isoformat()


def test_a_scenario_the_simulator_refuses_as_it_runs_fails_with_the_reason(
    client: TestClient, hanoi: Session
) -> None:
    """The schema cannot know every district code: the simulator finds it out, the run fails
    naming the field, and the runner goes on to the next run."""
    wrong = {**TINY, "seeding": {"districts": {"999": 5}}}
    failed = finished(client, client.post("/api/v1/scenarios/runs", json=wrong).json()["id"])
    assert failed["status"] == "failed"
    assert failed["failure"] == "seeding.districts: no district '999'"
    assert failed["result"] is None
    assert failed["finished_at"] is not None
    after = finished(client, client.post("/api/v1/scenarios/runs", json=TINY).json()["id"])
    assert after["status"] == "done"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**TINY, "measures": [{"kind": "test_trace_isolate", "depth": 9}]}, "measures[0].depth"),
        ({**TINY, "measures": [{"kind": "curfew"}]}, "measures[0]"),
        ({**TINY, "runs": 0}, "runs"),
        ({**TINY, "colour": "red"}, "colour"),
        ({k: v for k, v in TINY.items() if k != "name"}, "name"),
        ([1, 2], "scenario"),
    ],
)
def test_a_scenario_that_cannot_run_is_refused_naming_the_field(
    client: TestClient, hanoi: Session, body: object, field: str
) -> None:
    refused = client.post("/api/v1/scenarios/runs", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == [field]
    assert runs_stored(hanoi) == 0


def test_a_file_that_is_not_toml_is_refused(client: TestClient, hanoi: Session) -> None:
    refused = client.post(
        "/api/v1/scenarios/runs",
        content=b'name = "x"\ndays = = 3\n',
        headers={"Content-Type": "application/toml"},
    )
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"] == "scenario"
    assert "line 2" in error["message"]
    growth_alone = client.post("/api/v1/scenarios/runs?growth_as_imports=true", json=TINY)
    assert growth_alone.status_code == 422, growth_alone.text
    assert growth_alone.json()["errors"][0]["field"] == "growth_as_imports"
    assert runs_stored(hanoi) == 0


def test_the_registry_as_of_an_earlier_day(client: TestClient, hanoi: Session) -> None:
    day = today() - dt.timedelta(days=30)
    for query, field in (
        (f"on={day}", "on"),  # without from_registry
        (f"from_registry=true&on={today() + dt.timedelta(days=1)}", "on"),
    ):
        refused = client.post(f"/api/v1/scenarios/runs?{query}", json=TINY)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
    assert runs_stored(hanoi) == 0
    started = client.post(f"/api/v1/scenarios/runs?from_registry=true&on={day}", json=TINY)
    assert started.status_code == 202, started.text
    run = finished(client, started.json()["id"])
    assert run["registry"]["on"] == run["scenario"]["start"] == day.isoformat()
    assert run["status"] == "done", run["failure"]


@pytest.mark.parametrize(
    ("role", "reads", "starts"),
    [
        ("analyst", True, True),
        ("epidemiologist", True, True),
        ("district_officer", True, False),
        ("ward_worker", False, False),
        ("lab", False, False),
    ],
)
def test_who_reads_and_starts_runs(
    anonymous: TestClient, sign_in: SignIn, hanoi: Session, role: str, reads: bool, starts: bool
) -> None:
    headers = sign_in(role, "01")
    listed = anonymous.get("/api/v1/scenarios/runs", headers=headers)
    assert listed.status_code == (200 if reads else 403), listed.text
    # a body that cannot run: the permission is checked first, and nothing runs
    posted = anonymous.post("/api/v1/scenarios/runs", json={"days": 0}, headers=headers)
    assert posted.status_code == (422 if starts else 403), posted.text
    assert runs_stored(hanoi) == 0
    assert anonymous.get("/api/v1/scenarios/runs").status_code == 401


def test_a_run_left_running_by_a_stopped_server_fails_at_start_up(
    hanoi: Session, sign_in: SignIn
) -> None:
    from cordon.access.models import User
    from cordon.api import create_app

    sign_in("analyst", "01")
    user = hanoi.scalar(select(User.id).where(User.username == "analyst-01"))
    assert user is not None
    left = ScenarioRun(
        name="left running",
        scenario=TINY,
        from_registry=False,
        status=RunStatus.running,
        runs_done=1,
        runs_total=2,
        started_by=user,
        started_at=utcnow() - dt.timedelta(minutes=5),
        heartbeat_at=utcnow() - dt.timedelta(minutes=4),
    )
    hanoi.add(left)
    hanoi.commit()
    with TestClient(create_app()):
        hanoi.expire_all()
        stopped = hanoi.get_one(ScenarioRun, left.id)
        assert stopped.status is RunStatus.failed
        assert stopped.failure == "the server stopped while the scenario ran"
        assert stopped.finished_at is not None


def test_runs_go_to_the_dask_cluster_the_settings_name(
    client: TestClient, hanoi: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = finished(client, client.post("/api/v1/scenarios/runs", json=TINY).json()["id"])
    with LocalCluster(
        n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        monkeypatch.setattr(get_settings(), "scenario_scheduler", cluster.scheduler_address)
        started = client.post("/api/v1/scenarios/runs", json=TINY)
        there = finished(client, started.json()["id"])
        assert there["status"] == "done", there["failure"]
        assert "simulate" in cluster.scheduler.task_prefixes  # the cluster did the runs
    assert there["result"] == here["result"]  # wherever the runs are done, the same figures

    monkeypatch.setattr(get_settings(), "scenario_scheduler", "tcp://127.0.0.1:9")  # nobody
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        failed = finished(client, client.post("/api/v1/scenarios/runs", json=TINY).json()["id"])
    assert failed["status"] == "failed"
    assert "127.0.0.1:9" in failed["failure"]
