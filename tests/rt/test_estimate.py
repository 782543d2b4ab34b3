"""Properties of the estimator and the serial interval, and the input it refuses."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cordon.core.errors import InvalidInput
from cordon.rt.estimate import Incidence, Prior, WindowEstimate, estimate
from cordon.rt.serial_interval import covid19, explicit, parametric
from cordon.rt.series import read_incidence, read_serial_interval

START = dt.date(2020, 3, 1)
SI = parametric(4.7, 2.9)
counts = st.lists(st.integers(0, 60), min_size=12, max_size=40)


def ratio(e: WindowEstimate) -> float:
    """The data's own estimate (maximum likelihood): local cases / infectivity."""
    return e.local / e.infectivity


@settings(max_examples=60, deadline=None)
@given(counts)
def test_quantiles_are_in_order(local: list[int]) -> None:
    for e in estimate(Incidence.of(START, local), SI):
        assert 0 <= e.lower <= e.median <= e.upper
        assert e.lower <= e.mean <= e.upper
        assert e.sd > 0
        assert e.cv == pytest.approx(1 / e.shape**0.5)


@settings(max_examples=60, deadline=None)
@given(counts)
def test_twice_the_cases_say_more(local: list[int]) -> None:
    """Doubling every day's cases (serial interval fixed) leaves the data's own ratio of
    local cases to infectivity as it was, so the posterior moves toward it, away from the
    prior, and narrows. (Its mean rises only where that ratio is above the prior mean.)"""
    once = estimate(Incidence.of(START, local), SI)
    twice = estimate(Incidence.of(START, [2 * n for n in local]), SI)
    for a, b in zip(once, twice, strict=True):
        assert b.cv < a.cv or a.local == 0
        if a.infectivity == 0:
            continue
        assert ratio(b) == pytest.approx(ratio(a))
        assert abs(b.mean - ratio(a)) <= abs(a.mean - ratio(a)) + 1e-12
        if ratio(a) > Prior().mean * (1 + 1e-9):
            assert b.mean > a.mean
        elif ratio(a) < Prior().mean * (1 - 1e-9):
            assert b.mean < a.mean


@settings(max_examples=60, deadline=None)
@given(counts, st.integers(0, 39))
def test_more_cases_on_the_last_day_raise_the_last_window(local: list[int], extra: int) -> None:
    """Cases on day t add to the window ending on t, not to the infectivity before them."""
    base = estimate(Incidence.of(START, local), SI)[-1]
    more = estimate(Incidence.of(START, [*local[:-1], local[-1] + extra + 1]), SI)[-1]
    assert more.mean > base.mean
    assert more.infectivity == base.infectivity


@settings(max_examples=60, deadline=None)
@given(counts, st.data())
def test_imported_cases_lower_local_rt(local: list[int], data: st.DataObject) -> None:
    """Calling some cases imported keeps the infectivity (they still infect) but removes them
    from the locally infected: Rt can only fall, and falls where a window holds one."""
    share = data.draw(st.lists(st.integers(0, 60), min_size=len(local), max_size=len(local)))
    imported = [min(n, m) for n, m in zip(local, share, strict=True)]
    all_local = estimate(Incidence.of(START, local), SI)
    split = estimate(
        Incidence.of(START, [n - m for n, m in zip(local, imported, strict=True)], imported), SI
    )
    for a, b in zip(all_local, split, strict=True):
        assert b.infectivity == pytest.approx(a.infectivity)
        assert b.mean <= a.mean
        assert (b.mean < a.mean) == (b.imported > 0)


@settings(max_examples=60, deadline=None)
@given(st.floats(1.2, 25.0), st.floats(0.3, 15.0))
def test_the_discretised_gamma_is_a_distribution(mean: float, sd: float) -> None:
    """Weights ≥ 0 adding up to 1, nothing on day 0, the mean kept, the variance grown by
    less than 1/4 (the onset spread across the day: E[f(1-f)], f the fraction of a day).
    For serial intervals whose delay past the first day has a CV up to 2 (shape ≥ 1/4):
    wilder ones reach thousands of days and gather rounding error."""
    assume(sd <= 2 * (mean - 1))
    si = parametric(mean, sd)
    assert si.weights[0] == 0
    assert min(si.weights) >= 0
    assert sum(si.weights) == pytest.approx(1, abs=1e-9)
    assert si.mean == pytest.approx(mean, abs=1e-6)
    assert sd**2 - 1e-9 <= si.sd**2 <= sd**2 + 1 / 4


def test_the_covid19_default() -> None:
    si = covid19()
    assert si.mean == pytest.approx(4.7, abs=1e-6)
    assert sum(si.weights) == pytest.approx(1, abs=1e-9)


