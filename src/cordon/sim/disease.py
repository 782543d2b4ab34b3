"""The natural history and transmission parameters (``covid19.toml``), with a scenario's
overrides, as the flat arrays the kernels read."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cordon.sim.scenario import Scenario, ScenarioError

PARAMETERS = Path(__file__).resolve().parent / "covid19.toml"
AGE_BANDS = 9  # 0-9, 10-19, …, 80+

# indices into the flat vector ``Disease.values``
(
    BETA, W_HOUSEHOLD, W_SCHOOL, W_WORK, W_COMMUNITY, K_SCHOOL, K_WORK, K_COMMUNITY,
    IN_DISTRICT, ASYMPTOMATIC, LATE, DISPERSION, DEATH_IF_CRITICAL,
    LATENT_M, LATENT_SD, PRESYMPTOMATIC_M, PRESYMPTOMATIC_SD, ASYMPTOMATIC_M, ASYMPTOMATIC_SD,
    MILD_M, MILD_SD, TO_SEVERE_M, TO_SEVERE_SD, TO_CRITICAL_M, TO_CRITICAL_SD,
    SEVERE_M, SEVERE_SD, CRITICAL_M, CRITICAL_SD, TO_DEATH_M, TO_DEATH_SD,
    SENSITIVITY, DETECTABLE_BEFORE, SEVERE_TESTED, HOME_COMMUNITY, FACILITY, HOME_HOUSEHOLD,
    SEVERITY,
) = range(38)  # fmt: skip
_SIZE = 38


@dataclass(frozen=True)
class Disease:
    values: npt.NDArray[np.float64]  # indexed by the constants above
    by_age: npt.NDArray[np.float64]  # 4 × AGE_BANDS: susceptibility, symptomatic, severe, critical


@cache
def _defaults() -> dict[str, Any]:
    return tomllib.loads(PARAMETERS.read_text(encoding="utf-8"))


def disease_for(scenario: Scenario) -> Disease:
    """The defaults with the scenario's overrides."""
    over = scenario.disease
    table = {section: dict(values) for section, values in _defaults().items()}
    for name, value in over.parameters.items():
        section, _, entry = name.partition(".")
        default = table.get(section, {}).get(entry)
        if default is None:
            raise ScenarioError([(f"disease.parameters.{name}", "no such parameter")])
        if isinstance(default, list) != isinstance(value, tuple) or (
            isinstance(value, tuple) and len(value) != len(default)
        ):
            raise ScenarioError([(f"disease.parameters.{name}", f"must be like {default!r}")])
        table[section][entry] = list(value) if isinstance(value, tuple) else value
    t, c = table["transmission"], table["course"]
    testing, isolation = table["testing"], table["isolation"]
    v = np.zeros(_SIZE)
    v[BETA] = over.beta if over.beta is not None else t["beta"]
    v[W_HOUSEHOLD], v[W_SCHOOL] = t["household_weight"], t["school_weight"]
    v[W_WORK], v[W_COMMUNITY] = t["work_weight"], t["community_weight"]
    v[K_SCHOOL], v[K_WORK] = t["school_contacts"], t["work_contacts"]
    v[K_COMMUNITY], v[IN_DISTRICT] = t["community_contacts"], t["community_in_district"]
    v[ASYMPTOMATIC] = (
        over.asymptomatic_infectiousness
        if over.asymptomatic_infectiousness is not None
        else t["asymptomatic_infectiousness"]
    )
    v[LATE], v[DISPERSION] = t["late_infectiousness"], t["individual_dispersion"]
    v[DEATH_IF_CRITICAL] = c["death_if_critical"]
    for index, name in (
        (LATENT_M, "latent_days"),
        (PRESYMPTOMATIC_M, "presymptomatic_days"),
        (ASYMPTOMATIC_M, "asymptomatic_days"),
        (MILD_M, "mild_days"),
        (TO_SEVERE_M, "onset_to_severe_days"),
        (TO_CRITICAL_M, "severe_to_critical_days"),
        (SEVERE_M, "severe_days"),
        (CRITICAL_M, "critical_days"),
        (TO_DEATH_M, "critical_to_death_days"),
    ):
        v[index], v[index + 1] = c[name]
    v[SENSITIVITY] = testing["sensitivity"]
    v[DETECTABLE_BEFORE] = testing["detectable_before_infectious"]
    v[SEVERE_TESTED] = 1.0 if testing["severe_tested"] else 0.0
    v[HOME_COMMUNITY], v[FACILITY] = isolation["home_community"], isolation["facility"]
    v[HOME_HOUSEHOLD] = scenario.population.home_isolation_household_leak
    v[SEVERITY] = over.severity_multiplier or 1.0
    by_age = np.array(
        [
            t["susceptibility"],
            c["symptomatic"],
            c["severe_if_symptomatic"],
            c["critical_if_severe"],
        ],
        dtype=np.float64,
    )
    return Disease(v, by_age)


def described() -> list[str]:
    """Every parameter's name in the file, as ``section.name`` (docs/simulation.md lists them)."""
    return [f"{section}.{name}" for section, table in _defaults().items() for name in table]
