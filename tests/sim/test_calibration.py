"""Calibration: a series the model made itself, at a known beta and start, is fitted back; the
observed file's mistakes are named by line and column; ``cordon calibrate`` end to end; the
bundled Vietnam 2020 series is what the published patients give."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cordon.cli.main import app
from cordon.demo import vietnam_data
from cordon.sim import state
from cordon.sim.calibrate import (
    FLOOR,
    Observed,
    ObservedError,
    Search,
    binned,
    calibrate,
    poisson_deviance,
    read_observed,
)
from cordon.sim.model import simulate, simulate_agents
from cordon.sim.scenario import Scenario, load_scenario, parse_scenario

CALIBRATION = Path(__file__).parents[2] / "src" / "cordon" / "sim" / "calibration"
TRUE_BETA = 0.08


def city(**changes: object) -> Scenario:
    """100,000 people, each an agent, 300 infected on 1 March, F1 traced: eight weeks."""
    return parse_scenario(
        {
            "name": "test city",
            "start": "2020-03-01",
            "days": 56,
            "seed": 1,
            "population": {"districts": [{"code": "001", "population": 100_000}]},
            "seeding": {"infected": 300},
            "disease": {"beta": TRUE_BETA},
            "measures": [{"kind": "test_trace_isolate", "depth": 1, "symptomatic_testing": 0.3}],
        }
        | changes
    )


def test_a_known_beta_and_start_are_found_again() -> None:
    truth = simulate(city(), 777)  # a seed the calibration does not use
    observed = Observed("confirmed", dt.date(2020, 3, 1), truth.daily["confirmed"].astype(float))
    wrong = city(start="2020-03-08", disease={"beta": 0.11})  # a week late, beta too high
    search = Search(
        metric="confirmed", points=7, refine=4, runs=3, final_runs=6, shift_days=7, shift_step=7
    )
    fit = calibrate(wrong, observed, search, workers=1)

    assert fit.best.shift == -7
    assert fit.best.start == dt.date(2020, 3, 1)
    assert fit.best.beta == pytest.approx(TRUE_BETA, rel=0.1)
    low, high = fit.beta_interval
    assert low <= TRUE_BETA <= high
    assert low <= fit.best.beta <= high
    assert not fit.at_edge
    assert len(fit.candidates) == 7 * 3 + 4
    assert fit.pseudo_r2 > 0.5
    assert fit.in_band >= 0.5
    assert fit.observed_total == truth.daily["confirmed"].sum()
    assert fit.fitted_total == pytest.approx(fit.observed_total, rel=0.3)
    assert fit.fitted.shape == (3, 8)
    assert (fit.fitted[0] <= fit.fitted[2]).all()


def test_bins_end_on_the_last_day_and_the_deviance_is_poisson() -> None:
    daily = np.arange(1.0, 11.0)  # 10 days: bins of 3 are days 1, 2-4, 5-7, 8-10
    assert binned(daily, 3).tolist() == [1.0, 9.0, 18.0, 27.0]
    assert binned(daily, 1).tolist() == daily.tolist()
    y = np.array([1.0, 3.0, 10.0])
    assert poisson_deviance(y, y.copy()) == pytest.approx(0.0, abs=1e-9)
    y = np.array([0.0, 3.0, 10.0])
    mu = np.array([1.0, 3.0, 5.0])
    expected = 2 * ((0 - (0 - 1)) + 0 + (10 * np.log(10 / 5) - 5))
    assert poisson_deviance(y, mu) == pytest.approx(expected)
    assert poisson_deviance(np.array([0.0]), np.array([0.0])) == pytest.approx(2 * FLOOR)
    assert np.isfinite(poisson_deviance(np.array([4.0]), np.array([0.0])))  # a miss: finite


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("day,cases\n2020-03-01,1\n", "has no column 'date'"),
        ("date,cases\n2020-03-01,1\n2020-03-32,2\n", "line 3, date: not a date"),
        ("date,cases\n2020-03-01,1\n2020-03-03,2\n", "line 3, date: not the day after"),
        ("date,cases\n2020-03-01,1\n2020-03-02,many\n", "line 3, cases: not a number"),
        ("date,cases\n2020-03-01,1\n2020-03-02,-2\n", "line 3, cases: must be 0 or more"),
        ("date,cases\n2020-03-01,1\n", "fewer than two days"),
    ],
)
def test_a_bad_observed_file_is_named_by_line_and_column(
    tmp_path: Path, text: str, where: str
) -> None:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ObservedError) as caught:
        read_observed(path, "cases")
    assert where in str(caught.value)


def test_a_period_is_cut_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_text("date,cases\n2020-03-01,1\n2020-03-02,2\n2020-03-03,3\n", encoding="utf-8")
    series = read_observed(path, "cases", first=dt.date(2020, 3, 2))
    assert (series.start, series.end, series.counts.tolist()) == (
        dt.date(2020, 3, 2),
        dt.date(2020, 3, 3),
        [2.0, 3.0],
    )


def _cordon(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_cordon_calibrate_writes_the_fit(tmp_path: Path) -> None:
    scenario = tmp_path / "city.toml"
    scenario.write_text(
        'name = "small"\nstart = 2020-03-01\ndays = 30\nseed = 3\n'
        "[population]\nagents = 2000\n[seeding]\ninfected = 2000\n",
        encoding="utf-8",
    )
    truth = simulate(load_scenario(scenario), 99)
    series = tmp_path / "series.csv"
    with series.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["date", "cases"])
        for day, count in enumerate(truth.daily["confirmed"] * truth.scale):
            writer.writerow([(dt.date(2020, 3, 1) + dt.timedelta(days=day)).isoformat(), count])
    out = tmp_path / "fit"
    code, output = _cordon(
        "calibrate", str(scenario), "--observed", str(series), "--out", str(out),
        "--metric", "confirmed", "--points", "3", "--refine", "1", "--runs", "1",
        "--final-runs", "2", "--workers", "1",
    )  # fmt: skip
    assert code == 0, output
    assert "Put in the scenario: [disease] beta =" in output
    assert "pseudo-R²" in output
    assert sorted(p.name for p in out.iterdir()) == [
        "candidates.csv", "fit.csv", "fit.png", "fit.svg",
    ]  # fmt: skip
    with (out / "candidates.csv").open(encoding="utf-8") as file:
        assert len(list(csv.DictReader(file))) == 4
    with (out / "fit.csv").open(encoding="utf-8") as file:
        fitted = list(csv.DictReader(file))
    assert len(fitted) == 5  # 30 days: 4 weeks and a first bin of 2 days
    assert fitted[-1]["bin_last_day"] == "2020-03-30"

    series.write_text("date,cases\n2020-03-01,x\n", encoding="utf-8")
    again = tmp_path / "again"
    code, output = _cordon(
        "calibrate", str(scenario), "--observed", str(series), "--out", str(again)
    )  # fmt: skip
    assert code == 1
    assert "cannot be fitted" in output
    assert "line 2, cases: not a number" in output
    assert not again.exists()


def test_arrivals_come_on_their_day() -> None:
    arrivals = [
        {"on": "2020-03-06", "count": 4},
        {"on": 12, "count": 3},
        {"on": "2020-02-01", "count": 9},  # before the start
        {"on": 400, "count": 9},  # after the end
    ]
    scenario = city(days=20, seeding={"infected": 0, "arrivals": arrivals})
    _, agents = simulate_agents(scenario, 5)
    arrived = (agents.infector == -1) & (agents.infected_on != state.NO_DAY)
    days = sorted(agents.infected_on[arrived].tolist())
    assert days == [3] * 4 + [10] * 3  # infected two days before they land


def test_the_vietnam_series_is_the_published_patients() -> None:
    series = vietnam_data.daily_series(vietnam_data.read_patients())
    with (CALIBRATION / "vietnam-2020.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(r["date"], int(r["local"]), int(r["imported"])) for r in rows] == [
        (day.isoformat(), local, imported) for day, local, imported in series
    ]
    assert sum(local for _, local, _ in series) + sum(i for _, _, i in series) == 288
    scenario = load_scenario(CALIBRATION / "vietnam-2020.toml")
    arrivals = {a.on: a.count for a in scenario.seeding.arrivals}
    assert arrivals == {
        day - dt.timedelta(days=3): imported for day, _, imported in series if imported
    }
    assert scenario.start + dt.timedelta(days=scenario.days - 1) == series[-1][0]
