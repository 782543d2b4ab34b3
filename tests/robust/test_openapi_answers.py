"""Issue 17 §2: the OpenAPI documents every answer of every operation — sign-in, permission,
not found, conflict, invalid input — as application/problem+json; and CI refreshes the
package lists before it installs Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}


def _answers(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    answers: dict[str, Any] = spec["paths"][path][method]["responses"]
    return answers


def test_every_operation_documents_its_errors_as_problems(anonymous: TestClient) -> None:
    spec = anonymous.get("/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    api = {path: ops for path, ops in spec["paths"].items() if path.startswith("/api/")}
    assert "HTTPValidationError" not in str(api)
    person = _answers(spec, "get", "/api/v1/people/{person_id}")
    assert {"401", "403", "404", "422"} <= set(person)
    assert "409" not in person
    edit = _answers(spec, "patch", "/api/v1/exposures/{exposure_id}")
    assert {"401", "403", "404", "409", "413", "422"} <= set(edit)
    sign_in = _answers(spec, "post", "/api/v1/auth/sign-in")
    assert {"401", "422", "429"} <= set(sign_in)
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            errors = {s: a for s, a in operation["responses"].items() if s >= "400"}
            assert errors, (method, path)
            for answer in errors.values():
                assert answer["content"] == {"application/problem+json": PROBLEM}, (method, path)


def test_ids_and_offsets_are_bounded_in_the_openapi(anonymous: TestClient) -> None:
    spec = anonymous.get("/openapi.json").json()
    params = spec["paths"]["/api/v1/people/{person_id}"]["get"]["parameters"]
    (person_id,) = [p for p in params if p["name"] == "person_id"]
    assert person_id["schema"]["maximum"] == 2**63 - 1
    listing = spec["paths"]["/api/v1/cases"]["get"]["parameters"]
    (offset,) = [p for p in listing if p["name"] == "offset"]
    assert offset["schema"]["maximum"] == 2**63 - 1


def test_ci_refreshes_the_package_lists_once_before_installing_chromium() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.count("apt-get update") == 1
    assert script.index("apt-get update") < script.index("apt-get install")
