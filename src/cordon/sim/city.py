"""The simulated city's districts and wards: a built-in city's files, a CSV of the same shape,
or the districts a scenario lists (from a registry)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from cordon.sim.scenario import DistrictSpec, Population, ScenarioError

BUILT_IN = Path(__file__).resolve().parent.parent / "geography" / "data"


def districts_of(population: Population) -> tuple[DistrictSpec, ...]:
    if population.districts:
        return population.districts
    folder = BUILT_IN / population.city
    path = folder / "districts.csv" if folder.is_dir() else Path(population.city)
    if not path.is_file():
        raise ScenarioError([("population.city", f"no built-in city or file {population.city!r}")])
    wards: dict[str, list[str]] = defaultdict(list)
    wards_file = path.parent / "wards.csv"
    if wards_file.is_file():
        with wards_file.open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                wards[row["district_code"]].append(row["ward_code"])
    with path.open(encoding="utf-8") as rows:
        try:
            return tuple(
                DistrictSpec(
                    code=row["code"],
                    name=row.get("name_vi") or row.get("name") or "",
                    population=int(row.get("population_2019") or row["population"]),
                    wards=tuple(wards.get(row["code"], ())),
                )
                for row in csv.DictReader(rows)
            )
        except (KeyError, ValueError) as error:
            raise ScenarioError([("population.city", f"{path.name}: {error}")]) from None
