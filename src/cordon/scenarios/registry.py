"""A scenario started from the live registry: the city as the database knows it and the
outbreak as it stands on a day. Read only, through the other features' query functions.

What is read, and why (docs/scenarios.md, *Starting from the registry*):

- **The city**: every district of the installation's city (``CORDON_CITY_CODE``) from the
  geography, with its population and its wards' codes, in code order — the scenario's
  ``population.districts``, so the simulation has the registry's districts whatever city it
  names.
- **Cases in care** (``seeding.confirmed_active``, by district): confirmed by the day and
  neither recovered (discharged) nor dead by then — the public counts'
  ``confirmed − recovered − deaths`` (``public.figures.dashboard``), which are kept equal to
  the registry in each change's own transaction and can be read as of any day. A case
  counts in its person's district; cases of the city whose ward is not known cannot be
  placed and are left out (``unplaced_in_care`` says how many).
- **Contacts held** by district: people under an isolation order in force on the day
  (``isolation.service.held_by_ward``) in a facility (``seeding.in_quarantine``) or at home
  (``seeding.in_home_quarantine``) — not those only monitored at home after their stay, nor
  cases monitored after discharge.
- **Recent growth**: confirmed cases per day over the 14 days up to the day (all sources,
  from the same public counts), with the last 7 days against the 7 before. It becomes the
  seeding's ``imported_per_day`` (their daily mean) only when asked
  (``growth_as_imports``): the scenario file has no field for that choice, so it travels
  beside it, like ``from_registry``. Otherwise the scenario's own seeding numbers stay —
  ``infected``, ``districts``, ``imported_per_day`` — and so does its
  ``undetected_per_confirmed`` (hidden infections for each confirmed case in care).
- **The start**: the scenario starts on the day read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from cordon.core.config import get_settings
from cordon.core.errors import N_, InvalidInput
from cordon.geography import service as geography
from cordon.geography.enums import UnitLevel
from cordon.geography.models import AdminUnit
from cordon.isolation import service as isolation
from cordon.isolation.enums import Place
from cordon.public.figures import dashboard
from cordon.sim.scenario import DistrictSpec, Scenario, parse_scenario

GROWTH_DAYS = 14  # the window of "recent growth"
MANY = 100_000  # more units than a city has


@dataclass
class RegistryFigures:
    """What the registry said on ``on``: the districts' figures by district code."""

    on: dt.date
    districts: list[DistrictSpec]
    in_care: dict[str, int] = field(default_factory=dict)
    held_facility: dict[str, int] = field(default_factory=dict)
    held_home: dict[str, int] = field(default_factory=dict)
    unplaced_in_care: int = 0  # cases of the city whose district is not known
    unplaced_held: int = 0  # contacts held whose ward is not one of the city's
    confirmed_daily: list[int] = field(default_factory=list)  # the last 14 days, oldest first

    @property
    def confirmed_per_day(self) -> float:
        return sum(self.confirmed_daily) / GROWTH_DAYS

    @property
    def held(self) -> dict[str, int]:
        codes = sorted(set(self.held_facility) | set(self.held_home))
        return {c: self.held_facility.get(c, 0) + self.held_home.get(c, 0) for c in codes}

    def as_record(self) -> dict[str, Any]:
        """As JSON, kept with the run (the districts themselves are in its scenario)."""
        record = asdict(self)
        del record["districts"]
        return {
            **record,
            "on": self.on.isoformat(),
            "confirmed_per_day": round(self.confirmed_per_day, 2),
        }


def _districts(session: Session) -> tuple[list[DistrictSpec], dict[int, str]]:
    """The city's districts with their wards' codes, and each ward's district code by id."""
    city = geography.unit_by_code(session, get_settings().city_code)
    if city is None:
        raise InvalidInput.on(
            "from_registry",
            N_("the registry has no city with the code %(code)s: load its geography first"),
            code=get_settings().city_code,
        )
    districts, _ = geography.list_units(
        session, level=UnitLevel.district, parent_id=city.id, limit=MANY
    )
    wards, _ = geography.list_units(session, level=UnitLevel.ward, limit=MANY)
    wards_of: dict[int, list[AdminUnit]] = defaultdict(list)
    for ward in wards:
        if ward.parent_id is not None:
            wards_of[ward.parent_id].append(ward)
    specs = [
        DistrictSpec(
            code=d.code,
            name=d.name,
            population=d.population,
            wards=tuple(w.code for w in wards_of[d.id]),
        )
        for d in districts
    ]
    district_of = {w.id: d.code for d in districts for w in wards_of[d.id]}
    return specs, district_of


def read_registry(session: Session, *, on: dt.date) -> RegistryFigures:
    """The city's districts and the outbreak on the day ``on`` (see the module's notes)."""
    specs, district_of = _districts(session)
    figures = RegistryFigures(on=on, districts=specs)
    board = dashboard(session, on=on)
    known = {spec.code for spec in specs}
    for area in board.districts:
        if area.code in known and area.total.active > 0:
            figures.in_care[area.code] = area.total.active
        elif area.code not in known:
            figures.unplaced_in_care += max(0, area.total.active)
    figures.unplaced_in_care += max(0, board.unknown.total.active)
    for (ward, place), n in isolation.held_by_ward(session, on=on).items():
        code = district_of.get(ward) if ward is not None else None
        if code is None:
            figures.unplaced_held += n
            continue
        held = figures.held_facility if place is Place.facility else figures.held_home
        held[code] = held.get(code, 0) + n
    daily = dict(zip(board.days, map(sum, zip(*board.series.values(), strict=True)), strict=True))
    first = on - dt.timedelta(days=GROWTH_DAYS - 1)
    figures.confirmed_daily = [
        daily.get(first + dt.timedelta(days=i), 0) for i in range(GROWTH_DAYS)
    ]
    return figures


def seeded(scenario: Scenario, figures: RegistryFigures, *, growth_as_imports: bool) -> Scenario:
    """The scenario started on the registry's day, with its districts and seeding."""
    data = scenario.model_dump(mode="json")
    data["start"] = figures.on.isoformat()
    data["population"]["districts"] = [d.model_dump(mode="json") for d in figures.districts]
    data["seeding"]["confirmed_active"] = figures.in_care
    data["seeding"]["in_quarantine"] = figures.held_facility
    data["seeding"]["in_home_quarantine"] = figures.held_home
    if growth_as_imports:
        data["seeding"]["imported_per_day"] = round(figures.confirmed_per_day, 3)
    return parse_scenario(data)


def scenario_from_registry(
    session: Session, scenario: Scenario, *, on: dt.date, growth_as_imports: bool = False
) -> Scenario:
    """A copy of ``scenario`` that starts on ``on`` from the registry as it stood that day:
    the city's districts, the cases in care and the contacts held by district and, when
    ``growth_as_imports``, the last 14 days' confirmed cases a day as imported infections."""
    figures = read_registry(session, on=on)
    return seeded(scenario, figures, growth_as_imports=growth_as_imports)
