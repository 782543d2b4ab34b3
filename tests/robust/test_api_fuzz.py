"""Schemathesis over the whole API: no answer is a server error, and every answer is one the
OpenAPI documents (status, media type, body), signed in as a city administrator with data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import MakeCase, MakePerson

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations that would end the signed-in token (then every later call is a 401).
ENDING = ("/api/v1/auth/sign-out", "/api/v1/tokens/{token_id}", "/api/v1/users/{username}/")


@pytest.fixture
def api(
    client: TestClient, make_case: MakeCase, make_person: MakePerson
) -> schemathesis.BaseSchema:
    """The app's schema with a few people, cases and an exposure in Hanoi."""
    first = make_case("HN-1", onset_on=dt.date(2020, 3, 4))
    contact = make_person("Trần Thị Bình", ward_id=None)
    client.post(
        "/api/v1/exposures",
        json={
            "person_id": first.person_id,
            "contact_id": contact,
            "first_on": "2020-03-03",
            "last_on": "2020-03-04",
            "setting": "household",
        },
    ).raise_for_status()
    make_case("HN-2")
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    return schema.include(path_regex="^/api/").exclude(path_regex="|".join(ENDING))


EXAMPLES = 8  # per operation and mode: the whole run stays within ~3 minutes on one core


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    mode: GenerationMode,
    headers: dict[str, str],
    answered: set[str],
) -> str | None:
    """The first failure of ``EXAMPLES`` cases of one operation, or None; ``answered`` gets
    the operation when it succeeded at least once."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        if response.status_code < 300:
            answered.add(operation.label)

    try:
        run()
    except Unsatisfiable:
        return None  # nothing to vary (no input): the positive run covered it
    except (Exception, BaseExceptionGroup) as exc:  # each is reported, then the next operation
        return f"{operation.label} [{mode.value}]: {str(exc)[:1500]}"
    return None


def test_no_answer_is_a_server_error_or_undocumented(
    api: schemathesis.BaseSchema, client: TestClient
) -> None:
    headers = dict(client.headers)
    failures, answered = [], set[str]()
    for result in api.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the schema of every operation reads
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = _fuzz(operation, mode, headers, answered)
            if failure:
                failures.append(failure)
    assert not failures, "\n\n".join(failures)
    # Signed in all along, with data: most operations succeeded at least once.
    assert len(answered) >= 30, sorted(answered)
