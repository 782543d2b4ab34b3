"""The charts are a pure library: importing them brings no database and no web code."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_charts_imports_no_database_or_web_code() -> None:
    probe = (
        "import sys, cordon.charts, cordon.charts.geo, cordon.charts.choropleth, "
        "cordon.charts.series, cordon.charts.svg\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'sqlalchemy', 'fastapi', 'starlette', 'jinja2', 'alembic', 'psycopg', 'pydantic'})\n"
        "bad += sorted(m for m in sys.modules if m.startswith('cordon.') "
        "and not m.startswith('cordon.charts'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
