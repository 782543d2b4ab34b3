"""Scenario runs over HTTP: start one (the scenario as JSON, or TOML text), follow it, read
its figures. A run is the city's figures, no one's record: everyone allowed to read runs
reads them all (docs/scenarios.md)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from cordon.access import service as access
from cordon.access.who import ScenarioRunner, ScenariosReader
from cordon.core.bounds import Id
from cordon.core.deps import SessionDep
from cordon.core.errors import N_, FieldProblem, InvalidInput
from cordon.core.pagination import Page, PageDep
from cordon.scenarios import jobs, parse, service
from cordon.scenarios.schemas import RunDetail, RunOut, Started
from cordon.sim.scenario import Scenario

router = APIRouter(prefix="/scenarios", tags=["scenarios"])
TOML_TYPES = ("application/toml", "text/toml")
LARGEST = 1024 * 1024  # bytes of a scenario (a city's districts and wards fit many times)
NOT_JSON = N_("is not JSON (line %(line)s, column %(column)s)")
NOT_TEXT = N_("is not UTF-8 text")
TOO_LARGE = N_("is larger than %(limit)s bytes")

BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The scenario (docs/simulation.md): a JSON object, or the text of a "
        "scenario file with Content-Type application/toml.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/toml": {"schema": {"type": "string"}},
        },
    }
}


async def scenario_body(request: Request) -> Scenario:
    """The request's body as a checked scenario (422 naming each field at fault)."""
    raw = await request.body()
    if len(raw) > LARGEST:
        raise InvalidInput.on(parse.WHOLE, TOO_LARGE, limit=LARGEST)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput.on(parse.WHOLE, NOT_TEXT) from None
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in TOML_TYPES:
        return parse.from_toml(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        params: dict[str, object] = {"line": error.lineno, "column": error.colno}
        english = f"is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        problem = FieldProblem(parse.WHOLE, english, None, NOT_JSON, params)
        raise InvalidInput(detail=f"{parse.WHOLE}: {english}", problems=[problem]) from None
    return parse.from_data(data)


ScenarioBody = Annotated[Scenario, Depends(scenario_body)]


@router.post("/runs", status_code=202, response_model=Started, openapi_extra=BODY)
def start_run(
    session: SessionDep,
    who: ScenarioRunner,
    scenario: ScenarioBody,
    response: Response,
    from_registry: Annotated[
        bool,
        Query(
            description="Start today from the registry: the city's districts, the cases in "
            "care and the contacts held by district (docs/scenarios.md)."
        ),
    ] = False,
    growth_as_imports: Annotated[
        bool,
        Query(
            description="With from_registry: the last 14 days' confirmed cases a day become "
            "the seeding's imported infections a day."
        ),
    ] = False,
    on: Annotated[
        dt.date | None,
        Query(description="With from_registry: the registry as of this day (default today)."),
    ] = None,
) -> Started:
    """Queue a scenario run (202): it runs in the background, one at a time; follow it at
    the address in Location."""
    run = service.start_run(
        session,
        who,
        scenario,
        from_registry=from_registry,
        growth_as_imports=growth_as_imports,
        on=on,
    )
    session.commit()
    jobs.runner.wake()
    response.headers["Location"] = f"/api/v1/scenarios/runs/{run.id}"
    return Started(id=run.id, status=run.status)


@router.get("/runs", response_model=Page[RunOut])
def list_runs(session: SessionDep, who: ScenariosReader, page: PageDep) -> Page[RunOut]:
    """Scenario runs, newest first."""
    rows, total = service.list_runs(session, limit=page.limit, offset=page.offset)
    names = access.usernames(session, {r.started_by for r in rows})
    return page.answer([RunOut.of(r, names) for r in rows], total)


@router.get("/runs/{run_id}", response_model=RunDetail)
def get_run(session: SessionDep, who: ScenariosReader, run_id: Id) -> RunDetail:
    """A run: its status and progress, the scenario it runs, and its figures when done."""
    run = service.get_run(session, run_id)
    return RunDetail.of(run, access.usernames(session, {run.started_by}))
