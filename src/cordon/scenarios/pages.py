"""The scenario planner in the web app: the runs of the city, a form to start one (an example
or a scenario file pasted, from today's registry or not), the progress of the chosen runs
(htmx reloads it while they run) and, once done, their figures side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from cordon import sim
from cordon.access import service as access
from cordon.access.roles import Permission
from cordon.core.dates import today
from cordon.core.deps import SessionDep
from cordon.core.errors import N_, InvalidInput, NotFound
from cordon.scenarios import comparison, jobs, parse, service
from cordon.scenarios.models import RunStatus, ScenarioRun
from cordon.web.filters import PageNumber
from cordon.web.templating import render, texts_for
from cordon.web.viewer import PageUser, needs, paging

router = APIRouter(include_in_schema=False)
EXAMPLES = Path(sim.__file__).with_name("scenarios")  # the examples of docs/simulation.md
PER_PAGE = 20
LARGEST = 256 * 1024  # characters of a pasted scenario
OPTIONS = ("from_registry", "growth_as_imports", "on")  # their problems are shown at their box
# The examples' names in the reader's words (a file's own ``name`` stays the run's name).
EXAMPLE_TITLES = {
    "baseline": N_("No measures (the counterfactual)"),
    "f1-only": N_("Trace F1, quarantine in facilities"),
    "f1-f2": N_("Trace F1 and F2, F2 at home"),
    "f1-f2-home": N_("Trace F1 and F2, all at home"),
    "masks-distancing": N_("Masks and distancing, no tracing"),
    "vaccination": N_("Vaccination, 100,000 doses a day"),
}
Chosen = Annotated[list[int], Query(alias="run", description="Runs to show side by side.")]


@lru_cache
def examples() -> dict[str, tuple[str, str]]:
    """The example scenarios shipped with Cordon: file stem → (name, text)."""
    found = {}
    for path in sorted(EXAMPLES.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        found[path.stem] = (parse.from_toml(text).name, text)
    return found


def _page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    *,
    chosen: list[int],
    page: int = 1,
    form: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    t = texts_for(request, who)
    rows, total = service.list_runs(session, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    picked = service.runs_by_ids(session, chosen)[: comparison.MOST]
    context = {
        "runs": rows,
        "chosen": picked,
        "chosen_ids": {r.id for r in picked},
        "too_many": len(set(chosen)) > comparison.MOST,
        "names": access.usernames(session, {r.started_by for r in [*rows, *picked]}),
        "under_way": any(r.status in (RunStatus.queued, RunStatus.running) for r in picked),
        "charts": comparison.charts(picked, t),
        "summary": comparison.summary(picked, t),
        "labels": [comparison.label_of(r) for r in picked if r.result],
        "example_options": [
            (key, t.gettext(EXAMPLE_TITLES[key]) if key in EXAMPLE_TITLES else name)
            for key, (name, _) in examples().items()
        ],
        "registry": {r.id: read for r in picked if (read := _registry_read(r)) is not None},
        "form": form or {"example": next(iter(examples()), "")},
        "errors": errors or {},
        "can_run": who.can(Permission.scenarios_run),
        "stopped": service.STOPPED,
        "today": today().isoformat(),
        **paging(total, page, PER_PAGE),
    }
    return render(request, "scenarios/runs.html", context, who=who, status=status)


@dataclass(frozen=True)
class RegistryRead:
    """What a run started from the registry read, as the page says it."""

    on: dt.date
    in_care: int
    facility: int
    home: int
    per_day: float


def _registry_read(run: ScenarioRun) -> RegistryRead | None:
    said = run.registry_figures
    if not said:
        return None
    return RegistryRead(
        on=dt.date.fromisoformat(said["on"]),
        in_care=sum(said.get("in_care", {}).values()),
        facility=sum(said.get("held_facility", {}).values()),
        home=sum(said.get("held_home", {}).values()),
        per_day=float(said.get("confirmed_per_day", 0)),
    )


@router.get("/scenarios")
def runs_page(
    request: Request,
    session: SessionDep,
    who: PageUser,
    chosen: Chosen = [],  # noqa: B006 — FastAPI copies a query list's default
    page: PageNumber = 1,
) -> Response:
    needs(who, Permission.scenarios_read)
    return _page(request, session, who, chosen=chosen, page=page)


@router.post("/scenarios")
def start_run(
    request: Request,
    session: SessionDep,
    who: PageUser,
    example: Annotated[str, Form()] = "",
    toml: Annotated[str, Form(max_length=LARGEST)] = "",
    from_registry: Annotated[bool, Form()] = False,
    growth_as_imports: Annotated[bool, Form()] = False,
    on: Annotated[str, Form()] = "",
) -> Response:
    """Start a run of the pasted scenario, else of the chosen example."""
    needs(who, Permission.scenarios_run)
    t = texts_for(request, who)
    form = {
        "example": example,
        "toml": toml,
        "from_registry": from_registry,
        "growth_as_imports": growth_as_imports,
        "on": on,
    }
    day = _day(on)
    if day is None and on:
        errors = {"on": [t.gettext("Enter a date.")]}
        return _page(request, session, who, chosen=[], form=form, errors=errors, status=422)
    text = toml.strip() or examples().get(example, ("", ""))[1]
    if not text:
        errors = {"toml": [t.gettext("Choose an example or paste a scenario.")]}
        return _page(request, session, who, chosen=[], form=form, errors=errors, status=422)
    try:
        scenario = parse.from_toml(text)
        run = service.start_run(
            session,
            who,
            scenario,
            from_registry=from_registry,
            growth_as_imports=growth_as_imports,
            on=day,
        )
    except InvalidInput as refused:
        said: dict[str, list[str]] = {}
        for p in refused.problems:
            key = p.field if p.field in OPTIONS else "toml"
            where = "" if p.field in (*OPTIONS, parse.WHOLE) else f"{p.field}: "
            said.setdefault(key, []).append(where + t.problem(p))
        return _page(request, session, who, chosen=[], form=form, errors=said, status=422)
    session.commit()
    jobs.runner.wake()
    return RedirectResponse(f"/scenarios?run={run.id}#chosen", status_code=303)


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/scenarios/examples/{name}.toml")
def example_file(who: PageUser, name: str) -> Response:
    """An example scenario's file, to read and adapt."""
    needs(who, Permission.scenarios_read)
    if name not in examples():
        raise NotFound(f"No example {name}.")
    return PlainTextResponse(examples()[name][1], media_type="text/plain; charset=utf-8")
