"""A scenario as a file (TOML): the city, how the outbreak is seeded, the measures with when
they start and stop, the horizon and how many runs. docs/simulation.md describes each field.

``load_scenario`` reads and checks a file; a mistake is a ``ScenarioError`` naming the field
by its path (``measures[2].depth``) and what is wrong with it, before anything runs.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class ScenarioError(ValueError):
    """A scenario that cannot run: each problem as (field path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[tuple[str, str]]]]:
        return ScenarioError, (self.problems,)  # back from a worker process as it was


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Fraction = Annotated[float, Field(ge=0, le=1)]
Days = Annotated[int, Field(ge=0, le=3650)]
Metric = Literal[
    "confirmed_7d",  # confirmed cases announced in the last 7 days
    "confirmed_7d_per_100k",  # the same per 100,000 people of the zone (Vietnam's levels)
    "hospital",  # people in hospital (severe and critical)
    "icu",  # people in intensive care
]


class Trigger(Strict):
    """A condition on what the city sees (announced cases, beds), checked every day."""

    metric: Metric
    above: float | None = Field(default=None, ge=0)
    below: float | None = Field(default=None, ge=0)
    for_days: Annotated[int, Field(ge=1, le=365)] = 1  # days in a row the condition holds

    @model_validator(mode="after")
    def _one_bound(self) -> Trigger:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of 'above' and 'below'")
        return self


class Timing(Strict):
    """When a measure is in force: from ``start`` (a date or a day number; the first day by
    default) to ``end`` (excluded; the horizon by default), and also only while its ``when``
    trigger has fired and its ``until`` trigger has not. ``per`` applies the triggers to each
    district or ward on its own figures (a zone lockdown that follows the local level)."""

    start: dt.date | Days | None = None
    end: dt.date | Days | None = None
    when: Trigger | None = None
    until: Trigger | None = None
    per: Literal["city", "district", "ward"] = "city"
    zones: tuple[str, ...] = ()  # district (3 digits) or ward (5 digits) codes; () = all


class TestTraceIsolate(Timing):
    kind: Literal["test_trace_isolate"]
    depth: Annotated[int, Field(ge=1, le=5)] = 1  # 1 = F1 only, 2 = F1 + F2, …
    symptomatic_testing: Fraction = 0.5  # chance a day that a person with symptoms is tested
    result_days: Days = 1  # sample to result
    tracing_days: Days = 1  # result to contacts found and isolated
    household_coverage: Fraction = 1.0  # share of each kind of contact the tracers find
    group_coverage: Fraction = 0.9  # class or work team
    community_coverage: Fraction = 0.3
    capacity_per_day: Annotated[int, Field(ge=0)] | None = None  # contacts isolated a day
    f1_isolation: Literal["facility", "home"] = "facility"
    f2_isolation: Literal["facility", "home"] = "home"  # and deeper tiers
    quarantine_days: Annotated[int, Field(ge=1, le=60)] = 14
    test_on_days: tuple[Days, ...] = (1, 7, 13)  # of quarantine


class Masks(Timing):
    kind: Literal["masks"]
    efficacy: Fraction = 0.3  # reduction of transmission per contact when worn
    adherence: Fraction = 0.8


class Distancing(Timing):
    kind: Literal["distancing"]
    reduction: Fraction = 0.3  # of community contacts


class GatheringBan(Timing):
    kind: Literal["gathering_ban"]
    reduction: Fraction = 0.2  # share of community contacts made at gatherings


class SchoolClosure(Timing):
    kind: Literal["school_closure"]


class WorkplaceClosure(Timing):
    kind: Literal["workplace_closure"]
    closed_share: Fraction = 0.7  # of work teams; the rest are essential and stay open


class ZoneLockdown(Timing):
    kind: Literal["zone_lockdown"]
    reduction: Fraction = 0.8  # of community contacts of people in the zone
    # people in a locked zone stay there: no school or work outside, no visitors


class EntryQuarantine(Timing):
    kind: Literal["entry_quarantine"]
    days: Annotated[int, Field(ge=1, le=60)] = 14  # in a facility from arrival
    test_on_days: tuple[Days, ...] = (1, 13)


class Vaccination(Timing):
    kind: Literal["vaccination"]
    doses_per_day: Annotated[int, Field(ge=0)] = 10_000  # for the whole city (scaled)
    doses_per_person: Annotated[int, Field(ge=1, le=2)] = 2
    interval_days: Days = 28
    min_age: Annotated[int, Field(ge=0, le=100)] = 18
    oldest_first: bool = True  # age priority; False: any order
    uptake: Fraction = 0.9  # share of eligible people who take it
    efficacy_infection: Fraction = 0.6  # after the full course, 14 days on
    efficacy_severe: Fraction = 0.9
    first_dose_share: Fraction = 0.5  # of full efficacy after the first dose only


