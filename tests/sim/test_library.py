"""The simulator is a library: importing and running it loads no web or database code; a
scenario file with a mistake names the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cordon.sim.scenario import ScenarioError, load_scenario

FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "psycopg", "alembic", "jinja2", "uvicorn",
             "cordon.core", "cordon.web", "cordon.api")  # fmt: skip

PROGRAM = f"""
import sys
from cordon.sim.model import simulate
from cordon.sim.ensemble import run_ensemble
from cordon.sim.scenario import parse_scenario
run = simulate(parse_scenario({{"name": "x", "days": 5, "population": {{"agents": 2000}}}}), 1)
loaded = [m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r}
          or any(m.startswith(f) for f in {FORBIDDEN!r})]
print(",".join(loaded))
"""


def test_the_simulator_imports_no_web_or_database_code() -> None:
    out = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                         check=True)  # fmt: skip
    assert out.stdout.strip() == ""


def test_a_scenario_with_mistakes_names_each_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "bad"\ndays = 0\n[[measures]]\nkind = "test_trace_isolate"\ndepth = 9\n'
        '[[measures]]\nkind = "teleportation"\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    fields = [where for where, _ in error.value.problems]
    assert "days" in fields
    assert "measures[0].depth" in fields
    assert any(f.startswith("measures[1]") for f in fields)


def test_every_parameter_is_described_with_its_source() -> None:
    from cordon.sim.disease import described

    text = (Path(__file__).parents[2] / "docs" / "simulation-model.md").read_text("utf-8")
    missing = [name for name in described() if f"`{name}`" not in text]
    assert missing == []
