"""``cordon users`` and ``cordon tokens`` listings against the test database: the ``--json``
items are the API's own answers, the tables end with their total."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from clikit import cordon
from cordon.access.roles import role, roles


def test_users_tokens_and_roles_listed_as_the_api_answers(client: TestClient) -> None:
    made = client.post("/api/v1/tokens", json={"name": "lab LIS", "scopes": ["lab.write"]})
    assert made.status_code == 201, made.text

    code, out = cordon("users", "list", "--json")
    assert code == 0, out
    assert json.loads(out) == {"total": 1, "items": client.get("/api/v1/users").json()}
    code, out = cordon("users", "list")
    assert code == 0, out
    assert "tester" in out
    assert out.rstrip().endswith("1 users.")

    code, out = cordon("tokens", "list", "tester", "--json")
    assert code == 0, out
    mine = client.get("/api/v1/tokens").json()  # the signed-in session's token and "lab LIS"
    assert json.loads(out) == {"total": len(mine), "items": mine}
    assert "lab LIS" in [t["name"] for t in mine]
    code, out = cordon("tokens", "list")
    assert code == 0, out
    assert "lab LIS" in out
    assert "lab.write" in out
    assert out.rstrip().endswith(f"{len(mine)} tokens.")

    code, out = cordon("users", "roles", "--json")
    assert code == 0, out
    listed = json.loads(out)
    assert [r["id"] for r in listed["items"]] == [r.id for r in roles()]
    admin = next(r for r in listed["items"] if r["id"] == "city_admin")
    assert admin["jurisdiction"] == role("city_admin").jurisdiction.value
    assert admin["permissions"] == sorted(role("city_admin").permissions)
    assert listed["total"] == len(roles())
