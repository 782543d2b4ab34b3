"""The estimator against EpiEstim's published outputs (tests/rt/data/README.md): every
figure reproduced within half a unit of its last printed digit."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np

from cordon.rt.estimate import Incidence, estimate
from cordon.rt.serial_interval import SerialInterval, discretised_gamma, parametric
from cordon.rt.series import read_incidence, read_serial_interval

DATA = Path(__file__).parent / "data"
COLUMNS = ("mean", "sd", "lower", "median", "upper")
PRINTED = ("mean", "sd", "q025", "median", "q975")


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_as_printed(value: float, printed: str, what: str, *, floor: float = 0.0) -> None:
    """``value`` rounds to ``printed``: within half a unit of its last digit (or ``floor``)."""
    exponent = Decimal(printed).as_tuple().exponent
    assert isinstance(exponent, int)
    tolerance = max(0.5 * 10.0**exponent * (1 + 1e-9), floor)
    assert abs(value - float(printed)) <= tolerance, f"{what}: {value} ≠ {printed}"


def check(incidence: Incidence, si: SerialInterval, expected: str) -> int:
    windows = {(e.start, e.end): e for e in estimate(incidence, si, window=7)}
    reference = rows(expected)
    for row in reference:
        start = incidence.day(int(row["t_start"]) - 1)
        end = incidence.day(int(row["t_end"]) - 1)
        found = windows[(start, end)]
        for column, printed in zip(COLUMNS, PRINTED, strict=True):
            where = f"{expected} t_end {row['t_end']} {printed}"
            assert_as_printed(getattr(found, column), row[printed], where)
    assert len(windows) == len(reference)  # the same windows, no more
    return len(reference)


def test_flu2009_with_its_serial_interval() -> None:
    """EpiEstim example 1: Flu2009, ``non_parametric_si`` with ``Flu2009$si_distr``."""
    si = read_serial_interval(DATA / "flu2009-si.csv")
    assert_as_printed(si.mean, "2.596", "SI mean")
    assert_as_printed(si.sd, "1.534531", "SI sd")
    incidence = read_incidence(DATA / "flu2009-incidence.csv")
    assert check(incidence, si, "epiestim-example1-flu2009-nonparametric.csv") == 25


def test_flu2009_with_a_gamma_serial_interval() -> None:
    """EpiEstim example 3: Flu2009, ``parametric_si`` with mean 2.6 days, SD 1.5 days."""
    incidence = read_incidence(DATA / "flu2009-incidence.csv")
    si = parametric(2.6, 1.5)
    assert_as_printed(si.sd, "1.55488", "SI sd")
    assert check(incidence, si, "epiestim-example3-flu2009-parametric.csv") == 25


def test_local_and_imported_cases() -> None:
    """EpiEstim example 2: 10 imported and 7 local cases over 27 days, mean 2.6, SD 1.5."""
    incidence = read_incidence(DATA / "mock-local-imported-incidence.csv")
    assert (sum(incidence.local), sum(incidence.imported), incidence.days) == (7, 10, 27)
    si = parametric(2.6, 1.5)
    assert check(incidence, si, "epiestim-example2-local-imported-parametric.csv") == 20


def test_the_discretised_gamma_is_epiestims() -> None:
    """``discr_si(0:31, 2.6, 1.5)`` as printed in EpiEstim example 3. Far in the tail the
    formula subtracts numbers near 1 to leave ~1e-10: both sides then carry an absolute
    error of a few 1e-16, more than the printed rounding of the smallest weights."""
    reference = rows("epiestim-si-gamma-2.6-1.5.csv")
    days = np.array([int(r["day"]) for r in reference])
    for day, w in zip(days, discretised_gamma(days, 2.6, 1.5), strict=True):
        assert_as_printed(float(w), reference[day]["weight"], f"w_{day}", floor=1e-15)
    assert parametric(2.6, 1.5).weights[: len(days)] == tuple(
        float(w) for w in discretised_gamma(days, 2.6, 1.5)
    )


def test_the_first_days_cases_count_alike_local_or_imported() -> None:
    """EpiEstim takes the first day's cases as imported; no window holds that day, so the
    estimates are the same either way."""
    raw = read_incidence(DATA / "flu2009-incidence.csv")
    moved = Incidence(raw.start, (0, *raw.local[1:]), (raw.local[0], *raw.imported[1:]))
    si = parametric(2.6, 1.5)
    assert estimate(raw, si) == estimate(moved, si)
    assert raw.start == dt.date(2009, 4, 27)