Measure = Annotated[
    TestTraceIsolate
    | Masks
    | Distancing
    | GatheringBan
    | SchoolClosure
    | WorkplaceClosure
    | ZoneLockdown
    | EntryQuarantine
    | Vaccination,
    Field(discriminator="kind"),
]


class DistrictSpec(Strict):
    """A district of the simulated city: its people and its wards (codes)."""

    code: str = Field(min_length=1, max_length=16)
    name: str = ""
    population: Annotated[int, Field(ge=0)]
    wards: tuple[str, ...] = ()  # none: the district is one ward


class Population(Strict):
    city: str = "hanoi-2020"  # a built-in city, or a path to a districts CSV of the same shape
    districts: tuple[DistrictSpec, ...] = ()  # given instead of ``city`` (from a registry)
    agents: Annotated[int, Field(ge=100, le=20_000_000)] | None = None  # None: everyone
    home_isolation_household_leak: Fraction = 0.5  # of household contact kept at home


class Arrival(Strict):
    """Infected people arriving from outside the city on one day (the imported cases of a
    real series, say), on top of ``imported_per_day``."""

    on: dt.date | Days
    count: Annotated[float, Field(ge=0, le=1_000_000)]


class Seeding(Strict):
    infected: Annotated[int, Field(ge=0)] = 20  # on the first day, by population
    districts: dict[str, Annotated[int, Field(ge=0)]] = {}  # or by district code
    imported_per_day: Annotated[float, Field(ge=0)] = 0.0  # infected arrivals a day
    arrivals: tuple[Arrival, ...] = ()  # and on given days
    # filled in from a city's registry (cordon.scenarios), not written by hand:
    confirmed_active: dict[str, Annotated[int, Field(ge=0)]] = {}  # cases in care, by district
    in_quarantine: dict[str, Annotated[int, Field(ge=0)]] = {}  # held in a facility, by district
    in_home_quarantine: dict[str, Annotated[int, Field(ge=0)]] = {}  # held at home, by district
    undetected_per_confirmed: Annotated[float, Field(ge=0)] = 0.0  # hidden infections each


class Disease(Strict):
    """Overrides of the natural history (``covid19.toml`` holds the defaults)."""

    beta: Annotated[float, Field(gt=0, le=10)] | None = None
    asymptomatic_infectiousness: Fraction | None = None
    severity_multiplier: Annotated[float, Field(gt=0, le=10)] | None = None
    # any other entry of covid19.toml by "section.name", e.g. "transmission.work_contacts"
    parameters: dict[str, float | tuple[float, ...]] = {}


class Scenario(Strict):
    name: str = Field(min_length=1, max_length=200)
    start: dt.date = dt.date(2020, 3, 1)
    days: Annotated[int, Field(ge=1, le=1095)] = 180
    runs: Annotated[int, Field(ge=1, le=1000)] = 10
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 2020
    population: Population = Population()
    seeding: Seeding = Seeding()
    disease: Disease = Disease()
    measures: tuple[Measure, ...] = ()

    def day_of(self, when: dt.date | int | None, default: int) -> int:
        """A measure's date or day number as a day of the run."""
        if when is None:
            return default
        if isinstance(when, dt.date):
            return (when - self.start).days
        return when


def parse_scenario(data: dict[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError([_problem(e) for e in error.errors()]) from None


def load_scenario(path: Path | str) -> Scenario:
    """A scenario file, checked; a ``ScenarioError`` names what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScenarioError([(str(path), error.strerror or "cannot be read")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError([(str(path), f"is not TOML: {error}")]) from None
    return parse_scenario(data)


def _problem(error: Any) -> tuple[str, str]:
    where = ""
    for part in error["loc"]:
        if isinstance(part, int):
            where += f"[{part}]"
        elif part in _MEASURE_KINDS:
            continue  # the union's branch: the user wrote the kind, not its name
        else:
            where += f".{part}" if where else str(part)
    return where or "scenario", error["msg"]


_MEASURE_KINDS = {
    "test_trace_isolate",
    "masks",
    "distancing",
    "gathering_ban",
    "school_closure",
    "workplace_closure",
    "zone_lockdown",
    "entry_quarantine",
    "vaccination",
}
