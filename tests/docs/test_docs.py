"""Docs that cannot drift: the README quick start, the settings and CLI references."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from cordon.core.dates import today
from cordon.docs import GENERATED

ROOT = Path(__file__).resolve().parents[2]


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Quick start has a sh code block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands() -> None:
    assert quick_start_commands() == ["make run", "make test"]


def test_make_test_runs_every_check_on_both_databases() -> None:
    plan = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for step in (
        "ruff check",
        "ruff format --check",
        "lint-imports",
        "mypy",
        "CORDON_TEST_DB=sqlite",
        "CORDON_TEST_DB=postgresql",
    ):
        assert step in plan, step
    ci = (ROOT / ".ci" / "run").read_text()
    assert "CORDON_REQUIRE_POSTGRES=1" in ci
    assert "make test" in ci


@pytest.mark.parametrize("path", sorted(GENERATED))
def test_generated_reference_is_current(path: str) -> None:
    current = (ROOT / path).read_text(encoding="utf-8")
    assert current == GENERATED[path](), f"{path} is stale: run `make docs`"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("CORDON_TEST_DB") == "postgresql", reason="make run is SQLite")
def test_make_run_serves_the_demo(tmp_path: Path) -> None:
    """`make run` on its own: migrates a new database, loads the demo, serves the API."""
    port = _free_port()
    env = {
        **os.environ,
        "CORDON_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "CORDON_PORT": str(port),
        "DEMO_REGIMES": str(tmp_path / "demo-city" / "regimes.toml"),
    }
    log = tmp_path / "run.log"
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("make run did not serve within 4 minutes")
        base = f"http://127.0.0.1:{port}/api/v1"
        assert httpx.get(f"{base}/cases").status_code == 401  # nothing without signing in
        # the demo printed one account per role, its password once
        found = re.search(r"│ epi\s+│ epidemiologist\s+│ 01\s+│ (\w{20})", log.read_text())
        assert found, log.read_text()
        with httpx.Client(base_url=base) as web:
            signed = web.post("/auth/sign-in", json={"username": "epi", "password": found[1]})
            assert signed.status_code == 200, signed.text
            cases = web.get("/cases", params={"limit": 1}).json()
            of_today = web.get("/cases", params={"confirmed_from": str(today())}).json()
        assert cases["total"] > 288  # the 2020 wave and the live outbreak
        assert of_today["total"] >= 1  # the live outbreak goes on today
        assert (tmp_path / "demo-city" / "regimes.toml").exists()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