def test_few_cases_are_flagged() -> None:
    """Posterior CV above 0.3 — fewer than about 11 local cases in a window with the
    default prior — marks the window unreliable (EpiEstim's warning)."""
    few = estimate(Incidence.of(START, [5] + [1] * 20), SI)
    many = estimate(Incidence.of(START, [5] + [3] * 20), SI)
    assert not any(e.reliable for e in few)
    assert all(e.reliable for e in many)
    shape_at_threshold = 1 / 0.3**2
    assert all((e.shape >= shape_at_threshold) == e.reliable for e in few + many)


def test_windows_slide_a_day_at_a_time() -> None:
    out = estimate(Incidence.of(START, [3] * 30), SI, window=10)
    assert [e.end for e in out] == [START + dt.timedelta(days=d) for d in range(10, 30)]
    assert all((e.end - e.start).days == 9 for e in out)
    assert out[0].start == START + dt.timedelta(days=1)


def test_no_window_ends_before_the_mean_serial_interval() -> None:
    """As EpiEstim: a window ending on a day ≤ the serial interval's mean is not estimated."""
    out = estimate(Incidence.of(START, [2] * 12), parametric(8.4, 3.8), window=2)
    assert out[0].end == START + dt.timedelta(days=8)  # day 9 > 8.4


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: estimate(Incidence.of(START, [1] * 10), SI, window=0), "window"),
        (lambda: estimate(Incidence.of(START, [1] * 7), SI, window=7), "incidence"),
        (lambda: Incidence.of(START, [1, -1, 2]), "local"),
        (lambda: Incidence.of(START, [1, 2], [0]), "imported"),
        (lambda: Prior(mean=0), "prior_mean"),
        (lambda: Prior(sd=-1), "prior_sd"),
        (lambda: parametric(1.0, 1.0), "si_mean"),
        (lambda: parametric(4.7, 0), "si_sd"),
        (lambda: explicit([0.5, 0.5]), "si_weights"),
        (lambda: explicit([0, 0.5, 0.4]), "si_weights"),
        (lambda: explicit([0, -0.5, 1.5]), "si_weights"),
        (lambda: explicit([0]), "si_weights"),
        (lambda: estimate(Incidence.of(START, [1] * 10), SI, cv_threshold=0), "cv_threshold"),
    ],
)
def test_bad_input_names_the_field(make: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make()
    assert caught.value.problems[0].field == field


@pytest.mark.parametrize(
    ("text", "field", "row"),
    [
        ("date,local\n2020-03-01,1\n2020-03-01,2\n", "date", 3),
        ("date,local\n2020-03-01,x\n", "local", 2),
        ("date,local,imported\n2020-03-01,1,-2\n", "imported", 2),
        ("date,local\n1/3/2020,1\n", "date", 2),
        ("day,cases\n2020-03-01,1\n", "csv", None),
        ("date,local\n", "csv", None),
    ],
)
def test_bad_csv_names_row_and_column(tmp_path: Path, text: str, field: str, row: int) -> None:
    path = tmp_path / "incidence.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_incidence(path)
    assert (caught.value.problems[0].field, caught.value.problems[0].row) == (field, row)


def test_a_csv_with_missing_days_has_zeros_there(tmp_path: Path) -> None:
    path = tmp_path / "incidence.csv"
    path.write_text("date,local,imported\n2020-03-03,2,1\n2020-03-01,1,0\n", encoding="utf-8")
    incidence = read_incidence(path)
    assert (incidence.start, incidence.local, incidence.imported) == (
        START,
        (1, 0, 2),
        (0, 0, 1),
    )


def test_a_serial_interval_file(tmp_path: Path) -> None:
    path = tmp_path / "si.csv"
    path.write_text("day,weight\n0,0\n1,0.5\n2,0.5\n", encoding="utf-8")
    assert read_serial_interval(path).weights == (0, 0.5, 0.5)
    path.write_text("day,weight\n0,0\n2,1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_serial_interval(path)
    assert (caught.value.problems[0].field, caught.value.problems[0].row) == ("day", 3)


def test_the_estimator_imports_no_web_or_database_code() -> None:
    code = (
        "import sys, cordon.rt.estimate, cordon.rt.serial_interval, cordon.rt.series\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'fastapi', 'starlette', 'alembic', 'psycopg', 'matplotlib')"
        " or m in ('cordon.core.db', 'cordon.cases.models')]\n"
        "print(bad); assert not bad\n"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": src}
    )
    assert done.returncode == 0, done.stdout + done.stderr
