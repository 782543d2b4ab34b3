"""Chains of transmission: Hanoi's BN17 → BN19, BN20, BN32, BN47 and what came after."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from conftest import MakeCase
from cordon.cases import chains

URL = "/api/v1/cases"


@pytest.fixture
def bn17(client: TestClient, make_case: MakeCase) -> dict[str, int]:
    """BN17 (imported from GB) infected BN19, BN20, BN32, BN47; BN19 infected BN86 (made up)."""
    ids = {code: make_case(code).id for code in ("BN17", "BN19", "BN20", "BN32", "BN47", "BN86")}
    links = [("BN19", "BN17"), ("BN20", "BN17"), ("BN32", "BN17"), ("BN47", "BN17")]
    for case, source in [*links, ("BN86", "BN19")]:
        body = {"kind": "case", "source_case_id": ids[source]}
        assert client.post(f"{URL}/{ids[case]}/sources", json=body).status_code == 201
    body = {"kind": "country", "country_code": "gb", "note": "flight VN0054"}
    assert client.post(f"{URL}/{ids['BN17']}/sources", json=body).status_code == 201
    return ids


def test_ancestors_and_descendants_with_generations(session: Session, bn17: dict[str, int]) -> None:
    by_id = {v: k for k, v in bn17.items()}
    down = {by_id[c]: g for c, g in chains.descendants(session, bn17["BN17"]).items()}
    assert down == {"BN19": 1, "BN20": 1, "BN32": 1, "BN47": 1, "BN86": 2}
    up = {by_id[c]: g for c, g in chains.ancestors(session, bn17["BN86"]).items()}
    assert up == {"BN19": 1, "BN17": 2}
    assert chains.ancestors(session, bn17["BN17"]) == {}
    assert chains.longest_chain(session, bn17.values()) == 3


def test_chain_as_nodes_and_edges(client: TestClient, bn17: dict[str, int]) -> None:
    graph = client.get(f"{URL}/{bn17['BN19']}/chain").json()
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert {n["label"]: n["generation"] for n in graph["nodes"]} == {
        "GB": -2,
        "BN17": -1,
        "BN19": 0,
        "BN86": 1,
    }
    assert nodes["country:GB"]["kind"] == "country"
    edges = {(nodes[e["source"]]["label"], nodes[e["target"]]["label"]) for e in graph["edges"]}
    assert edges == {("GB", "BN17"), ("BN17", "BN19"), ("BN19", "BN86")}
    sources = client.get(f"{URL}/{bn17['BN17']}/sources").json()
    assert [(s["kind"], s["country_code"]) for s in sources] == [("country", "GB")]


@pytest.mark.parametrize(
    ("case", "source", "message"),
    [
        ("BN17", "BN17", "cannot infect itself"),
        ("BN17", "BN86", "the chain would loop"),
        ("BN19", "BN86", "the chain would loop"),
    ],
)
def test_loops_are_refused(
    client: TestClient, bn17: dict[str, int], case: str, source: str, message: str
) -> None:
    body = {"kind": "case", "source_case_id": bn17[source]}
    response = client.post(f"{URL}/{bn17[case]}/sources", json=body)
    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert problem["field"] == "source_case_id"
    assert message in problem["message"]
    assert len(client.get(f"{URL}/{bn17[case]}/sources").json()) == 1  # nothing added


def test_bad_sources(client: TestClient, bn17: dict[str, int]) -> None:
    url = f"{URL}/{bn17['BN20']}/sources"
    same = client.post(url, json={"kind": "case", "source_case_id": bn17["BN17"]})
    assert same.status_code == 409
    no_country = client.post(url, json={"kind": "country"})
    assert no_country.json()["errors"][0]["field"] == "country_code"
    no_cluster = client.post(url, json={"kind": "cluster", "cluster_id": 42})
    assert no_cluster.status_code == 422
    assert no_cluster.json()["errors"][0]["field"] == "cluster_id"
    assert client.post(url, json={"kind": "unknown"}).status_code == 201
