"""Three real nodes — separate processes, separate databases (one on PostgreSQL when the test
server is there), HTTPS between them — set up trust with their cards and exchange signed
messages through their workers; a node that is down gets everything when it returns, once
and in order; a stranger posting to an inbox over the wire is refused."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from cordon.core.db import make_engine

from .nodes import Node, make_nodes, set_up, way

# The nodes make their own databases (Seoul's on PostgreSQL): they run once, in the SQLite pass.
pytestmark = pytest.mark.skipif(
    os.environ.get("CORDON_TEST_DB") == "postgresql",
    reason="runs in the SQLite pass; its nodes make their own databases, one on PostgreSQL",
)

PG_URL = os.environ.get(
    "CORDON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="module")
def seoul_database() -> Iterator[str]:
    """Seoul's database: a schema of the PostgreSQL test server (SQLite if it is absent and
    not required)."""
    schema = f"cordon_node_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError:
        if os.environ.get("CORDON_REQUIRE_POSTGRES") == "1":
            raise
        admin.dispose()
        yield ""
        return
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory, seoul_database: str) -> Iterator[list[Node]]:
    """Hà Nội, Hồ Chí Minh City and Seoul, each the others' peer, serving (for the module)."""
    tmp_path = tmp_path_factory.mktemp("nodes")
    made = make_nodes(
        tmp_path,
        [
            ("vn-hanoi", "Hà Nội", f"sqlite:///{tmp_path / 'hanoi.db'}"),
            ("vn-hcmc", "Thành phố Hồ Chí Minh", f"sqlite:///{tmp_path / 'hcmc.db'}"),
            ("kr-seoul", "Seoul", seoul_database or f"sqlite:///{tmp_path / 'seoul.db'}"),
        ],
    )
    set_up(made)
    try:
        for node in made:
            node.start()
        yield made
    finally:
        for node in made:
            node.stop()


def test_three_cities_ping_each_other_over_tls(nodes: list[Node]) -> None:
    hanoi, hcmc, seoul = nodes
    hanoi.cordon("network", "ping", "vn-hcmc", "kr-seoul")
    seoul.cordon("network", "ping", "vn-hanoi")
    hanoi.cordon("worker", "--once")
    seoul.cordon("worker", "--once")
    assert [m["peer"] for m in way(hcmc.messages(), "received")] == ["vn-hanoi"]
    assert [m["peer"] for m in way(seoul.messages(), "received")] == ["vn-hanoi"]
    at_hanoi = hanoi.messages()
    assert [m["peer"] for m in way(at_hanoi, "received")] == ["kr-seoul"]
    delivered = way(at_hanoi, "sent")
    assert sorted(m["peer"] for m in delivered) == ["kr-seoul", "vn-hcmc"]
    assert {m["delivery"] for m in delivered} == {"sent"}
    assert len({m["distribution_id"] for m in delivered}) == 1  # one distribution, two copies


def test_a_node_that_was_down_gets_everything_once_in_order(nodes: list[Node]) -> None:
    hanoi, _, seoul = nodes
    before = len(way(seoul.messages(), "received"))
    seoul.stop()
    for _ in range(3):
        hanoi.cordon("network", "ping", "kr-seoul")
    hanoi.cordon("worker", "--once")
    waiting = [m for m in way(hanoi.messages(), "sent") if m["delivery"] != "sent"]
    assert len(waiting) == 3
    assert {m["delivery"] for m in waiting} == {"queued"}
    assert "unreachable" in (waiting[0]["last_error"] or "")
    assert waiting[0]["attempts"] >= 1
    assert [m["attempts"] for m in waiting[1:]] == [0, 0]  # the later ones wait their turn
    seoul.start()
    for _ in range(20):
        time.sleep(0.5)  # the back-off (0.2 s, then 0.4 s in this test)
        hanoi.cordon("worker", "--once")
        if all(m["delivery"] == "sent" for m in way(hanoi.messages(), "sent")):
            break
    order = [m["distribution_id"] for m in waiting]
    got = way(seoul.messages(), "received")[before:]
    assert [m["distribution_id"] for m in got] == order


def test_a_stranger_is_refused_over_the_wire(nodes: list[Node]) -> None:
    hcmc = nodes[1]
    with httpx.Client(verify=str(hcmc.ca)) as client:
        answer = client.post(
            f"{hcmc.url}/api/v1/network/inbox",
            content=b'{"distributionID": "x"}',
            headers={"Content-Type": "application/json"},
        )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert len(hcmc.messages()) == 1  # the ping from Hà Nội only
