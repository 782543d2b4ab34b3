"""``cordon simulate`` end to end on two tiny scenarios: every file with its columns, a table;
a bad scenario refused by file and field, with nothing written."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from cordon.cli.main import app
from cordon.scenarios.cli import SUMMARY_COLUMNS
from cordon.sim.results import METRICS, Ensemble, write_daily_csv

from .conftest import TRACING, tiny_toml

runner = CliRunner()


def cordon(*args: str) -> tuple[int, str]:
    """The exit code and the output, its lines joined (Rich wraps them at 80 characters)."""
    result = runner.invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_two_scenarios_compared(scenario_file: Callable[..., Path], tmp_path: Path) -> None:
    baseline = scenario_file("baseline.toml", "No measures", runs=5)
    tracing = scenario_file("tracing.toml", "F1 + F2", runs=5, measures=TRACING)
    out = tmp_path / "results"
    code, output = cordon(
        "simulate", str(baseline), str(tracing), "--out", str(out), "--runs", "2", "--workers", "1"
    )
    assert code == 0, output
    assert "No measures" in output
    assert "Median (90% interval) over the runs" in output

    daily = rows(out / "daily.csv")
    assert list(daily[0]) == ["scenario", "date", "day", "metric", "p05", "median", "p95"]
    assert len(daily) == 2 * len(METRICS) * 30
    assert {r["scenario"] for r in daily} == {"No measures", "F1 + F2"}
    assert (daily[0]["date"], daily[-1]["date"]) == ("2020-03-01", "2020-03-30")
    assert all(float(r["p05"]) <= float(r["median"]) <= float(r["p95"]) for r in daily)

    summary = rows(out / "summary.csv")
    assert list(summary[0]) == SUMMARY_COLUMNS
    assert [r["scenario"] for r in summary] == ["No measures", "F1 + F2"]
    for row in summary:
        assert (row["runs"], row["agents"]) == ("2", "2000")  # --runs over the files' 5
        assert float(row["people_per_agent"]) > 1
        assert float(row["infections_total_median"]) > 0
        assert float(row["infections_total_p05"]) <= float(row["infections_total_p95"])
        assert float(row["agent_days_per_second"]) > 0
    assert float(summary[0]["quarantine_facility_peak_p95"]) == 0  # nobody traced
    assert float(summary[1]["quarantine_facility_peak_median"]) > 0

    for metric in METRICS:
        for suffix in ("png", "svg"):
            assert (out / "plots" / f"{metric}.{suffix}").stat().st_size > 1000
    copied = out / "scenarios" / "tracing.toml"
    assert copied.read_text(encoding="utf-8") == tracing.read_text(encoding="utf-8")


def test_a_bad_scenario_is_refused_and_nothing_written(
    scenario_file: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = scenario_file("good.toml", "Good")
    bad = scenario_file("bad.toml", "Bad", measures=TRACING.replace("depth = 2", "depth = 9"))
    out = tmp_path / "results"
    code, output = cordon("simulate", good.name, bad.name, "--out", "results")
    assert code == 1
    assert "Error: bad.toml is not a scenario that can run" in output
    assert "measures[0].depth: Input should be less than or equal to 5" in output
    assert "Traceback" not in output
    assert not out.exists()


def test_a_scenario_refused_as_it_runs(
    scenario_file: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    scenario_file("atlantis.toml", "Atlantis")
    text = (tmp_path / "atlantis.toml").read_text(encoding="utf-8")
    (tmp_path / "atlantis.toml").write_text(
        text.replace("[population]", '[population]\ncity = "atlantis"'), encoding="utf-8"
    )
    code, output = cordon("simulate", "atlantis.toml", "--out", "results", "--workers", "1")
    assert code == 1
    assert "atlantis.toml is not a scenario that can run" in output
    assert "population.city: no built-in city or file 'atlantis'" in output
    assert not (tmp_path / "results").exists()


def test_not_toml_and_twice_the_same_name(
    scenario_file: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "results"
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n", encoding="utf-8")
    code, output = cordon("simulate", "broken.toml", "--out", "results")
    assert code == 1
    assert "broken.toml is not a scenario that can run file: is not TOML" in output
    one = scenario_file("one.toml", "Same")
    two = scenario_file("two.toml", "Same")
    code, output = cordon("simulate", one.name, two.name, "--out", "results")
    assert code == 1
    assert "two scenarios are named Same" in output
    assert not out.exists()


def test_on_a_dask_cluster_as_here(
    tiny_here: Ensemble, tmp_path: Path, cluster: LocalCluster
) -> None:
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(tiny_toml(tiny_here.name, runs=3, measures=TRACING), encoding="utf-8")
    out = tmp_path / "results"
    code, output = cordon(
        "simulate", str(tiny), "--out", str(out), "--scheduler", cluster.scheduler_address
    )
    assert code == 0, output
    write_daily_csv([tiny_here], tmp_path / "here.csv")
    assert (out / "daily.csv").read_bytes() == (tmp_path / "here.csv").read_bytes()


@pytest.mark.parametrize("address", ["nonsense", "tcp://host-without-port", "tcp://[::1]:x"])
def test_a_bad_scheduler_address(
    scenario_file: Callable[..., Path], tmp_path: Path, address: str
) -> None:
    good = str(scenario_file("good.toml", "Good"))
    code, output = cordon("simulate", good, "--out", str(tmp_path / "out"), "--scheduler", address)
    assert code == 1
    assert f"--scheduler: {address} is not an address such as tcp://10.0.0.5:8786" in output
    assert not (tmp_path / "out").exists()
