"""The simulator's ensembles and plots load no web or database code, and Dask only when a
cluster is asked for (it brings a web server)."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "uvicorn", "httpx", "distributed", "tornado")


def test_ensemble_and_plots_import_no_web_or_database_code() -> None:
    code = (
        "import sys, json, cordon.sim.ensemble, cordon.sim.plots; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    loaded = json.loads(found.stdout)
    assert not [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert not [m for m in loaded if m.startswith(("cordon.core", "cordon.cli", "cordon.api"))]
